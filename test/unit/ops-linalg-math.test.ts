// keras.ops of the linalg and math families through the registry, for the calls Keras's own tests (mined in
// test/conformance/keras-ops-tests*) do not make: shapes, dtypes and Keras's errors. The expected values were printed
// by this Python (Keras 3.15.1, KERAS_BACKEND=jax), one case at a time:
//
//   env = {"ops": keras.ops, "x": keras.KerasTensor(<shape>, dtype=<dtype>)}   # and "y" for a second input
//   r = eval(<call>, env)                    # a tuple for svd, qr, top_k, rfft, stft, fft
//   print([(list(t.shape), t.dtype) for t in (r if isinstance(r, tuple) else (r,))])
//
// and for the errors `print(str(e))` of what the same eval raises.

import assert from 'node:assert/strict';
import { analyze, bindingsOf, describe as describeBinding, messages } from './helpers/analysis.js';
import type { Analysis } from '../../src/analysis/analyze.js';

type Spec = [shape: (number | null)[], dtype: string];
type Case = [call: string, inputs: Spec[], tuple: boolean, outputs: Spec[]];
type ErrorCase = [call: string, inputs: Spec[], message: string];

const cases: Case[] = [
  [
    'ops.lstsq(x, y)',
    [
      [[4, 3], 'float32'],
      [[4], 'float32'],
    ],
    false,
    [[[3], 'float32']],
  ],
  [
    'ops.lstsq(x, y)',
    [
      [[null, 3], 'float16'],
      [[null, 2], 'float32'],
    ],
    false,
    [[[3, 2], 'float16']],
  ],
  [
    'ops.cdist(x, y)',
    [
      [[2, 5, 3], 'float32'],
      [[4, 3], 'int32'],
    ],
    false,
    [[[2, 5, 4], 'float32']],
  ],
  [
    'ops.cdist(x, y)',
    [
      [[null, 2, 3], 'int8'],
      [[3, 4, null], 'int8'],
    ],
    false,
    [[[3, 2, 4], 'float32']],
  ],
  [
    'ops.segment_min(x, y, num_segments=3)',
    [
      [[9, 4], 'int8'],
      [[9], 'int32'],
    ],
    false,
    [[[3, 4], 'int8']],
  ],
  [
    'ops.segment_prod(x, y)',
    [
      [[null, 4], 'float16'],
      [[9], 'int32'],
    ],
    false,
    [[[null, 4], 'float16']],
  ],
  ['ops.view_as_complex(x)', [[[3, 4, 2], 'float32']], false, [[[3, 4], 'complex64']]],
  ['ops.view_as_real(x)', [[[3, 4], 'int32']], false, [[[3, 4, 2], 'float32']]],
  ['ops.erfc(x)', [[[3, 4], 'int32']], false, [[[3, 4], 'float32']]],
  ["ops.norm(x, ord='fro', axis=(1, 2), keepdims=True)", [[[null, 3, 4], 'int32']], false, [[[null, 1, 1], 'float32']]],
  ['ops.norm(x, axis=-1)', [[[null, 3, 4], 'float16']], false, [[[null, 3], 'float16']]],
  [
    'ops.svd(x, full_matrices=False)',
    [[[2, 5, 3], 'float32']],
    true,
    [
      [[2, 5, 3], 'float32'],
      [[2, 3], 'float32'],
      [[2, 3, 3], 'float32'],
    ],
  ],
  [
    "ops.qr(x, mode='complete')",
    [[[2, 5, 3], 'float64']],
    true,
    [
      [[2, 5, 5], 'float64'],
      [[2, 5, 3], 'float64'],
    ],
  ],
  [
    'ops.solve(x, y)',
    [
      [[3, 3], 'float32'],
      [[2, 4, 3], 'int32'],
    ],
    false,
    [[[2, 4, 3], 'int32']],
  ],
  ['ops.pinv(x)', [[[2, 4, 3], 'int8']], false, [[[2, 3, 4], 'int8']]],
  ['ops.det(x)', [[[null, 3, 3], 'int32']], false, [[[null], 'int32']]],
  [
    'ops.top_k(x, 5)',
    [[[2, 3], 'int8']],
    true,
    [
      [[2, 5], 'int8'],
      [[2, 5], 'int32'],
    ],
  ],
  [
    'ops.in_top_k(x, y, 5)',
    [
      [[2], 'int32'],
      [[2, 3], 'float32'],
    ],
    false,
    [[[2], 'bool']],
  ],
  [
    'ops.rfft(x, fft_length=8)',
    [[[2, null], 'float32']],
    true,
    [
      [[2, 5], 'float32'],
      [[2, 5], 'float32'],
    ],
  ],
  [
    'ops.irfft((x, y), fft_length=7)',
    [
      [[2, null], 'float32'],
      [[2, null], 'float32'],
    ],
    false,
    [[[2, 7], 'float32']],
  ],
  [
    'ops.stft(x, 10, 3, 15, center=False)',
    [[[2, 32], 'float32']],
    true,
    [
      [[2, 6, 8], 'float32'],
      [[2, 6, 8], 'float32'],
    ],
  ],
  [
    'ops.istft((x, y), 10, 3, 15, length=20)',
    [
      [[6, 32], 'float32'],
      [[6, 32], 'float32'],
    ],
    false,
    [[[20], 'float32']],
  ],
  [
    'ops.istft((x, y), 10, 3, 15, center=False)',
    [
      [[6, 32], 'float32'],
      [[6, 32], 'float32'],
    ],
    false,
    [[[30], 'float32']],
  ],
  ['ops.logdet(x)', [[[3], 'int32']], false, [[[], 'int32']]],
  [
    'ops.fft((x, y))',
    [
      [[2, 3], 'float16'],
      [[2, 3], 'int32'],
    ],
    true,
    [
      [[2, 3], 'float16'],
      [[2, 3], 'int32'],
    ],
  ],
  ['ops.extract_sequences(x, 10, 3)', [[[2, 30], 'int32']], false, [[[2, 7, 10], 'int32']]],
];

