// TensorFlow, NumPy and keras.activations spellings of keras.ops functions (functions/op-aliases.ts, from the table
// scripts/generate-op-aliases.py generates): the keras.ops call each one is, with TensorFlow's shapes and dtypes.
// The expected outputs were printed by running each call eagerly (TensorFlow 2.21, NumPy 2.4, Keras 3.15.1, jax
// backend) on tensors of the input shapes and dtype, one case at a time:
//
//   make = keras.ops.convert_to_tensor if call.startswith("keras") else tf.constant
//   x = make(np.random.default_rng(0).uniform(-1, 1, <shape>).astype(<dtype>))   # integers(0, 4) for int dtypes; y alike
//   r = eval(<call>, {"tf": tf, "np": np, "keras": keras, "x": x, "y": y})
//   print(list(r.shape), keras.backend.standardize_dtype(r.dtype))
//
// (TensorFlow refuses Keras 3's symbolic tensors, so the calls were run on eager tensors; the analysis gets the
// same shapes from keras.Input(batch_shape=...).)

import assert from 'node:assert/strict';
import { arrayLiteralFunctions } from '../../src/analysis/keras/functions/array-literals.js';
import { arrayFunctions } from '../../src/analysis/keras/functions/arrays.js';
import { modelFunctions } from '../../src/analysis/keras/functions/models.js';
import { opAlias, opAliasFunctions } from '../../src/analysis/keras/functions/op-aliases.js';
import { opFunctions } from '../../src/analysis/keras/functions/ops.js';
import { pythonModuleFunctions } from '../../src/analysis/keras/functions/python-modules.js';
import { opSignature } from '../../src/analysis/keras/ops/signatures.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Case = [call: string, inputs: number[][], dtype: string, shape: number[], outputDtype: string];

const cases: Case[] = [
  ['tf.expand_dims(x, -1)', [[2, 5]], 'float32', [2, 5, 1], 'float32'],
  ['tf.expand_dims(x, axis=0)', [[2, 5]], 'int8', [1, 2, 5], 'int8'],
  ['tf.nn.swish(x)', [[2, 5]], 'float32', [2, 5], 'float32'],
  ['tf.math.reduce_prod(x, axis=1, keepdims=True)', [[2, 5]], 'float32', [2, 1], 'float32'],
  ['tf.reduce_prod(x)', [[2, 5]], 'int32', [], 'int32'],
  ["tf.math.reduce_sum(x, 1, name='s')", [[2, 5, 3]], 'float32', [2, 3], 'float32'],
  ['tf.one_hot(x, 4)', [[2, 3]], 'int32', [2, 3, 4], 'float32'],
  ["tf.one_hot(x, 4, axis=0, dtype='int32')", [[2, 3]], 'int64', [4, 2, 3], 'int32'],
  ['tf.range(10)', [], 'float32', [10], 'int32'],
  ['tf.range(1, 7, 2)', [], 'float32', [3], 'int32'],
  ['tf.range(0.5, 3)', [], 'float32', [3], 'float32'],
  [
    'tf.concat([x, y], axis=0)',
    [
      [2, 5],
      [3, 5],
    ],
    'float32',
    [5, 5],
    'float32',
  ],
  [
    'tf.concat([x, y], -1)',
    [
      [2, 5],
      [2, 1],
    ],
    'int32',
    [2, 6],
    'int32',
  ],
  ['np.exp(x)', [[2, 5]], 'float32', [2, 5], 'float32'],
  ['keras.activations.gelu(x)', [[2, 5]], 'float32', [2, 5], 'float32'],
  ['keras.activations.gelu(x, approximate=False)', [[2, 5]], 'float16', [2, 5], 'float16'],
  ["keras.activations.get('relu')(x)", [[2, 5]], 'float32', [2, 5], 'float32'],
  ["keras.activations.get('swish')(x)", [[2, 5]], 'float32', [2, 5], 'float32'],
  ['keras.activations.softmax(x, axis=1)', [[2, 5, 3]], 'float32', [2, 5, 3], 'float32'],
  ['tf.nn.relu(x)', [[2, 5]], 'int32', [2, 5], 'int32'],
  ['tf.math.add(x, 2)', [[2, 5]], 'int32', [2, 5], 'int32'],
  [
    'tf.matmul(x, y)',
    [
      [2, 3],
      [3, 4],
    ],
    'float32',
    [2, 4],
    'float32',
  ],
  ['tf.tile(x, (2, 1))', [[2, 5]], 'float32', [4, 5], 'float32'],
  ['tf.image.resize(x, (4, 6))', [[1, 8, 8, 3]], 'float32', [1, 4, 6, 3], 'float32'],
  [
    'tf.where(x > 0, x, y)',
    [
      [2, 5],
      [2, 5],
    ],
    'float32',
    [2, 5],
    'float32',
  ],
  ['tf.transpose(x, perm=[1, 0, 2])', [[2, 5, 3]], 'float32', [5, 2, 3], 'float32'],
  ['tf.reshape(x, (-1,))', [[2, 5]], 'float32', [10], 'float32'],
  ['np.mean(x, axis=0)', [[2, 5]], 'float32', [5], 'float32'],
  ['keras.ops.tile(x, (2, 1))', [[2, 5]], 'float32', [4, 5], 'float32'],
  ['keras.ops.nn.relu(x)', [[2, 5]], 'int8', [2, 5], 'int8'],
];

