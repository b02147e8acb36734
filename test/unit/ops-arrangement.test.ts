// keras.ops that rearrange, select or index (shapes.ts and its sibling files), on calls no mined Keras test makes:
// shapes and dtypes as Keras's symbolic call gives them. The expected outputs were printed by this Python
// (Keras 3.15.1, KERAS_BACKEND=jax), one case at a time:
//
//   env = {"ops": keras.ops, "x": keras.KerasTensor(<shape>, dtype=<dtype>)}     # and "y" for a second input
//   try: r = eval(<call>, env); print(r.shape, r.dtype)                          # each item of a tuple or list
//   except Exception as e: print(type(e).__name__, e)
//
// Keras's own ops tests, mined, check the same rules on every call they make (test/conformance/keras-ops-tests*).

import assert from 'node:assert/strict';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Dims = (number | null)[];
type Output = [shape: Dims, dtype: string];
/** One tensor, or a tuple or list of them (`['list', [...]]`), unpacked into names (so either reads the same). */
type Expected = Output | ['tuple' | 'list', Output[]];
type Case = [call: string, inputs: Dims[], dtype: string, expected: Expected];

const cases: Case[] = [
  ['ops.rot90(x)', [[2, 3, 4]], 'float32', [[3, 2, 4], 'float32']],
  ['ops.rot90(x, k=3, axes=(1, 2))', [[null, 3, 4]], 'int8', [[null, 4, 3], 'int8']],
  ['ops.rot90(x, k=2, axes=(0, -1))', [[4, 3, 4]], 'float32', [[4, 3, 4], 'float32']],
  [
    'ops.select([ops.greater(x, 0), ops.less(x, 0)], [x, y])',
    [
      [null, 3],
      [null, 3],
    ],
    'float32',
    [[null, 3], 'float32'],
  ],
  ["ops.rearrange(x, 'b h w c -> b c h w')", [[2, 4, 6, 3]], 'float32', [[2, 3, 4, 6], 'float32']],
  ["ops.rearrange(x, 'b h w c -> b (h w) c')", [[2, 4, 6, 3]], 'bfloat16', [[2, 24, 3], 'bfloat16']],
  ["ops.rearrange(x, 'b h w c -> (b h) w c')", [[2, 4, 6, 3]], 'float32', [[8, 6, 3], 'float32']],
  ["ops.rearrange(x, 'b h w c->b (c h w)')", [[2, 4, 6, 3]], 'float32', [[2, 72], 'float32']],
  ['ops.broadcast_to(x, (4, None, 3))', [[null, 3]], 'int32', [[4, null, 3], 'int32']],
  ['ops.where(ops.greater(x, 0), x, 0.5)', [[null, 3]], 'int32', [[null, 3], 'float32']],
  ['ops.where(ops.greater(x, 0), 1, 2)', [[null, 3]], 'float32', [[null, 3], 'int32']],
  ['ops.where(x)', [[null, 3]], 'float32', [[null, 3], 'int32']],
  ['ops.searchsorted(x, y)', [[5], [null, 2]], 'float32', [[null, 2], 'int32']],
  [
    'ops.unique(x, return_counts=True, size=4)',
    [[null, 3]],
    'float32',
    [
      'tuple',
      [
        [[4], 'float32'],
        [[4], 'int32'],
      ],
    ],
  ],
  [
    'ops.nonzero(x)',
    [[null, 3]],
    'bool',
    [
      'tuple',
      [
        [[null], 'int32'],
        [[null], 'int32'],
      ],
    ],
  ],
  ["ops.view(x, 'uint8')", [[null, 3]], 'float32', [[null, 12], 'uint8']],
  [
    'ops.split(x, [1, 2], axis=-1)',
    [[null, 4]],
    'float32',
    [
      'list',
      [
        [[null, 1], 'float32'],
        [[null, 1], 'float32'],
        [[null, 2], 'float32'],
      ],
    ],
  ],
  [
    'ops.array_split(x, 3, axis=1)',
    [[null, 7]],
    'float32',
    [
      'list',
      [
        [[null, 3], 'float32'],
        [[null, 2], 'float32'],
        [[null, 2], 'float32'],
      ],
    ],
  ],
  [
    'ops.take(x, y, axis=-1)',
    [
      [null, 4],
      [2, 3],
    ],
    'float32',
    [[null, 2, 3], 'float32'],
  ],
  ['ops.take_along_axis(x, y, axis=None)', [[2, 3], [4]], 'float32', [[4], 'float32']],
  [
    'ops.hstack([x, y])',
    [
      [null, 3],
      [null, 4],
    ],
    'int8',
    [[null, 7], 'int8'],
  ],
  [
    'ops.vstack([x, y])',
    [
      [2, 3],
      [null, 3],
    ],
    'int8',
    [[null, 3], 'int8'],
  ],
  [
    'ops.dstack([x, y])',
    [
      [2, 3],
      [2, 3, 4],
    ],
    'float16',
    [[2, 3, 5], 'float16'],
  ],
  ['ops.append(x, y)', [[2, 3], [4]], 'int32', [[10], 'int32']],
  ['ops.moveaxis(x, 1, -1)', [[null, 3, 8, 8]], 'float32', [[null, 8, 8, 3], 'float32']],
  ['ops.swapaxes(x, -1, 0)', [[null, 3, 8]], 'float32', [[8, 3, null], 'float32']],
  ['ops.pad(x, ((0, 0), (1, 1), (2, 0)))', [[null, 3, 8]], 'float32', [[null, 5, 10], 'float32']],
  ['ops.tile(x, (2, 1, 3))', [[null, 3]], 'float32', [[2, null, 9], 'float32']],
  ['ops.repeat(x, 2, axis=-1)', [[null, 3]], 'float32', [[null, 6], 'float32']],
  ['ops.diff(x, n=2, axis=1)', [[null, 5, 3]], 'int8', [[null, 3, 3], 'int8']],
  ['ops.sort(x, axis=None)', [[2, 3, 4]], 'int16', [[24], 'int16']],
  ['ops.argsort(x, axis=0)', [[null, 3]], 'float32', [[null, 3], 'int32']],
  ['ops.argpartition(x, 1, axis=None)', [[2, 5]], 'float32', [[10], 'int32']],
  [
    'ops.unravel_index(x, (4, 5))',
    [[null, 3]],
    'int32',
    [
      'list',
      [
        [[null, 3], 'int32'],
        [[null, 3], 'int32'],
      ],
    ],
  ],
  ['ops.get_item(x, (0, None))', [[null, 3]], 'float32', [[1, 3], 'float32']],
  ['ops.get_item(x, -1)', [[4, 3]], 'float32', [[3], 'float32']],
  ['ops.flip(x, axis=(0, -1))', [[null, 3]], 'float32', [[null, 3], 'float32']],
  ['ops.roll(x, 2, axis=-1)', [[null, 3]], 'float32', [[null, 3], 'float32']],
  ['ops.ravel(x)', [[null, 3]], 'float32', [[null], 'float32']],
  ['ops.digitize(x, y)', [[null, 3], [4]], 'float32', [[null, 3], 'int32']],
  ['ops.size(x)', [[null, 3]], 'float32', [[], 'int32']],
  // Keras's symbolic ndim is a float32 tensor of shape (rank,).
  ['ops.ndim(x)', [[null, 3, 4]], 'int32', [[3], 'float32']],
];

