// tfjs-node's binding sets an op's string and type attributes from single values only. TensorFlow's fused
// convolution (_FusedConv2D, which Grappler makes of Conv2D → FusedBatchNorm → Relu in Python) takes a list of each
// (fused_ops, TArgs): this adds the list forms to the binding's source before it is built, with TensorFlow's own
// TFE_OpSetAttrStringList and TFE_OpSetAttrTypeList. The engine checks that a binding has them before it fuses, so a
// binding installed the ordinary way still works, unfused.

import { readFileSync, writeFileSync } from 'node:fs';

const marker = '// Tensor Lens: attribute lists';

const stringList = `    case TF_ATTR_STRING: {
      ${marker}
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> strings(length);
        std::vector<const void *> values(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, strings[i]);
          ENSURE_NAPI_OK(env, nstatus);
          values[i] = strings[i].data();
          lengths[i] = strings[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, values.data(), lengths.data(), length);
        break;
      }
`;

const typeList = `    case TF_ATTR_TYPE: {
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(env, element, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(), length);
        break;
      }
`;

/** Adds the list forms to `binding/tfjs_backend.cc` of the tfjs-node package at `path`; once. */
export function addAttributeLists(path) {
  let source = readFileSync(path, 'utf8');
  if (source.includes(marker)) return;
  const replacements = [
    ['#include <string>\n', '#include <string>\n#include <vector>\n'],
    ['    case TF_ATTR_STRING: {\n', stringList],
    ['    case TF_ATTR_TYPE: {\n', typeList],
  ];
  for (const [anchor, replacement] of replacements) {
    const at = source.indexOf(anchor);
    if (at < 0 || source.indexOf(anchor, at + 1) >= 0) throw new Error(`${path} has changed: "${anchor.trim()}" is not found once`);
    source = source.replace(anchor, replacement);
  }
  writeFileSync(path, source);
}