const pyShape = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

const header = ['import keras', 'import numpy as np', 'import tensorflow as tf'];

async function resultOf(lines: string[]) {
  const a = await analyze([...header, ...lines].join('\n'));
  return { a, r: bindingsOf(a, 'r')[0]!.value };
}

async function unknownReason(call: string, inputs = 'x = keras.Input(batch_shape=(2, 5))'): Promise<string> {
  const { a, r } = await resultOf([inputs, `r = ${call}`]);
  assert.deepEqual(messages(a), []);
  assert.equal(r.kind, 'unknown', `${call} is known`);
  return r.kind === 'unknown' ? r.reason : '';
}

describe('TensorFlow, NumPy and keras.activations spellings of keras.ops', () => {
  for (const [call, inputs, dtype, shape, outputDtype] of cases) {
    it(`${call} on ${inputs.map(pyShape).join(' and ') || 'numbers'} ${inputs.length ? dtype : ''}`, async () => {
      const lines = inputs.map((s, i) => `${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`);
      const { a, r } = await resultOf([...lines, `r = ${call}`]);
      assert.deepEqual(messages(a), []);
      assert.equal(r.kind, 'tensor', r.kind === 'unknown' ? r.reason : r.kind);
      const tensor = a.tensors[r.kind === 'tensor' ? r.tensor : -1]!;
      assert.deepEqual([tensor.shape, tensor.dtype], [shape, outputDtype]);
    });
  }

  it('a candidate the generator rejected stays unknown, with what disagreed', async () => {
    // tf.argmax gives int64 where keras.ops.argmax gives int32; tf.shape a tensor where keras.ops.shape gives a tuple.
    assert.match(await unknownReason('tf.argmax(x, axis=1)'), /`tf\.argmax` is not modelled: .*dtype int64 where keras\.ops gives int32/);
    assert.match(await unknownReason('tf.shape(x)'), /`tf\.shape` is not modelled: .*gives a tensor where keras\.ops gives a seq/);
    // tf.image.extract_patches takes [1, h, w, 1] sizes, which keras.ops.image.extract_patches refuses.
    assert.match(
      await unknownReason(
        'tf.image.extract_patches(x, sizes=[1, 2, 2, 1], strides=[1, 2, 2, 1], rates=[1, 1, 1, 1], padding="VALID")',
        'x = keras.Input(batch_shape=(1, 6, 6, 3))',
      ),
      /`tf\.image\.extract_patches` is not modelled: .*keras\.ops raises/,
    );
    assert.equal(opAlias('tf.argmax'), undefined);
  });

  it('a call outside what was checked is unknown, with why', async () => {
    // TensorFlow's expand_dims refuses a tuple axis, which keras.ops.expand_dims takes.
    assert.match(await unknownReason('tf.expand_dims(x, (0, 1))'), /given axis:seq was not checked against keras\.ops\.expand_dims/);
    // TensorFlow's mean of int32 is int32, Keras's float32.
    assert.match(
      await unknownReason('tf.reduce_mean(x)', 'x = keras.Input(batch_shape=(2, 5), dtype="int32")'),
      /tf\.reduce_mean on int32 was not checked against keras\.ops\.mean/,
    );
    // A parameter keras.ops lacks.
    assert.match(
      await unknownReason('tf.one_hot(x, 4, on_value=2.0)', 'x = keras.Input(batch_shape=(2, 3), dtype="int32")'),
      /tf\.one_hot\(on_value=…\) is not modelled: keras\.ops\.one_hot has no such parameter/,
    );
    assert.match(await unknownReason('keras.activations.relu(x, max_value=6.0)'), /keras\.ops\.relu has no such parameter/);
    // NumPy on NumPy arrays computes a NumPy array by NumPy's rules (float64 here), which is not Keras's.
    assert.match(await unknownReason('np.exp(np.zeros((2, 3)))'), /np\.exp\(\) on NumPy arrays and numbers is not modelled/);
  });

  it("a parameter given as the alias's default counts as not given; TensorFlow's name= is ignored", async () => {
    assert.equal((await resultOf(['x = keras.Input(batch_shape=(2, 5))', 'r = tf.nn.swish(x, beta=1.0)'])).r.kind, 'tensor');
    const { a, r } = await resultOf([
      'x = keras.Input(batch_shape=(2, 5))',
      'r = tf.math.reduce_sum(x, axis=None, keepdims=False, name="s")',
    ]);
    assert.deepEqual(messages(a), []);
    assert.equal(r.kind, 'tensor');
    assert.match(await unknownReason('tf.nn.swish(x, beta=2.0)'), /tf\.nn\.swish\(beta=…\) is not modelled/);
  });

  it('keras.activations.get gives the function of a name, as Keras does, and a callable as it is', async () => {
    const { a } = await resultOf([
      'x = keras.Input(batch_shape=(2, 5))',
      'relu = keras.activations.get("relu")',
      'same = keras.activations.get(tf.nn.relu)',
      'bad = keras.activations.get("nope")',
      'd = keras.layers.Dense(3, activation=keras.activations.get("swish"))',
      'r = relu(x)',
      's = same(x)',
    ]);
    assert.deepEqual(messages(a), []);
    assert.deepEqual(
      ['r', 's'].map((name) => bindingsOf(a, name)[0]!.value.kind),
      ['tensor', 'tensor'],
    );
    const bad = bindingsOf(a, 'bad')[0]!.value;
    assert.equal(bad.kind === 'unknown' && bad.reason, 'Could not interpret activation function identifier: nope');
    // Keras stores the function by its own name: get("swish") is silu.
    const dense = a.layers.find((l) => l.className === 'Dense')!;
    assert.equal(dense.config['activation'], 'silu');
  });

  it('every alias is of a keras.ops function and takes no path another registry entry has', () => {
    const others = new Set(
      [...opFunctions, ...modelFunctions, ...arrayFunctions, ...arrayLiteralFunctions, ...pythonModuleFunctions].map((f) => f.path),
    );
    assert.deepEqual(
      opAliasFunctions.map((f) => f.path).filter((path) => others.has(path)),
      [],
    );
    for (const f of opAliasFunctions) {
      const alias = opAlias(f.path);
      if (alias) assert.ok(opSignature(alias.op), `${f.path}: ${alias.op} is no keras.ops function`);
    }
  });
});
