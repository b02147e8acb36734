// keras.ops of the nn family through the registry, beyond the calls of Keras's own ops tests (which the conformance
// suite checks): the ops no mined case calls (adaptive pools, depth_to_space, space_to_depth, fold, unfold), other data
// formats and dtypes, and Keras's errors. The expected outputs were printed by this Python (Keras 3.15.1, jax), one
// case at a time:
//
//   x = keras.KerasTensor(<shape>, dtype=<dtype>)       # and y for two inputs
//   r = eval(<call>, {"ops": keras.ops, "x": x, "y": y})
//   print(list(r.shape), r.dtype)                       # or, where Keras raises: print(error)

import assert from 'node:assert/strict';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Dims = (number | null)[];
type Case = [call: string, inputs: Dims[], dtype: string, shape: Dims, outputDtype: string];
type ErrorCase = [call: string, inputs: Dims[], message: string];

const cases: Case[] = [
  ['ops.unfold(x, 5)', [[2, 3, 4, 4]], 'float32', [2, 75, 0], 'float32'],
  [
    'ops.conv_transpose(x, y, 3, output_padding=(1, 0))',
    [
      [null, 4, null, 3],
      [3, 3, 5, 3],
    ],
    'float32',
    [null, 13, null, 5],
    'float32',
  ],
  [
    'ops.separable_conv(x, y, x, 2, data_format="channels_first")',
    [
      [null, 3, 9, 9],
      [3, 3, 3, 2],
    ],
    'float32',
    [null, 9, 4, 4],
    'float32',
  ],
  ['ops.max_pool(x, (2, 3, 4), 1, padding="same")', [[null, 9, 9, 3]], 'float32', [null, 9, 9, 3], 'float32'],
  [
    'ops.sparse_categorical_crossentropy(x, y, axis=1)',
    [
      [2, 4, 1],
      [2, 3, 4],
    ],
    'float32',
    [2, 4],
    'float32',
  ],
  ['ops.adaptive_average_pool(x, (2, 2), data_format="channels_first")', [[2, 3, 8, 8]], 'float32', [2, 3, 2, 2], 'float32'],
  ['ops.adaptive_max_pool(x, (4, 4))', [[2, 8, 8, 3]], 'float16', [2, 8, 4, 4, 3], 'float16'],
  ['ops.depth_to_space(x, 2)', [[null, 4, 5, 12]], 'float32', [null, 8, 10, 3], 'float32'],
  ['ops.depth_to_space(x, 2, data_format="channels_first")', [[1, 8, 3, null]], 'int32', [1, 2, 6, null], 'int32'],
  ['ops.space_to_depth(x, 2)', [[null, 4, 6, 3]], 'float32', [null, 2, 3, 12], 'float32'],
  ['ops.space_to_depth(x, 3, data_format="channels_first")', [[2, 3, 9, 6]], 'bfloat16', [2, 27, 3, 2], 'bfloat16'],
  ['ops.unfold(x, 3)', [[2, 3, 10, 8]], 'float32', [2, 27, 48], 'float32'],
  ['ops.unfold(x, (2, 3), dilation=2, padding=1, stride=(2, 1))', [[null, 4, 10, 8]], 'float32', [null, 24, 30], 'float32'],
  ['ops.fold(x, (8, 8), 2)', [[2, 12, 16]], 'float32', [2, 3, 8, 8], 'float32'],
  ['ops.fold(x, 5, (1, 3))', [[null, null, 9]], 'float16', [null, null, 5, 5], 'float16'],
  [
    'ops.conv(x, y, 2, padding="same", data_format="channels_first")',
    [
      [null, 3, 9, 9],
      [3, 3, 3, 8],
    ],
    'float16',
    [null, 8, 5, 5],
    'float16',
  ],
  [
    'ops.conv_transpose(x, y, 2, padding="same", output_padding=1, data_format="channels_first")',
    [
      [null, 3, 5, 5],
      [3, 3, 8, 3],
    ],
    'float32',
    [null, 8, 10, 10],
    'float32',
  ],
  [
    'ops.depthwise_conv(x, y, 1, padding="same")',
    [
      [null, 10, 4],
      [3, 4, 2],
    ],
    'int32',
    [null, 10, 8],
    'int32',
  ],
  ['ops.max_pool(x, 3, 2, data_format="channels_first")', [[null, 3, 9, 9]], 'float32', [null, 3, 4, 4], 'float32'],
  ['ops.one_hot(x, 4, dtype="int32")', [[null, 3]], 'int32', [null, 3, 4], 'int32'],
  ['ops.one_hot(x, 4, axis=0)', [[null, 3]], 'int8', [4, null, 3], 'float32'],
  ['ops.multi_hot(x, 4)', [[null, 3]], 'int32', [null, 4], 'int32'],
  ['ops.softmax(x, axis=(0, 1))', [[2, 3, 4]], 'float16', [2, 3, 4], 'float16'],
  ['ops.normalize(x, axis=None)', [[2, 3]], 'float16', [2, 3], 'float32'],
  ['ops.glu(x, axis=1)', [[2, null, 4]], 'float32', [2, null, 4], 'float32'],
  [
    'ops.categorical_crossentropy(x, y, axis=0)',
    [
      [3, 4],
      [3, 4],
    ],
    'float16',
    [3],
    'float16',
  ],
  [
    'ops.sparse_categorical_crossentropy(x, y)',
    [
      [2, 3, 1],
      [2, 3, 4],
    ],
    'float32',
    [2, 3],
    'float32',
  ],
  [
    'ops.ctc_loss(x, y, x[:, 0], y[:, 0, 0])',
    [
      [10, 3],
      [10, 3, 4],
    ],
    'float16',
    [10],
    'float32',
  ],
  [
    'ops.dot_product_attention(x, y, y)',
    [
      [2, 3, 8, 16],
      [2, 4, 8, 16],
    ],
    'float16',
    [2, 3, 8, 16],
    'float16',
  ],
  [
    'ops.polar(x, y)',
    [
      [2, 3],
      [2, 3],
    ],
    'float16',
    [2, 3],
    'float32',
  ],
  ['ops.batch_normalization(x, y, y, axis=1, offset=y, scale=y)', [[null, 3, 4], [3]], 'float16', [null, 3, 4], 'float16'],
  ['ops.layer_normalization(x)', [[null, 3, 4]], 'bfloat16', [null, 3, 4], 'bfloat16'],
  ['ops.threshold(x, 1, 0)', [[null, 3]], 'int32', [null, 3], 'int32'],
];

