// The helpers of Keras's own modules that the sources of keras.applications
// call (and that files call too): `is_keras_tensor`, `get_source_inputs`,
// `get_uid`, `name_scope`, the file helpers, and `keras_export`, which only
// registers its function under public names.

import { type Arguments, bool, int, none, str, unknown, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';

function argument(args: Arguments, index: number, name: string): Value | undefined {
  return args.positional[index] ?? args.keywords.get(name);
}

function isKerasTensor(_context: ApiContext, args: Arguments): Value {
  const value = argument(args, 0, 'x');
  if (!value) return unknown('is_keras_tensor() without an argument');
  if (value.kind === 'tensor') return bool(true);
  if (value.kind === 'unknown') return unknown(value.reason);
  return bool(false);
}

/** `get_file(fname, origin, cache_subdir="datasets", cache_dir=None, …)`: the file in Keras's cache, when it is there. */
function getFile(context: ApiContext, args: Arguments): Value {
  const fname = argument(args, 0, 'fname');
  const subdir = args.keywords.get('cache_subdir') ?? args.positional[4] ?? str('datasets');
  const cacheDir = args.keywords.get('cache_dir');
  if (fname?.kind !== 'str' || subdir.kind !== 'str' || (cacheDir && cacheDir.kind !== 'none')) {
    return unknown('get_file() of a file or cache folder that is not known statically');
  }
  return context.cachedFile(subdir.value, fname.value);
}

function exists(context: ApiContext, args: Arguments): Value {
  const path = argument(args, 0, 'path');
  if (path?.kind !== 'str') return unknown('whether a path that is not known exists');
  const found = context.dataFile(path.value);
  // A file not there now may be there when the code runs (saved by it, or by a training run before it).
  if (found.kind === 'none') return unknown(`${path.value} is not found from the file's folder or the workspace folders`);
  return found.kind === 'unknown' ? found : bool(true);
}

function sourceInputs({ keras }: ApiContext, args: Arguments): Value {
  const tensor = argument(args, 0, 'tensor');
  return tensor ? keras.sourceInputs(tensor) : unknown('get_source_inputs() without a tensor');
}

/** `@keras_export("keras.applications.X")`: the function itself, registered elsewhere under its public names. */
const keepFunction: Value = { kind: 'builtin', name: 'keras_export', call: (decorated) => decorated.positional[0] ?? none };

export const kerasUtilityFunctions: readonly ApiFunction[] = [
  apiFunction('keras.backend.is_keras_tensor', isKerasTensor),
  apiFunction('keras.utils.is_keras_tensor', isKerasTensor),
  apiFunction('keras.backend.get_uid', ({ keras }, args) => {
    const prefix = argument(args, 0, 'prefix') ?? str('');
    return prefix.kind === 'str' ? int(keras.uid(prefix.value)) : unknown('get_uid() of a prefix that is not known');
  }),
  // Keras's name scopes prefix the paths of variables, not the names of layers.
  ...['keras.name_scope', 'keras.backend.name_scope'].map((path) => apiFunction(path, () => none)),
  apiFunction('keras.backend.backend', () =>
    unknown('the backend Keras runs on is chosen when the code runs (KERAS_BACKEND or ~/.keras/keras.json)'),
  ),
  ...['keras.utils.get_file', 'keras.utils.file_utils.get_file'].map((path) => apiFunction(path, getFile)),
  apiFunction('keras.utils.file_utils.exists', exists),
  ...['keras.utils.get_source_inputs', 'keras.ops.operation_utils.get_source_inputs'].map((path) => apiFunction(path, sourceInputs)),
  apiFunction('keras.api_export.keras_export', () => keepFunction),
];