const errors: ErrorCase[] = [
  ['ops.eig(x)', [[[3], 'float32']], 'not enough values to unpack (expected 2, got 1)'],
  ['ops.svd(x)', [[[null, 3], 'float32']], "'<' not supported between instances of 'int' and 'NoneType'"],
  ['ops.lu_factor(x)', [[[2, null, null], 'float32']], "'<' not supported between instances of 'NoneType' and 'NoneType'"],
  ['ops.qr(x)', [[[null, 3], 'float32']], 'Input should have its last 2 dimensions fully-defined. Received: input.shape = (None, 3)'],
  [
    "ops.norm(x, ord='abc')",
    [[[3, 3], 'float32']],
    "Invalid `ord` argument. Expected one of {'fro', 'nuc'} when using string. Received: ord=abc",
  ],
  ['ops.norm(x, ord=3)', [[[3, 3], 'float32']], 'Invalid `ord` argument for matrix norm. Received: ord=3'],
  ["ops.norm(x, ord='fro', axis=1)", [[[3, 3], 'float32']], 'Invalid `ord` argument for vector norm. Received: ord=fro'],
  ['ops.norm(x, axis=5)', [[[3, 3, 3], 'float32']], 'axis 5 is out of bounds for an array with dimension 3.'],
  [
    'ops.solve(x, y)',
    [
      [[3, 3], 'float32'],
      [[2, 4, 5], 'float32'],
    ],
    'Incompatible shapes between `a` and `b`. Expected `a.shape[-1] == b.shape[-1]`. Received: a.shape=(3, 3), b.shape=(2, 4, 5)',
  ],
  [
    'ops.lstsq(x, y)',
    [
      [[4, 3], 'float32'],
      [[5], 'float32'],
    ],
    'Expected b.shape[0] to be equal to a.shape[0]. Received: a.shape=(4, 3), b.shape=(5,)',
  ],
  [
    'ops.lstsq(x, y)',
    [
      [[2, 4, 3], 'float32'],
      [[4], 'float32'],
    ],
    'Expected a to have rank 2. Received: a.shape=(2, 4, 3)',
  ],
  [
    'ops.lstsq(x, y)',
    [
      [[4, 3], 'float32'],
      [[4, 2, 2], 'float32'],
    ],
    'Expected b to have rank 1 or 2. Received: b.shape=(4, 2, 2)',
  ],
  [
    'ops.cdist(x, y)',
    [
      [[3], 'float32'],
      [[4, 3], 'float32'],
    ],
    'Inputs to `cdist` must have rank >= 2. Received shapes: x.shape=(3,), y.shape=(4, 3)',
  ],
  [
    'ops.cdist(x, y)',
    [
      [[2, 3], 'float32'],
      [[4, 2], 'float32'],
    ],
    'The last dimension of inputs to `cdist` must match. Received shapes: x.shape=(2, 3), y.shape=(4, 2)',
  ],
  [
    'ops.cdist(x, y)',
    [
      [[2, 2, 3], 'float32'],
      [[3, 4, 3], 'float32'],
    ],
    'Batch dimensions of inputs to `cdist` must be broadcastable. Received shapes: x.shape=(2, 2, 3), y.shape=(3, 4, 3)',
  ],
  [
    'ops.extract_sequences(x, 10, 2)',
    [[[2, 3], 'float32']],
    "Cannot convert '(2, -3, 10)' to a shape. Negative dimensions are not allowed.",
  ],
  ['ops.extract_sequences(x, 10, 0)', [[[2, 30], 'float32']], 'integer division or modulo by zero'],
  ['ops.fft(x)', [[[2, 3], 'float32']], 'A symbolic KerasTensor cannot be used as a boolean.'],
  [
    'ops.fft((x, y))',
    [
      [[2, 3], 'float32'],
      [[2, 4], 'float32'],
    ],
    'Input `x` should be a tuple of two tensors - real and imaginary. Both the real and imaginary parts should have the same shape. Received: x[0].shape = (2, 3), x[1].shape = (2, 4)',
  ],
  [
    'ops.fft((x, y))',
    [
      [[2, null], 'float32'],
      [[2, null], 'float32'],
    ],
    'Input should have its last dimension fully-defined. Received: input.shape = (2, None)',
  ],
  [
    'ops.fft2((x, y))',
    [
      [[3], 'float32'],
      [[3], 'float32'],
    ],
    'Input should have rank >= 2. Received: input.shape = (3,)',
  ],
  [
    'ops.ifft2((x, y))',
    [
      [[null, 3], 'float32'],
      [[null, 3], 'float32'],
    ],
    'Input should have its (-2, -1) axes fully-defined. Received: input.shape = (None, 3)',
  ],
  ['ops.rfft(x)', [[[], 'float32']], 'Input should have rank >= 1. Received: input.shape = ()'],
  [
    'ops.irfft((x, y))',
    [
      [[2, 0], 'float32'],
      [[2, 0], 'float32'],
    ],
    "Cannot convert '(2, -2)' to a shape. Negative dimensions are not allowed.",
  ],
  ['ops.stft(x, 10, 0, 15)', [[[2, 32], 'float32']], '`sequence_stride` must be a positive integer. Received: sequence_stride=0'],
  ['ops.stft(x, 10, 2.0, 15)', [[[2, 32], 'float32']], '`sequence_stride` must be a positive integer. Received: sequence_stride=2.0'],
  ['ops.stft(x, 10, 3, 15)', [[[], 'float32']], 'tuple index out of range'],
  [
    'ops.istft((x, y), 10, 3, 15)',
    [
      [[32], 'float32'],
      [[32], 'float32'],
    ],
    'Input should have rank >= 2. Received: input.shape = (32,)',
  ],
  [
    'ops.segment_sum(x, y)',
    [
      [[10, 4], 'float32'],
      [[10, 2], 'int32'],
    ],
    'Argument `segment_ids` should be an 1-D vector, got shape: 2. Consider either flatten input with segment_ids.reshape((-1)) and data.reshape((-1, ) + data.shape[len(segment_ids.shape):]) or vectorize with vmap.',
  ],
  [
    'ops.segment_sum(x, y)',
    [
      [[10, 4], 'float32'],
      [[9], 'int32'],
    ],
    'Argument `segment_ids` and `data` should have same leading dimension. Got (9,) v.s. (10, 4).',
  ],
  ['ops.top_k(x, 1)', [[[], 'float32']], 'list assignment index out of range'],
  ['ops.top_k(x, -1)', [[[2, 3], 'float32']], "Cannot convert '(2, -1)' to a shape. Negative dimensions are not allowed."],
  [
    'ops.qr(x, mode=3)',
    [[[3, 3], 'float32']],
    "`mode` argument value not supported. Expected one of {'reduced', 'complete'}. Received: mode=3",
  ],
  ['ops.norm(x, ord=3.0)', [[[3, 3], 'float32']], 'Invalid `ord` argument for matrix norm. Received: ord=3.0'],
];