/** Calls Keras refuses, with its message. */
const errors: [call: string, inputs: Dims[], message: string][] = [
  ['ops.rot90(x)', [[3]], 'Input array must have at least 2 dimensions. Received: array.shape=[3]'],
  ['ops.rot90(x, axes=(1, 1))', [[3, 4]], 'Invalid axes: (1, 1). Axes must be a tuple of two different dimensions.'],
  ['ops.where(x, x)', [[3]], '`x1` and `x2` either both should be `None` or both should have non-None value.'],
  [
    'ops.searchsorted(x, y)',
    [[2, 3], [3]],
    'searchsorted only supports 1-D sorted sequences. Usekeras.ops.vectorized_map to extend to N-D sequences.',
  ],
  ['ops.sort(x, axis=2)', [[2, 3]], 'axis 2 is out of bounds for an array with dimension 2.'],
  [
    "ops.view(x, 'float64')",
    [[2, 3]],
    'Cannot view array of shape (2, 3) and dtype float32 as dtype float64 because the total number of bytes is not divisible by the new itemsize.',
  ],
  ["ops.view(x, 'int16')", [[]], 'Cannot view a scalar as a different dtype if item sizes are different.'],
  ['ops.array_split(x, 0)', [[2, 3]], 'Argument `indices_or_sections` must be a positive integer. Received: indices_or_sections=0'],
  ['ops.hsplit(x, 2)', [[]], '`hsplit` only works on arrays of at least 1 dimension. Received array with shape ().'],
  ['ops.vsplit(x, 2)', [[4]], '`vsplit` only works on arrays of at least 2 dimensions. Received array with shape (4,).'],
  ['ops.dsplit(x, 2)', [[4, 2]], '`dsplit` only works on arrays of at least 3 dimensions. Received array with shape (4, 2).'],
  [
    'ops.vstack([x, y])',
    [
      [2, 3],
      [2, 4],
    ],
    "Every value in `xs` must have the same shape except on the `axis` dim. But found element of shape (2, 4), which is different from the first element's shape (2, 3).",
  ],
  [
    'ops.take_along_axis(x, y, axis=0)',
    [[2, 3], [3]],
    '`x` and `indices` must have the same number of dimensions, but receive shape [2, 3] and [3].',
  ],
  ['ops.get_item(x, (0, 0, 0))', [[2, 3]], 'Array has shape (2, 3) but slice has to many indices. Received: `(0, 0, 0)`'],
  ['ops.get_item(x, (0, 5))', [[2, 3]], 'Array has shape (2, 3) but out-of-bounds index (0, 5) was requested.'],
  ['ops.fliplr(x)', [[3]], '`fliplr` requires input with 2 or more dimensions. Received: x.shape=(3,)'],
  ['ops.flipud(x)', [[]], '`flipud` requires input with 1 or more dimensions. Received: x.shape=()'],
  ['ops.pad(x, ((1, 2), (1,)))', [[2, 3]], '`pad_width` should be a list of tuples of length 1 or 2. Received: pad_width=((1, 2), (1,))'],
  ['ops.repeat(x, [1, 2], axis=5)', [[2, 3]], 'list index out of range'],
  [
    'ops.append(x, y, axis=1)',
    [
      [2, 3],
      [3, 3],
    ],
    '`append` requires inputs to have the same shape except the `axis=1`, but received shape (2, 3) and (3, 3).',
  ],
  [
    'ops.append(x, y, axis=4)',
    [
      [2, 3],
      [2, 3],
    ],
    'list assignment index out of range',
  ],
  ['ops.unique(x, axis=2)', [[2, 3]], 'axis 2 is out of bounds for an array with dimension 2.'],
];

