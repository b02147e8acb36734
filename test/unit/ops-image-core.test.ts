// keras.ops.image and the core keras.ops (convert_to_tensor, slice, scatter, unstack, shape, …) through the registry:
// shapes, dtypes, Python values and errors as Keras's symbolic call gives them. The expected outputs and messages
// were printed by this Python (Keras 3.15.1, KERAS_BACKEND=jax), one case at a time:
//
//   x = keras.KerasTensor(<shape>, dtype=<dtype>)       # and y, z for more inputs
//   try:
//       r = eval(<call>, {"ops": keras.ops, "x": x, "y": y, "z": z})
//       print(list(r.shape), r.dtype)
//   except Exception as e:
//       print(e)
//
// Keras's own ops tests, mined, check the same rules on every call they make (test/conformance/keras-ops-tests*);
// these are calls they do not make, explicit channels_first above all (the mined channels_first calls set the
// layout globally, which their fixtures do not say).

import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyze.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Input = [shape: (number | null)[], dtype: string];
type Case = [call: string, inputs: Input[], shape: (number | null)[], dtype: string];
type ErrorCase = [call: string, inputs: Input[], message: string];

const cases: Case[] = [
  ['ops.image.rgb_to_grayscale(x, data_format="channels_first")', [[[null, 3, 20, 20], 'float32']], [null, 1, 20, 20], 'float32'],
  ['ops.image.rgb_to_grayscale(x)', [[[20, 20, null], 'uint8']], [20, 20, 1], 'uint8'],
  ['ops.image.rgb_to_hsv(x, data_format="channels_first")', [[[3, 20, 20], 'bfloat16']], [3, 20, 20], 'bfloat16'],
  ['ops.image.hsv_to_rgb(x)', [[[null, 8, 8, 3], 'float16']], [null, 8, 8, 3], 'float16'],
  ['ops.image.resize(x, (15, 10), data_format="channels_first")', [[[null, 3, null, null], 'float32']], [null, 3, 15, 10], 'float32'],
  ["ops.image.resize(x, [7, 9], interpolation='nearest')", [[[2, 20, 20, 3], 'uint8']], [2, 7, 9, 3], 'uint8'],
  [
    'ops.image.affine_transform(x, y, data_format="channels_first")',
    [
      [[2, 3, 20, 20], 'float32'],
      [[2, 8], 'float32'],
    ],
    [2, 3, 20, 20],
    'float32',
  ],
  ['ops.image.extract_patches(x, 5, strides=(2, 3), data_format="channels_first")', [[[3, 20, 20], 'float32']], [75, 8, 6], 'float32'],
  ["ops.image.extract_patches(x, (3, 4), strides=(1, 2), padding='same')", [[[null, 21, 17, 2], 'float32']], [null, 21, 9, 24], 'float32'],
  ['ops.image.extract_patches(x, 3, dilation_rate=(2, 1))', [[[20, 20, 3], 'int8']], [6, 6, 27], 'int8'],
  ['ops.image.extract_patches(x, 3, dilation_rate=2, strides=1)', [[[null, 20, null, 3], 'float32']], [null, 16, null, 27], 'float32'],
  ['ops.image.extract_patches(x, (2, 3, 4), strides=1)', [[[null, 10, 11, 12, 2], 'float32']], [null, 9, 9, 9, 48], 'float32'],
  [
    'ops.image.extract_patches_3d(x, 5, data_format="channels_first")',
    [[[null, 3, 20, 20, 20], 'float32']],
    [null, 375, 4, 4, 4],
    'float32',
  ],
  ["ops.image.extract_patches_3d(x, (2, 3, 4), strides=2, padding='same')", [[[10, 11, 12, 2], 'float32']], [5, 6, 6, 48], 'float32'],
  [
    'ops.image.map_coordinates(x, y, 1)',
    [
      [[20, 20], 'int32'],
      [[2, 5, 6], 'float32'],
    ],
    [5, 6],
    'int32',
  ],
  [
    'ops.image.pad_images(x, 2, 3, target_height=20, target_width=30, data_format="channels_first")',
    [[[2, 3, 15, 25], 'float32']],
    [2, 3, 20, 30],
    'float32',
  ],
  ['ops.image.pad_images(x, None, 2, 3, 4, target_height=20)', [[[2, null, 11, 3], 'float32']], [2, 20, 17, 3], 'float32'],
  ['ops.image.pad_images(x, 1, 2, 3, 4)', [[[null, 10, null, 3], 'float32']], [null, 14, null, 3], 'float32'],
  [
    'ops.image.crop_images(x, 2, 3, target_height=10, target_width=20, data_format="channels_first")',
    [[[null, 3, 15, 25], 'float32']],
    [null, 3, 10, 20],
    'float32',
  ],
  ['ops.image.crop_images(x, None, 2, 3, 4, target_height=5)', [[[2, null, 11, 3], 'float32']], [2, 5, 5, 3], 'float32'],
  [
    'ops.image.perspective_transform(x, y, y)',
    [
      [[2, 20, 20, 3], 'float32'],
      [[null, 4, 2], 'float32'],
    ],
    [2, 20, 20, 3],
    'float32',
  ],
  ['ops.image.gaussian_blur(x, (5, 5), (2.0, 2.0))', [[[2, 20, 20, 3], 'int32']], [2, 20, 20, 3], 'int32'],
  ['ops.image.elastic_transform(x, seed=3)', [[[2, 20, 20, 3], 'float16']], [2, 20, 20, 3], 'float16'],
  [
    "ops.image.scale_and_translate(x, (None, 7, 8, 3), y, y, (1, 2), 'linear')",
    [
      [[2, 20, 20, 3], 'int8'],
      [[2], 'float32'],
    ],
    [null, 7, 8, 3],
    'int8',
  ],
  ['ops.image.sobel_edges(x)', [[[null, 20, 20, 4], 'uint8']], [null, 20, 20, 4, 2], 'uint8'],
  ['ops.image.sobel_edges(x, data_format="channels_first")', [[[2, 3, 20, 20], 'float32']], [2, 3, 20, 20, 2], 'float32'],
  ['ops.image.ssim(x, x, data_format="channels_first")', [[[2, 3, 20, 20], 'float32']], [2], 'float32'],
  [
    'ops.image.ssim(x, y)',
    [
      [[20, 20, 3], 'float16'],
      [[20, 20, 3], 'float32'],
    ],
    [],
    'float16',
  ],
  ["ops.convert_to_tensor(x, 'int8')", [[[2, null], 'float32']], [2, null], 'int8'],
  ['ops.convert_to_tensor(3)', [], [], 'int32'],
  ["ops.saturate_cast(x, 'uint8')", [[[3, 5], 'int32']], [3, 5], 'uint8'],
  ['ops.slice(x, [1, 1], [5, -1])', [[[3, 3], 'float32']], [5, 2], 'float32'],
  [
    'ops.slice(x, y, (-1, 2))',
    [
      [[3, 3], 'float32'],
      [[3], 'int32'],
    ],
    [null, 2],
    'float32',
  ],
  [
    'ops.slice_update(x, [0, 0], y)',
    [
      [[4, 4], 'int8'],
      [[2, 2], 'float32'],
    ],
    [4, 4],
    'int8',
  ],
  [
    'ops.scatter(x, y, [4, None])',
    [
      [[5, 2], 'float32'],
      [[5], 'int16'],
    ],
    [4, null],
    'int16',
  ],
  [
    "ops.scatter_update(x, y, z, reduction='ADD')",
    [
      [[4, 4], 'int8'],
      [[5, 2], 'float32'],
      [[5], 'float32'],
    ],
    [4, 4],
    'int8',
  ],
];