const pyShape = (shape: readonly (number | null)[]): string =>
  `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

function source(call: string, inputs: readonly Spec[], target: string): string {
  const lines = ['import keras', 'from keras import ops'];
  inputs.forEach(([shape, dtype], i) => lines.push(`${'xy'[i]} = keras.Input(batch_shape=${pyShape(shape)}, dtype="${dtype}")`));
  return [...lines, `${target} = ${call}`].join('\n');
}

function tensorOf(a: Analysis, name: string): Spec {
  const value = bindingsOf(a, name)[0]?.value;
  assert.ok(value?.kind === 'tensor', value?.kind === 'unknown' ? value.reason : `${name} is ${value?.kind ?? 'not bound'}`);
  const tensor = a.tensors[value.tensor]!;
  return [tensor.shape as (number | null)[], tensor.dtype];
}

describe('keras.ops linalg and math', () => {
  for (const [call, inputs, tuple, outputs] of cases) {
    it(`${call} on ${inputs.map(([s, d]) => `${pyShape(s)} ${d}`).join(' and ')}`, async () => {
      const names = tuple ? outputs.map((_, i) => `r${i}`) : ['r'];
      const a = await analyze(source(call, inputs, names.join(', ')));
      assert.deepEqual(messages(a), []);
      assert.deepEqual(
        names.map((name) => tensorOf(a, name)),
        outputs,
      );
    });
  }

  for (const [call, inputs, message] of errors) {
    it(`${call} on ${inputs.map(([s, d]) => `${pyShape(s)} ${d}`).join(' and ')} raises`, async () => {
      const a = await analyze(source(call, inputs, 'r'));
      assert.deepEqual(messages(a, 'error'), [message]);
    });
  }

  it('sizes known only at run time: named through the arithmetic, unknown where they decide an error', async () => {
    const a = await analyze(`import keras
