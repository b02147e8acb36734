// keras.ops reductions, cumulative ops and element-wise ops (reductions.ts, elementwise.ts) on calls Keras's own
// ops tests do not make: `dtype=` arguments, repeated or odd axes, `q` as a list, average's weights, the Python
// errors of Keras's compute_output_spec. The expected outputs were printed by this Python (Keras 3.15.1,
// KERAS_BACKEND=jax), one case at a time:
//
//   x = keras.KerasTensor(<first shape>, dtype=<dtype>)       # and y for a second shape
//   try:
//       r = eval(<call>, {"ops": keras.ops, "x": x, "y": y})
//       print(list(r.shape), r.dtype)
//   except Exception as e:
//       print(e)

import assert from 'node:assert/strict';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Shape = (number | null)[];
type Case = [call: string, inputs: Shape[], dtype: string, shape: Shape, outputDtype: string];
type ErrorCase = [call: string, inputs: Shape[], dtype: string, message: string];

const cases: Case[] = [
  ["ops.prod(x, axis=0, dtype='float16')", [[2, 3]], 'int32', [3], 'float16'],
  ['ops.prod(x)', [[2, 3]], 'bool', [], 'int32'],
  ["ops.prod(x, dtype='bool')", [[2, 3]], 'float32', [], 'bool'],
  ["ops.cumsum(x, dtype='bool')", [[2, 3]], 'float32', [6], 'int32'],
  ['ops.cumsum(x, axis=-1)', [[2, 3]], 'bool', [2, 3], 'int32'],
  ['ops.nancumsum(x, axis=7)', [[2, 3]], 'float32', [2, 3], 'float32'],
  ["ops.nancumprod(x, dtype='int64')", [[2, 3]], 'float32', [6], 'int64'],
  ['ops.cumprod(x)', [[2, null]], 'float32', [null], 'float32'],
  ['ops.sum(x, axis=(1, 1))', [[2, 3, 4]], 'float32', [2], 'float32'],
  ['ops.sum(x, axis=[1, 0], keepdims=1)', [[2, 3]], 'float32', [1, 1], 'float32'],
  ['ops.sum(x, axis=True)', [[2, 3]], 'float32', [2], 'float32'],
  ['ops.argmax(x, axis=(0, 1))', [[null, 3]], 'float32', [], 'int32'],
  ['ops.nanargmax(x, axis=-1, keepdims=True)', [[2, 3]], 'float32', [2, 1], 'int32'],
  ['ops.average(x, axis=1, weights=y)', [[null, 3], [3]], 'int32', [null], 'float32'],
  ['ops.average(x, axis=-1)', [[2, 3]], 'int8', [2], 'float32'],
  [
    'ops.average(x, weights=y)',
    [
      [null, 3],
      [2, null],
    ],
    'float16',
    [],
    'float16',
  ],
  ['ops.quantile(x, [0.5])', [[null, 3]], 'float32', [], 'float32'],
  ['ops.percentile(x, [50])', [[null, 3]], 'float32', [1], 'float32'],
  ['ops.quantile(x, [0.25, 0.75], axis=1, keepdims=True)', [[null, 3]], 'int32', [2, null, 1], 'float32'],
  ['ops.nanpercentile(x, 50.0, axis=0)', [[null, 3]], 'bfloat16', [3], 'bfloat16'],
  ['ops.nanquantile(x, y, axis=(0, 1))', [[2, 3, 4], [5]], 'float16', [5, 4], 'float16'],
  ['ops.trapezoid(x, axis=-2)', [[2, 3]], 'float32', [3], 'float32'],
  ['ops.trapezoid(x, axis=5)', [[2, 3, 4]], 'float32', [2, 3], 'float32'],
  ['ops.trapezoid(x, axis=None)', [[2, 3]], 'int32', [2, 3], 'float32'],
  ['ops.clip(x, 0, 1)', [[2, 3]], 'bool', [2, 3], 'int32'],
  ['ops.clip(x, 0, 1)', [[2, 3]], 'uint8', [2, 3], 'uint8'],
  ['ops.isin(x, y)', [[2, 3], [5]], 'int32', [2, 3], 'bool'],
  ['ops.allclose(x, y)', [[2, 3], [4]], 'float32', [], 'bool'],
  ['ops.fmod(x, 2)', [[2, 3]], 'int8', [2, 3], 'int8'],
  ['ops.gcd(x, y)', [[2, 3], [3]], 'int16', [2, 3], 'int16'],
  ['ops.lcm(x, 2)', [[2, 3]], 'uint8', [2, 3], 'int32'],
  ['ops.ldexp(x, y)', [[2, 3], [3]], 'int32', [2, 3], 'float32'],
  ['ops.logaddexp2(x, 1)', [[2, 3]], 'int32', [2, 3], 'float32'],
  ['ops.fmax(x, y)', [[null, 1], [4]], 'float16', [null, 4], 'float16'],
  ['ops.fmin(2.5, x)', [[3]], 'int32', [3], 'float32'],
  ['ops.fabs(x)', [[2, 3]], 'int32', [2, 3], 'float32'],
  ['ops.i0(x)', [[2, 3]], 'int64', [2, 3], 'float64'],
  ['ops.sinc(x)', [[2, 3]], 'float16', [2, 3], 'float16'],
  ['ops.round(x, decimals=2)', [[2, 3]], 'int32', [2, 3], 'int32'],
  ['ops.nan_to_num(x, nan=1.0, posinf=9.0)', [[2, 3]], 'bfloat16', [2, 3], 'bfloat16'],
  ['ops.isreal(x)', [[2, 3]], 'float32', [2, 3], 'bool'],
  ['ops.angle(x)', [[2, 3]], 'int32', [2, 3], 'float32'],
  ['ops.isclose(x, 2)', [[2, 3]], 'int32', [2, 3], 'bool'],
  ['ops.nanprod(x, axis=0)', [[2, 3]], 'uint8', [3], 'uint32'],
  ['ops.nanmedian(x, axis=(0, 1))', [[2, 3, 4]], 'int32', [4], 'float32'],
  ['ops.ptp(x, axis=1, keepdims=True)', [[2, 3]], 'int8', [2, 1], 'int8'],
  ['ops.nanstd(x)', [[2, 3]], 'int32', [], 'float32'],
  ['ops.nanvar(x, keepdims=True)', [[2, 3]], 'float16', [1, 1], 'float16'],
  ['ops.nanmax(x, axis=0)', [[2, 3]], 'int16', [3], 'int16'],
  ['ops.nanmin(x, axis=-1, keepdims=True)', [[2, 3]], 'bool', [2, 1], 'bool'],
  ['ops.cast(x, None)', [[2, 3]], 'int32', [2, 3], 'float32'],
  ["ops.cast(x, 'uint32')", [[2, 3]], 'float32', [2, 3], 'uint32'],
  ['ops.max(x, axis=0, initial=0)', [[2, 3]], 'int32', [3], 'int32'],
  ['ops.count_nonzero(x, axis=(0,))', [[2, 3]], 'float32', [3], 'int32'],
  ['ops.logsumexp(x, axis=0)', [[2, 3]], 'int32', [3], 'float32'],
  ['ops.median(x, axis=-1)', [[2, 3]], 'int64', [2], 'float32'],
];