/** Where Keras raises (on float32 inputs): its message, as the error on the call. */
const errors: ErrorCase[] = [
  ['ops.fold(x, (4, 5, 6), 3)', [[2, 9, 4]], 'too many values to unpack (expected 2)'],
  ['ops.glu(x)', [[2, 3]], 'axis size must be divisible by 2. Received: x.shape=(2, 3) with axis=-1'],
  ['ops.one_hot(x, 4, axis=3)', [[null, 3]], 'axis must be -1 or between [0, 2), but received 3.'],
  ['ops.multi_hot(x)', [[null, 3]], 'Argument `num_classes` must be specified.'],
  ['ops.softmax(x, axis=2)', [[null, 3]], 'axis 2 is out of bounds for an array with dimension 2.'],
  [
    'ops.max_pool(x, 5)',
    [[null, 4, 3]],
    'Computed output size would be zero or negative. Received: `inputs.shape=[None 4 3]`, `pool_size=5`, `strides=5`, `padding=valid`.',
  ],
  ['ops.max_pool(x, 2, padding="full")', [[null, 4, 3]], "Argument `padding` must be either 'valid' or 'same'. Received: padding=full"],
  [
    'ops.conv(x, y)',
    [
      [null, 4, 3],
      [5, 3, 2],
    ],
    'Computed output size would be zero or negative. Received `inputs shape=(None, 4, 3)`, `kernel shape=(5, 3, 2)`, `dilation_rate=[1]`, `strides=(1,)`, `padding=valid`.',
  ],
  [
    'ops.conv(x, y, data_format="NHWC")',
    [
      [null, 4, 3],
      [5, 3, 2],
    ],
    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=nhwc",
  ],
  [
    'ops.conv(x, y, padding="full")',
    [
      [null, 4, 3],
      [2, 3, 2],
    ],
    "`padding` must be either `'valid'` or `'same'`. Received full.",
  ],
  [
    'ops.conv(x, y)',
    [
      [null, 4, 4, 3],
      [2, 3, 2],
    ],
    'Kernel shape must have the same length as input, but received kernel of shape (2, 3, 2) and input of shape (None, 4, 4, 3).',
  ],
  [
    'ops.conv(x, y, dilation_rate=(1, 1))',
    [
      [null, 4, 3],
      [2, 3, 2],
    ],
    "Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, but received `dilation_rate=(1, 1)` and input of shape (None, 4, 3).",
  ],
  [
    'ops.conv_transpose(x, y, padding="full")',
    [
      [null, 4, 3],
      [2, 2, 3],
    ],
    "The `padding` argument must be one of 'valid', 'same'. Received: padding=full",
  ],
  ['ops.depth_to_space(x, 2)', [[null, 4, 5, 6]], 'The number of channels (6) must be divisible by block_size**2 (4).'],
  ['ops.depth_to_space(x, 1)', [[null, 4, 5, 8]], '`block_size` must be at least 2. Received: block_size=1'],
  ['ops.depth_to_space(x, 2)', [[4, 5, 8]], '`depth_to_space` requires a 4D input tensor. Received: x.shape=(4, 5, 8)'],
  ['ops.space_to_depth(x, 2)', [[null, 5, 4, 2]], 'Height (5) must be divisible by block_size (2).'],
  ['ops.space_to_depth(x, 2)', [[null, 4, 5, 2]], 'Width (5) must be divisible by block_size (2).'],
  ['ops.unfold(x, 2)', [[2, 3, 4]], 'Input must be a 4D tensor. Received: input.shape=(2, 3, 4)'],
  ['ops.unfold(x, 2)', [[2, 3, null, 4]], "unsupported operand type(s) for +: 'NoneType' and 'int'"],
  ['ops.unfold(x, (1, 2, 3))', [[2, 3, 4, 4]], 'too many values to unpack (expected 2)'],
  ['ops.fold(x, 4, 2)', [[2, 3, 4, 4]], 'Input must be a 3D tensor. Received: input.shape=(2, 3, 4, 4)'],
  ['ops.fold(x, 4, 2)', [[2, 6, 4]], 'The second dimension of the input (6) must be divisible by kernel_size product (4).'],
  ['ops.adaptive_max_pool(x, 2)', [[2, 8, 8, 3]], "object of type 'int' has no len()"],
  [
    'ops.binary_crossentropy(x, y)',
    [
      [null, 3],
      [2, 3],
    ],
    'Arguments `target` and `output` must have the same shape. Received: target.shape=(None, 3), output.shape=(2, 3)',
  ],
  [
    'ops.categorical_crossentropy(x, y)',
    [[], []],
    'Arguments `target` and `output` must be at least rank 1. Received: target.shape=(), output.shape=()',
  ],
  [
    'ops.sparse_categorical_crossentropy(x, y)',
    [
      [2, 3],
      [2, 4, 4],
    ],
    'Arguments `target` and `output` must have the same shape up until the last dimension: target.shape=(2, 3), output.shape=(2, 4, 4)',
  ],
  ['ops.sparse_categorical_crossentropy(x, y)', [[2], []], 'Argument `output` must be at least rank 1. Received: output.shape=()'],
  [
    'ops.ctc_loss(x, y, x[:, 0], x[:, 0])',
    [
      [10, 3],
      [9, 3, 4],
    ],
    'Arguments `target` and `output` must have the same first dimension. Received shapes: `(10, 3)` and `(9, 3, 4)`.',
  ],
  ['ops.psnr(x, y, 1.0)', [[2, 3], [3]], 'Inputs must have the same rank'],
  ['ops.batch_normalization(x, y, y, axis=1, offset=y)', [[null, 3, 4], [3]], "'NoneType' object has no attribute 'shape'"],
  ['ops.batch_normalization(x, y, y, axis=3)', [[null, 3, 4], [3]], 'tuple index out of range'],
  ['ops.moments(x, axes=[3])', [[null, 3, 4]], 'axis 3 is out of bounds for an array with dimension 3.'],
  ['ops.sparsemax(x, axis=None)', [[null, 3, 4]], "'NoneType' object cannot be interpreted as an integer"],
  ['ops.one_hot(x, 3, dtype="float31")', [[null, 3, 4]], 'Invalid dtype: float31'],
];

