// keras.ops through the registry: shapes and dtypes as Keras's symbolic call gives them, on symbolic inputs of a
// dtype, and Python's operators on them. The expected outputs were printed by this Python (Keras 3.15.1), one case at
// a time:
//
//   x = keras.KerasTensor(<shape>, dtype=<dtype>)       # and y for two inputs
//   r = eval(<call>, {"ops": keras.ops, "x": x, "y": y})
//   print(list(r.shape), r.dtype)
//
// Keras's own ops tests, mined, check the same rules on every call they make (test/conformance/keras-ops-tests*).

import assert from 'node:assert/strict';
import { opRulesWithoutFunction } from '../../src/analysis/keras/functions/ops.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Case = [call: string, inputs: (number | null)[][], dtype: string, shape: (number | null)[], outputDtype: string];

const cases: Case[] = [
  // Python's operators on tensors are the keras.ops calls KerasTensor's operators make, with their dtype promotion.
  ['x + 1.5', [[null, 5]], 'int32', [null, 5], 'float32'],
  ['x > 0', [[null, 5]], 'float32', [null, 5], 'bool'],
  ['-x', [[null, 5]], 'int8', [null, 5], 'int8'],
  ['~x', [[null, 5]], 'bool', [null, 5], 'bool'],
  [
    'x @ y',
    [
      [null, 5, 3],
      [3, 4],
    ],
    'float32',
    [null, 5, 4],
    'float32',
  ],
  ['x // 2', [[null, 5]], 'int32', [null, 5], 'int32'],
  ['2 ** x', [[null, 5]], 'float32', [null, 5], 'float32'],
  ['x % y', [[4, 1], [3]], 'int32', [4, 3], 'int32'],
  ['x & y', [[4, 1], [3]], 'bool', [4, 3], 'bool'],
  [
    'x / y',
    [
      [2, 3],
      [2, 3],
    ],
    'int8',
    [2, 3],
    'float32',
  ],
  ['x != 1', [[2, 3]], 'int32', [2, 3], 'bool'],
  ['ops.relu(x)', [[null, 5, 8]], 'float32', [null, 5, 8], 'float32'],
  ['ops.sum(x, axis=-1, keepdims=True)', [[null, 5, 8]], 'float32', [null, 5, 1], 'float32'],
  ['ops.mean(x, axis=(1, 2))', [[null, 5, 8]], 'float32', [null], 'float32'],
  ['ops.mean(x)', [[null, 5, 8]], 'int32', [], 'float32'],
  ['ops.add(x, 1)', [[null, 5, 8]], 'int32', [null, 5, 8], 'int32'],
  ['ops.add(x, 1.5)', [[null, 5, 8]], 'int32', [null, 5, 8], 'float32'],
  [
    'ops.add(x, y)',
    [
      [null, 3],
      [2, null],
    ],
    'float32',
    [2, 3],
    'float32',
  ],
  [
    'ops.multiply(x, y)',
    [
      [4, 1, 3],
      [5, 1],
    ],
    'int32',
    [4, 5, 3],
    'int32',
  ],
  [
    'ops.divide(x, y)',
    [
      [null, 3],
      [null, 3],
    ],
    'int32',
    [null, 3],
    'float32',
  ],
  [
    'ops.concatenate([x, y], axis=1)',
    [
      [null, 2, 8],
      [null, 3, 8],
    ],
    'float32',
    [null, 5, 8],
    'float32',
  ],
  ['ops.expand_dims(x, -1)', [[null, 5]], 'float32', [null, 5, 1], 'float32'],
  ['ops.reshape(x, (-1, 40))', [[null, 5, 8]], 'float32', [null, 40], 'float32'],
  ['ops.reshape(x, (2, -1))', [[4, 5]], 'float32', [2, 10], 'float32'],
  ['ops.transpose(x)', [[2, 3, 4]], 'float32', [4, 3, 2], 'float32'],
  ['ops.transpose(x, (0, 2, 1))', [[null, 5, 8]], 'float32', [null, 8, 5], 'float32'],
  ["ops.cast(x, 'int32')", [[null, 5]], 'float32', [null, 5], 'int32'],
  ['ops.argmax(x, axis=-1)', [[null, 5, 8]], 'float32', [null, 5], 'int32'],
  ['ops.argmax(x)', [[null, 5, 8]], 'float32', [], 'int32'],
  ['ops.greater(x, 0.5)', [[null, 5]], 'float32', [null, 5], 'bool'],
  [
    'ops.stack([x, y], axis=-1)',
    [
      [null, 5],
      [null, 5],
    ],
    'float32',
    [null, 5, 2],
    'float32',
  ],
  ['ops.squeeze(x)', [[null, 1, 5, 1]], 'float32', [null, 5], 'float32'],
  ['ops.squeeze(x, axis=1)', [[null, 1, 5, 1]], 'float32', [null, 5, 1], 'float32'],
  ['ops.exp(x)', [[3]], 'int32', [3], 'float32'],
  ['ops.sqrt(x)', [[3]], 'bfloat16', [3], 'bfloat16'],
  ['ops.nn.softplus(x)', [[3]], 'float16', [3], 'float16'],
  ['ops.max(x, axis=0)', [[null, 4]], 'uint8', [4], 'uint8'],
  ['ops.logical_and(x, y)', [[3], [3]], 'bool', [3], 'bool'],
  ['ops.maximum(x, y)', [[2, 3], [3]], 'int8', [2, 3], 'int8'],
  ['ops.std(x, axis=1)', [[2, 3]], 'int32', [2], 'float32'],
  ['ops.any(x, axis=0)', [[2, 3]], 'float32', [3], 'bool'],
];