/** Keras raises: the error on the call, with Keras's message. */
const errors: ErrorCase[] = [
  ['ops.sum(x, axis=2)', [[null, 3]], 'float32', 'axis 2 is out of bounds for an array with dimension 2.'],
  ['ops.sum(x, axis=1.0)', [[null, 3]], 'float32', "'float' object is not iterable"],
  ['ops.sum(x, axis=(1, 1))', [[null, 3]], 'float32', 'list assignment index out of range'],
  ['ops.cumsum(x, axis=(1,))', [[2, 3]], 'float32', "'tuple' object cannot be interpreted as an integer"],
  ['ops.cumsum(x, axis=2)', [[2, 3]], 'float32', 'axis 2 is out of bounds for an array with dimension 2.'],
  ['ops.nanargmin(x, axis=(0,))', [[2, 3]], 'float32', "'tuple' object cannot be interpreted as an integer"],
  [
    'ops.average(x, axis=1, weights=y)',
    [[2, 3], [2]],
    'float32',
    '`weights` must have the same size as `x` at `axis=1` but received `weights.shape=(2,)` while x.shape at `1` is `3`.',
  ],
  ['ops.average(x, axis=5, weights=y)', [[2, 3], [3]], 'float32', 'tuple index out of range'],
  ['ops.average(x, weights=2)', [[2, 3]], 'float32', "'int' object has no attribute 'shape'"],
  ['ops.trapezoid(x, axis=(1,))', [[2, 3]], 'float32', "unsupported operand type(s) for %: 'tuple' and 'int'"],
  ['ops.isin(2, x)', [[2, 3]], 'float32', "'int' object has no attribute 'shape'"],
  ["ops.cast(x, 'foo')", [[2, 3]], 'float32', 'Invalid dtype: foo'],
];

/** Calls whose result the analysis cannot tell (it says why), and Keras's outcome that it cannot tell apart. */
const unknowns: [call: string, reason: RegExp][] = [
  // Python's float is a dtype (float32), the string "float" raises: the analysis sees "float" for both.
  ['ops.cast(x, float)', /which one is given is not known/],
  // nancumsum compares the dtype as given: Python's bool stays bool, "bool" becomes int32.
  ["ops.nancumsum(x, dtype='bool')", /which one is given is not known/],
  // No tensor: the backend computes it at once (greater(1, 2) is a bool, not a promoted int).
  ['ops.greater(1, 2)', /computed eagerly/],
];

const pyShape = (shape: Shape): string => `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

function source(call: string, inputs: Shape[], dtype: string): string {
  const lines = ['import keras', 'from keras import ops'];
  inputs.forEach((s, i) => lines.push(`${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`));
  return [...lines, `r = ${call}`].join('\n');
}

describe('keras.ops reductions, cumulative and element-wise ops', () => {
  for (const [call, inputs, dtype, shape, outputDtype] of cases) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')} ${dtype}`, async () => {
      const a = await analyze(source(call, inputs, dtype));
      assert.deepEqual(messages(a), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.equal(r.kind, 'tensor', r.kind === 'unknown' ? r.reason : r.kind);
      const tensor = a.tensors[r.kind === 'tensor' ? r.tensor : -1]!;
      assert.deepEqual([tensor.shape, tensor.dtype], [shape, outputDtype]);
    });
  }

  for (const [call, inputs, dtype, message] of errors) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')} ${dtype} raises`, async () => {
      const a = await analyze(source(call, inputs, dtype));
      assert.deepEqual(messages(a, 'error'), [message]);
    });
  }

  for (const [call, reason] of unknowns) {
    it(`${call} is not known, with a reason and no error`, async () => {
      const a = await analyze(source(call, [[2, 3]], 'float32'));
      assert.deepEqual(messages(a, 'error'), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.equal(r.kind, 'unknown');
      assert.match(r.kind === 'unknown' ? r.reason : '', reason);
    });
  }
});
