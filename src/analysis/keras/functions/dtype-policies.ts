// keras.config.set_dtype_policy (and its legacy spellings in keras.mixed_precision), DTypePolicy objects, and
// set_floatx: the dtype the layers made after them compute in, with the errors Keras raises for a name it cannot read.

import { OpNotKnown } from '../ops/op-rule.js';
import { standardizeDtype } from '../ops/dtypes.js';
import { LayerError } from '../rule.js';
import { formatValue } from '../../python-values.js';
import { none, typeName, unknown, type Arguments, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';

/** keras.src.dtype_policies.dtype_policy.QUANTIZATION_MODES: a policy name starting so is a quantized policy. */
const quantizationModes = ['int8', 'float8', 'int4', 'gptq', 'awq'];

/** A DTypePolicy as the analysis holds it: by its name, as Keras's get_config gives it. */
export function dtypePolicyObject(name: string): Value {
  return { kind: 'kerasObject', className: 'DTypePolicy', config: { name } };
}

/** The policy name a value given as `dtype` or `policy` stands for, if it is a DTypePolicy object. */
export function dtypePolicyName(value: Value): string | undefined {
  return value.kind === 'kerasObject' && value.className === 'DTypePolicy' && typeof value.config['name'] === 'string'
    ? value.config['name']
    : undefined;
}

/** DTypePolicy._parse_name: mixed_float16, mixed_bfloat16, or any dtype standardize_dtype reads. */
function parsePolicyName(name: string): void {
  if (name === 'mixed_float16' || name === 'mixed_bfloat16') return;
  try {
    standardizeDtype(name);
  } catch (error) {
    if (!(error instanceof LayerError) && !(error instanceof OpNotKnown)) throw error;
    throw new LayerError(
      `Cannot convert '${name}' to a mixed precision DTypePolicy. Valid policies include 'mixed_float16', ` +
        "'mixed_bfloat16', and the name of any float dtype such as 'float32'.",
    );
  }
}

/** keras.config.set_dtype_policy's reading of its argument: a policy name, or the error Keras raises. */
function policyArgument(policy: Value): string | Value {
  const named = dtypePolicyName(policy);
  if (named !== undefined) return named;
  if (policy.kind === 'unknown') return policy;
  if (policy.kind !== 'str') {
    const repr = formatValue(policy);
    if (repr === undefined) return unknown(`the dtype policy given is a ${typeName(policy)}, which is not read as a policy`);
    throw new LayerError(
      "Invalid `policy` argument. Expected the string name of a policy (such as 'mixed_float16') or a `DTypePolicy` " +
        `instance. Received: policy=${repr} (of type <class '${typeName(policy)}'>)`,
    );
  }
  if (quantizationModes.some((mode) => policy.value.startsWith(mode))) {
    if (policy.value.split('_from_').length !== 2) {
      throw new LayerError(
        'Cannot convert `policy` into a valid pair (`mode`, `source_name`) to instantiate `QuantizedDTypePolicy`. ' +
          `Received: policy=${policy.value}`,
      );
    }
    return policy.value;
  }
  parsePolicyName(policy.value);
  return policy.value;
}

/** `DTypePolicy(name=None)`: None takes the global policy's name. */
function newPolicy({ keras }: ApiContext, args: Arguments): Value {
  const given = args.positional[0] ?? args.keywords.get('name') ?? none;
  if (given.kind === 'none') return keras.dtypePolicy();
  if (given.kind !== 'str') {
    const repr = formatValue(given);
    if (repr === undefined) return unknown('the name of this DTypePolicy is not known');
    throw new LayerError(`'name' must be a string, such as 'mixed_float16'. Received: name=${repr} (of type <class '${typeName(given)}'>)`);
  }
  parsePolicyName(given.value);
  return dtypePolicyObject(given.value);
}

const policyClasses = [
  'keras.DTypePolicy',
  'keras.mixed_precision.DTypePolicy',
  'keras.mixed_precision.Policy',
  'keras.dtype_policies.DTypePolicy',
];
const setters = ['keras.config.set_dtype_policy', 'keras.mixed_precision.set_dtype_policy', 'keras.mixed_precision.set_global_policy'];
const getters = ['keras.config.dtype_policy', 'keras.mixed_precision.dtype_policy', 'keras.mixed_precision.global_policy'];

export const dtypePolicyFunctions: readonly ApiFunction[] = [
  ...policyClasses.map((path) => apiFunction(path, (context, args, site) => context.keras.raising(site, () => newPolicy(context, args)))),
  ...setters.map((path) =>
    apiFunction(path, ({ keras }, args, site) =>
      keras.raising(site, () => {
        const policy = policyArgument(args.positional[0] ?? args.keywords.get('policy') ?? none);
        keras.setDtypePolicy(policy);
        return none;
      }),
    ),
  ),
  ...getters.map((path) => apiFunction(path, ({ keras }) => keras.dtypePolicy())),
  ...['keras.config', 'keras.backend'].flatMap((module) => [
    apiFunction(`${module}.set_floatx`, ({ keras }, args, site) =>
      keras.setFloatx(args.positional[0] ?? args.keywords.get('value') ?? none, site),
    ),
    apiFunction(`${module}.floatx`, ({ keras }) => keras.floatx()),
  ]),
];