const errors: ErrorCase[] = [
  [
    'ops.image.rgb_to_grayscale(x)',
    [[[null, 16], 'float32']],
    'Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: images.shape=[None, 16]',
  ],
  [
    'ops.image.rgb_to_grayscale(x)',
    [[[2, 20, 20, 4], 'float32']],
    'Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received input with shape: images.shape=(2, 20, 20, 4)',
  ],
  [
    "ops.image.rgb_to_grayscale(x, data_format='foo')",
    [[[2, 20, 20, 3], 'float32']],
    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=foo",
  ],
  ['ops.image.rgb_to_hsv(x)', [[[2, 20, 20, 3], 'int32']], 'Invalid images dtype: expected float dtype. Received: images.dtype=int32'],
  ['ops.image.hsv_to_rgb(x)', [[[2, 20, 20, 4], 'float32']], 'Input images must have 3 channels, but received images with 4 channels.'],
  ['ops.image.resize(x, (0, 5))', [[[2, 20, 20, 3], 'float32']], '`size` must have positive height and width. Received: size=(0, 5)'],
  [
    'ops.image.resize(x, (5, 5, 5))',
    [[[2, 20, 20, 3], 'float32']],
    'Expected `size` to be a tuple of 2 integers. Received: size=(5, 5, 5)',
  ],
  ['ops.image.resize(x, 5)', [[[2, 20, 20, 3], 'float32']], "object of type 'int' has no len()"],
  [
    'ops.image.resize(x, (7, 9), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)',
    [[[2, 20, 20, 3], 'float32']],
    'Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.',
  ],
  [
    'ops.image.affine_transform(x, y)',
    [
      [[2, 20, 20, 3], 'float32'],
      [[2, 2, 8], 'float32'],
    ],
    'Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of transforms). Received input with shape: transform.shape=(2, 2, 8)',
  ],
  ['ops.image.extract_patches(x, 5)', [[[null, 20, 20, null], 'float32']], "unsupported operand type(s) for *: 'int' and 'NoneType'"],
  [
    "ops.image.extract_patches(x, 5, padding='SAME')",
    [[[20, 20, 3], 'float32']],
    "`padding` must be either `'valid'` or `'same'`. Received SAME.",
  ],
  [
    'ops.image.extract_patches(x, (5, 5, 5, 5))',
    [[[20, 20, 3], 'float32']],
    'Invalid `size` argument. Expected a tuple of length 2 or 3. Received: size=(5, 5, 5, 5) with length 4',
  ],
  [
    'ops.image.extract_patches(x, (5, 5, 5))',
    [[[20, 20, 3], 'float32']],
    'Kernel shape must have the same length as input, but received kernel of shape (5, 5, 5, 3, 375) and input of shape [20, 20, 3].',
  ],
  [
    'ops.image.extract_patches(x, 30)',
    [[[20, 20, 3], 'float32']],
    'Computed output size would be zero or negative. Received `inputs shape=[1, 20, 20, 3]`, `kernel shape=(30, 30, 3, 2700)`, `dilation_rate=[1 1]`, `strides=(30, 30)`, `padding=valid`.',
  ],
  [
    'ops.image.extract_patches(x, 3, dilation_rate=(2, 1, 1))',
    [[[20, 20, 3], 'float32']],
    "Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, but received `dilation_rate=(2, 1, 1)` and input of shape [1, 20, 20, 3].",
  ],
  [
    'ops.image.map_coordinates(x, y, 0)',
    [
      [[20, 20], 'float32'],
      [[null, 5], 'float32'],
    ],
    'First dim of `coordinates` must be the same as the rank of `inputs`. Received inputs with shape: (20, 20) and coordinate leading dim of None',
  ],
  [
    'ops.image.pad_images(x, 0, 0, 0, target_height=16, target_width=16)',
    [[[null, 16, 16, 3], 'float32']],
    'Must specify exactly two of top_padding, bottom_padding, target_height. Received: top_padding=0, bottom_padding=0, target_height=16',
  ],
  [
    'ops.image.pad_images(x, None, 2, 3, 4, target_height=5)',
    [[[2, 10, 11, 3], 'float32']],
    'top_padding must be >= 0. Received: top_padding=-8',
  ],
  [
    'ops.image.crop_images(x, 1, 2, 3, 4)',
    [[[2, null, 11, 3], 'float32']],
    'When the height of the images is unknown, `target_height` must be specified.Received images.shape=[2, None, 11, 3] and target_height=None',
  ],
  [
    'ops.image.crop_images(x, 1, 1, 20, target_width=3)',
    [[[10, 10, 3], 'float32']],
    'target_height must be >= 0. Received: target_height=-11',
  ],
  [
    'ops.image.perspective_transform(x, y, z)',
    [
      [[2, 20, 20, 3], 'float32'],
      [[null, 4, 2], 'float32'],
      [[3, 4, 2], 'float32'],
    ],
    'start_points and end_points must have the same shape. Received start_points.shape=(None, 4, 2), end_points.shape=(3, 4, 2)',
  ],
  [
    "ops.image.scale_and_translate(x, (2, -3), y, y, (1, 2), 'linear')",
    [
      [[2, 20, 20, 3], 'float32'],
      [[2], 'float32'],
    ],
    "Cannot convert '(2, -3)' to a shape. Negative dimensions are not allowed.",
  ],
  [
    'ops.image.sobel_edges(x)',
    [[[20, 20, 4], 'float32']],
    'Invalid images rank: expected rank 4 (batch of images). Received: images.shape=[20, 20, 4]',
  ],
  [
    'ops.image.ssim(x, y)',
    [
      [[20, 20], 'float32'],
      [[2, 20, 20, 3], 'float32'],
    ],
    'Invalid image1 rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: image1.shape=(20, 20)',
  ],
  ["ops.convert_to_tensor(x, dtype='foo')", [[[2, 3], 'float32']], 'Invalid dtype: foo'],
  [
    'ops.slice(x, (1, 1), (2, 2, 2))',
    [[[3, 3], 'float32']],
    'The number of dimensions in `inputs` must match the number of dimensions in `shape`. Received inputs.shape=(3, 3) and shape=(2, 2, 2)',
  ],
  ['ops.slice(x, [1, 4], [5, -1])', [[[3, 3], 'float32']], "Cannot convert '(5, -1)' to a shape. Negative dimensions are not allowed."],
  [
    'ops.scatter(x, y, 4)',
    [
      [[5, 2], 'float32'],
      [[5], 'float32'],
    ],
    "Cannot convert '4' to a shape.",
  ],
  [
    "ops.scatter_update(x, y, z, reduction='foo')",
    [
      [[4, 4], 'float32'],
      [[5, 2], 'float32'],
      [[5], 'float32'],
    ],
    "Invalid reduction: foo. Supported values are: None, 'add', 'max', 'min', 'mul'.",
  ],
  [
    'ops.unstack(x, axis=1)',
    [[[2, null], 'float32']],
    'Cannot infer argument `num` from shape (2, None). Either provide a tensor with a concrete shape in the `axis` dimension or explicitly pass the `num` argument.',
  ],
  ['ops.unstack(x, axis=2)', [[[2, 3], 'float32']], 'axis 2 is out of bounds for an array with dimension 2.'],
];