from keras import ops
data = load_data()
n = data.shape[1]
x = keras.Input(batch_shape=(n, 32))
r0, r1 = ops.rfft(x)
s = ops.extract_sequences(keras.Input(batch_shape=(2, n)), 3, 2)
t = ops.det(keras.Input(batch_shape=(2, n, n)))
u0, u1, u2 = ops.svd(keras.Input(batch_shape=(n, 3)))
v = ops.inv(keras.Input(batch_shape=(2, n, 3)))
w = ops.inv(keras.Input(batch_shape=(2, n, None)))`);
    const shapes = ['r0', 's', 't', 'u0', 'u1', 'v'].map((name) => describeBinding(a, bindingsOf(a, name)[0]!));
    assert.deepEqual(shapes, [
      '(data.shape[1], 17)',
      '(2, 1 + ((data.shape[1] - 3) // 2), 3)',
      '(2,)',
      '(data.shape[1], data.shape[1])',
      '(min(data.shape[1], 3),)',
      'unknown: whether Keras raises "Expected a square matrix. Received non-square input with shape (2, data.shape[1], 3)" depends on a size known only at run time',
    ]);
    // A size known only at run time is an int, never None.
    assert.deepEqual(messages(a, 'error'), ['Expected a square matrix. Received non-square input with shape (2, data.shape[1], None)']);
  });
});