const pyShape = (shape: Dims): string => `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

function source(call: string, inputs: Dims[], dtype: string, target = 'r'): string {
  const lines = ['import keras', 'from keras import ops'];
  inputs.forEach((s, i) => lines.push(`${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`));
  return [...lines, `${target} = ${call}`].join('\n');
}

describe('keras.ops nn family', () => {
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

  // moments(x, axes=(1, 1)) deletes axis 1 twice, as Keras's reduce_shape does: [2]; axes=None with keepdims: [1, 1, 1].
  const momentCases: [axes: string, shape: Dims][] = [
    ['(1, 1)', [2]],
    ['None, keepdims=True', [1, 1, 1]],
  ];
  for (const [axes, shape] of momentCases) {
    it(`moments(x, axes=${axes}) is a mean and a variance of shape ${pyShape(shape)}`, async () => {
      const a = await analyze(source(`ops.moments(x, axes=${axes})`, [[2, 3, 4]], 'float16', 'mean, variance'));
      assert.deepEqual(messages(a), []);
      for (const name of ['mean', 'variance']) {
        const value = bindingsOf(a, name)[0]!.value;
        const tensor = a.tensors[value.kind === 'tensor' ? value.tensor : -1]!;
        assert.deepEqual([tensor.shape, tensor.dtype], [shape, 'float16']);
      }
    });
  }

  for (const [call, inputs, message] of errors) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')}: ${message}`, async () => {
      const a = await analyze(source(call, inputs, 'float32'));
      assert.deepEqual(messages(a, 'error'), [message]);
    });
  }

  it('an average_pool whose strides NumPy cannot broadcast against the spatial axes is not known, and no error', async () => {
    const a = await analyze(source('ops.average_pool(x, (2, 3), (1, 2), padding="same")', [[null, 9, 9, null, 3]], 'float32'));
    assert.deepEqual(messages(a), []);
    assert.equal(bindingsOf(a, 'r')[0]!.value.kind, 'unknown');
  });
});