const pyShape = (shape: readonly (number | null)[]): string =>
  `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

function source(call: string, inputs: readonly Input[]): string {
  const lines = ['import keras', 'from keras import ops'];
  inputs.forEach(([shape, dtype], i) => lines.push(`${'xyz'[i]} = keras.Input(batch_shape=${pyShape(shape)}, dtype="${dtype}")`));
  return [...lines, `r = ${call}`].join('\n');
}

function tensorOf(a: Analysis, name: string): { shape: unknown; dtype: string } {
  const value = bindingsOf(a, name).at(-1)?.value;
  assert.equal(value?.kind, 'tensor', value?.kind === 'unknown' ? value.reason : value?.kind);
  const tensor = a.tensors[value.kind === 'tensor' ? value.tensor : -1]!;
  return { shape: tensor.shape, dtype: tensor.dtype };
}

function unknownReason(a: Analysis, name: string): string | undefined {
  const value = bindingsOf(a, name).at(-1)?.value;
  return value?.kind === 'unknown' ? value.reason : undefined;
}

describe('keras.ops.image and the core keras.ops', () => {
  for (const [call, inputs, shape, dtype] of cases) {
    it(`${call} on ${inputs.map(([s, d]) => `${pyShape(s)} ${d}`).join(' and ') || 'no tensor'}`, async () => {
      const a = await analyze(source(call, inputs));
      assert.deepEqual(messages(a), []);
      assert.deepEqual(tensorOf(a, 'r'), { shape, dtype });
    });
  }

  for (const [call, inputs, message] of errors) {
    it(`${call} on ${inputs.map(([s, d]) => `${pyShape(s)} ${d}`).join(' and ')} raises as Keras does`, async () => {
      const a = await analyze(source(call, inputs));
      assert.deepEqual(messages(a, 'error'), [message]);
    });
  }

  it('unstack gives a list of tensors, shape a tuple of sizes, dtype a string', async () => {
    // ops.unstack(x, axis=1) on (None, 3, 4) int8: 3 tensors [None, 4] int8; ops.shape(x): (None, 3, 4); ops.dtype(x): 'int8'.
    const a = await analyze(`import keras
