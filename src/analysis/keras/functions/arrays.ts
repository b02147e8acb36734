// NumPy, TensorFlow and Keras constructors of sample data, whose shape is known
// from their arguments (`np.random.rand(1, 32, 32, 3)`, `tf.zeros((2, 8))`).

import type { Shape } from '../../../graph/shape.js';
import { shapeArgument } from '../../shape-argument.js';
import { type Arguments, tuple, unknown, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';

interface ArrayConstructor {
  readonly dtype: string;
  /** How the shape is given: as separate ints (`rand(1, 2)`), or one shape argument at a position/keyword. */
  readonly shape: 'varargs' | { readonly position: number; readonly keyword: string };
  /** A tensor (TensorFlow, Keras) rather than a NumPy array. */
  readonly tensor: boolean;
}

const numpy = (dtype: string, shape: ArrayConstructor['shape']): ArrayConstructor => ({ dtype, shape, tensor: false });
const tensor = (position = 0, keyword = 'shape'): ArrayConstructor => ({ dtype: 'float32', shape: { position, keyword }, tensor: true });

const constructors: Readonly<Record<string, ArrayConstructor>> = {
  'np.random.rand': numpy('float64', 'varargs'),
  'np.random.randn': numpy('float64', 'varargs'),
  'np.random.random': numpy('float64', { position: 0, keyword: 'size' }),
  'np.random.random_sample': numpy('float64', { position: 0, keyword: 'size' }),
  'np.random.uniform': numpy('float64', { position: 2, keyword: 'size' }),
  'np.random.normal': numpy('float64', { position: 2, keyword: 'size' }),
  'np.random.randint': numpy('int64', { position: 2, keyword: 'size' }),
  'np.zeros': numpy('float64', { position: 0, keyword: 'shape' }),
  'np.ones': numpy('float64', { position: 0, keyword: 'shape' }),
  'np.empty': numpy('float64', { position: 0, keyword: 'shape' }),
  'np.full': numpy('float64', { position: 0, keyword: 'shape' }),
  'tf.random.normal': tensor(),
  'tf.random.uniform': tensor(),
  'tf.zeros': tensor(),
  'tf.ones': tensor(),
  'keras.random.normal': tensor(),
  'keras.random.uniform': tensor(),
  'keras.ops.zeros': tensor(),
  'keras.ops.ones': tensor(),
};

const numpyDtypes = new Set(['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool']);

function dtypeArgument(value: Value | undefined, fallback: string): string {
  if (value?.kind === 'str') return value.value;
  if (value?.kind === 'module') {
    const name = value.path.slice(value.path.lastIndexOf('.') + 1);
    if (numpyDtypes.has(name)) return name;
  }
  return fallback;
}

function construct(path: string, spec: ArrayConstructor, { keras }: ApiContext, args: Arguments): Value {
  let shape: Shape | undefined;
  if (spec.shape === 'varargs') shape = shapeArgument(tuple(args.positional));
  else
    shape =
      shapeArgument(args.keywords.get(spec.shape.keyword) ?? args.positional[spec.shape.position]) ??
      (spec.shape.position > 0 && !args.keywords.has(spec.shape.keyword) && args.positional.length <= spec.shape.position ? [] : undefined);
  if (!shape) return unknown(`the shape given to ${path}() is not known`);
  const dtype = dtypeArgument(args.keywords.get('dtype'), spec.dtype);
  const argsJson: Record<string, string | number | null> = {};
  for (const [k, v] of args.keywords) if (v.kind === 'int' || v.kind === 'float' || v.kind === 'str') argsJson[k] = v.value;
  args.positional.forEach((v, i) => {
    if (v.kind === 'int' || v.kind === 'float') argsJson[String(i)] = v.value;
  });
  const source = { kind: 'constructor' as const, fn: path, args: argsJson };
  return spec.tensor
    ? keras.constantTensor(shape, dtype === 'float64' ? 'float32' : dtype, source)
    : { kind: 'array', shape, dtype, source };
}

export const arrayFunctions: readonly ApiFunction[] = Object.entries(constructors).map(([path, spec]) =>
  apiFunction(path, (context, args) => construct(path, spec, context, args)),
);