/**
 * Calls whose output is not analysed, and why: Keras's symbolic spec and the op itself differ there (rearrange
 * multiplies a None size, a TypeError in a functional model but not in a traced layer call; rot90 swaps the axes
 * for any k), or the call takes what cannot reach a rule.
 */
const notAnalysed: [call: string, inputs: Dims[], reason: RegExp][] = [
  ["ops.rearrange(x, 'b h w c -> b c h w')", [[null, 4, 6, 3]], /cannot multiply a None size/],
  ["ops.rearrange(x, 'b h w c -> b c')", [[2, 4, 6, 3]], /is not analysed/],
  ["ops.rearrange(x, 'b (h h1) w c -> b h h1 w c')", [[2, 4, 6, 3]], /decomposes an axis/],
  ['ops.rot90(x, k=2)', [[2, 3]], /swaps axes 0 and 1 for k=2/],
  [
    'ops.append(x, y, axis=0)',
    [
      [2, 3],
      [null, 3],
    ],
    /adds a None size/,
  ],
  ['ops.vstack([x, y])', [[3], [3]], /fewer than 2 dimensions/],
  ['ops.get_item(x, y)', [[2, 3], [2]], /tensor key/],
];

const pyShape = (shape: Dims): string => `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

/** The call assigned to `r`, or unpacked into `r0, r1, …` where it gives `outputs` tensors in a tuple or list. */
function source(call: string, inputs: Dims[], dtype = 'float32', outputs?: number): string {
  const lines = ['import keras', 'from keras import ops'];
  inputs.forEach((s, i) => lines.push(`${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`));
  const target = outputs === undefined ? 'r' : Array.from({ length: outputs }, (_, i) => `r${i}`).join(', ');
  return [...lines, `${target} = ${call}`].join('\n');
}

describe('keras.ops that rearrange, select or index', () => {
  for (const [call, inputs, dtype, expected] of cases) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')} ${dtype}`, async () => {
      const sequence = typeof expected[0] === 'string' ? (expected[1] as Output[]) : undefined;
      const a = await analyze(source(call, inputs, dtype, sequence?.length));
      assert.deepEqual(messages(a), []);
      const output = (name: string): Output => {
        const value = bindingsOf(a, name)[0]!.value;
        assert.equal(value.kind, 'tensor', value.kind === 'unknown' ? value.reason : value.kind);
        const tensor = a.tensors[value.kind === 'tensor' ? value.tensor : -1]!;
        return [tensor.shape as Dims, tensor.dtype];
      };
      if (sequence)
        assert.deepEqual(
          sequence.map((_, i) => output(`r${i}`)),
          sequence,
        );
      else assert.deepEqual(output('r'), expected);
    });
  }

  for (const [call, inputs, message] of errors) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')}: Keras's error`, async () => {
      const a = await analyze(source(call, inputs));
      assert.deepEqual(messages(a, 'error'), [message]);
    });
  }

  for (const [call, inputs, reason] of notAnalysed) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')}: not analysed, no error`, async () => {
      const a = await analyze(source(call, inputs));
      assert.deepEqual(messages(a, 'error'), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.equal(r.kind, 'unknown');
      assert.match(r.kind === 'unknown' ? r.reason : '', reason);
    });
  }
});