const pyShape = (shape: readonly (number | null)[]): string =>
  `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

describe('keras.ops', () => {
  it('every rule of the ops family files is a function of the pinned keras.ops', () => {
    assert.deepEqual(opRulesWithoutFunction(), []);
  });

  for (const [call, inputs, dtype, shape, outputDtype] of cases) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')} ${dtype}`, async () => {
      const lines = ['import keras', 'from keras import ops'];
      inputs.forEach((s, i) => lines.push(`${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`));
      const a = await analyze([...lines, `r = ${call}`].join('\n'));
      assert.deepEqual(messages(a), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.equal(r.kind, 'tensor', r.kind === 'unknown' ? r.reason : r.kind);
      const tensor = a.tensors[r.kind === 'tensor' ? r.tensor : -1]!;
      assert.deepEqual([tensor.shape, tensor.dtype], [shape, outputDtype]);
    });
  }

  it("Keras's errors where the shapes cannot go together, on the call", async () => {
    const a = await analyze(`import keras
from keras import ops
x = keras.Input((3,))
y = keras.Input((4,))
z = ops.add(x, y)
w = ops.reshape(keras.Input(batch_shape=(2, 3)), (4, 2))
v = ops.sum(x, axis=2)`);
    assert.deepEqual(messages(a, 'error'), [
      'Cannot broadcast shape, the failure dim has value 3, which cannot be broadcasted to 4. Input shapes are: [None, 3] and [None, 4].',
      'The total size of the tensor must be unchanged. Received: input_shape=(2, 3), newshape=(4, 2)',
      'axis 2 is out of bounds for an array with dimension 2.',
    ]);
  });
});

describe('keras.ops dtypes that depend on the backend the file runs on', () => {
  for (const call of [
    "ops.cast(x, 'int')",
    "ops.cumprod(x, dtype='int')",
    "ops.convert_to_tensor(x, 'int')",
    "ops.arange(3, dtype='int64')",
  ]) {
    it(`${call} is unknown, with the reason, and no error`, async () => {
      const a = await analyze(`import keras\nfrom keras import ops\nx = keras.Input(batch_shape=(2, 3))\nr = ${call}`);
      assert.deepEqual(messages(a), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.equal(r.kind, 'unknown');
      assert.match(r.kind === 'unknown' ? r.reason : '', /int64 on (the )?TensorFlow/);
    });
  }
});

describe('keras.ops on Python values Keras converts to tensors', () => {
  // Keras 3.15.1 (jax): ops.stack([1, 2]) is the tensor [1 2]; ops.concatenate([[1], [2]]) is [1 2].
  for (const call of ['ops.stack([1, 2])', 'ops.concatenate([[1], [2]])']) {
    it(`${call} reports no error: it is not analysed, with the reason`, async () => {
      const a = await analyze(`import keras\nfrom keras import ops\nr = ${call}`);
      assert.deepEqual(messages(a), []);
      const r = bindingsOf(a, 'r')[0]!.value;
      assert.match(r.kind === 'unknown' ? r.reason : r.kind, /that is not a non-empty list of tensors is not analysed/);
    });
  }
});