from keras import ops
x = keras.Input((3, 4), dtype="int8")
a, b, c = ops.unstack(x, axis=1)
s = ops.shape(x)
z = ops.zeros(s[1:])
d = keras.layers.Dense(s[1] * 2)(ops.cast(x, "float32"))
w = ops.cast(d, ops.dtype(x))
first, *rest = ops.unstack(x, num=5)`);
    assert.deepEqual(messages(a), []);
    for (const name of ['a', 'b', 'c']) assert.deepEqual(tensorOf(a, name), { shape: [null, 4], dtype: 'int8' });
    assert.deepEqual(tensorOf(a, 'z'), { shape: [3, 4], dtype: 'float32' });
    assert.deepEqual(tensorOf(a, 'd'), { shape: [null, 3, 6], dtype: 'float32' });
    assert.deepEqual(tensorOf(a, 'w'), { shape: [null, 3, 6], dtype: 'int8' });
    assert.deepEqual(tensorOf(a, 'first'), { shape: [3, 4], dtype: 'int8' });
  });

  it('is_tensor of a Python value is False; of a tensor it is not known (a KerasTensor is not one, an eager tensor is)', async () => {
    const a = await analyze(`import keras
from keras import ops
x = keras.Input((3,))
if ops.is_tensor([1, 2]):
    r = ops.exp(x)
else:
    r = ops.expand_dims(x, -1)
t = ops.is_tensor(x)`);
    assert.deepEqual(messages(a), []);
    assert.deepEqual(tensorOf(a, 'r'), { shape: [null, 3, 1], dtype: 'float32' });
  });

  it('says unknown, with no error, where the result depends on what is not known', async () => {
    const a = await analyze(`import keras
import numpy as np
from keras import ops
data = np.load("images.npy")
x = keras.Input((data.shape[1], data.shape[2], 3))
n = keras.Input((), dtype="int32")
p = ops.image.pad_images(x, 1, 1, 1, 1)
e = ops.image.extract_patches(x, 2)
u = ops.unstack(x, axis=1)
k = ops.image.crop_images(x, n, 1, target_height=2, target_width=2)
f = ops.saturate_cast(x, float)
r = ops.image.resize(x, (4, 4))
g = ops.image.rgb_to_grayscale(x)`);
    assert.deepEqual(messages(a), []);
    for (const name of ['p', 'e', 'u', 'k', 'f']) assert.ok(unknownReason(a, name), `${name} is unknown`);
    assert.match(unknownReason(a, 'p')!, /data\.shape\[1\], a size known only at run time/);
    assert.match(unknownReason(a, 'f')!, /Python's type `float` is float32, the string "float" is no dtype Keras knows/);
    assert.deepEqual(tensorOf(a, 'r').shape, [null, 4, 4, 3]);
    assert.deepEqual(tensorOf(a, 'g').shape, [null, { symbol: 'data.shape[1]' }, { symbol: 'data.shape[2]' }, 1]);
  });
});
