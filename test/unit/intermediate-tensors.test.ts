// The graph run frees its intermediate tensors once read: after a run only the outputs (and the masks) remain, and
// the values are those of a run that keeps everything, on graphs where a tensor could be freed too early — a layer
// that returns its input (Dropout at inference), a tensor read twice by one layer and by several, a shared layer,
// and Keras masks (Embedding mask_zero into an LSTM).

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend.js';
import { runGraph } from '../../src/engine/evaluator.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { prepareTopology } from '../../src/engine/topology.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { analyze, messages } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\n';

async function modelOf(source: string, inputShapes: number[][]): Promise<tf.LayersModel> {
  const analysis = await analyze(`${header}${source}`);
  assert.deepEqual(messages(analysis), []);
  const model = analysis.layers[analysis.models.at(-1)!]!.model!;
  const prepared = prepareTopology(exportSubgraph(analysis, model.outputs).topology, inputShapes);
  return tf.models.modelFromJSON({ modelTopology: prepared.topology } as tf.io.ModelJSON);
}

/** The outputs' values, and the tensors the run left besides them (the feeds are the caller's). */
function run(model: tf.LayersModel, feeds: tf.Tensor[]): { values: number[][]; leftOver: number } {
  const before = tf.memory().numTensors;
  const outputs = runGraph(model, feeds);
  const leftOver = tf.memory().numTensors - before - outputs.length;
  const values = outputs.map((o) => Array.from(o.dataSync()));
  tf.dispose(outputs);
  return { values, leftOver };
}

/** The same graph run by tfjs-layers with every tensor kept (runInternalGraph itself), freed after. */
function keptRun(model: tf.LayersModel, feeds: tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const graph = model as unknown as { runInternalGraph(inputs: tf.Tensor[]): [tf.Tensor[]] };
    return graph.runInternalGraph(feeds)[0].map((o) => Array.from(o.dataSync()));
  });
}

const cases: { name: string; source: string; inputs: { shape: number[]; dtype?: 'int32' }[]; leftOver: number }[] = [
  {
    name: 'a chain through Dropout (which returns its input), a tensor read twice by Add and by two layers',
    source: `x = keras.Input((6,))
h = layers.Dense(5, activation="relu")(x)
d = layers.Dropout(0.5)(h)
a = layers.Add()([d, d])
b = layers.Dense(5)(d)
y = layers.Concatenate()([a, b, h])
model = keras.Model(x, [y, layers.Dense(2)(y)])`,
    inputs: [{ shape: [3, 6] }],
    leftOver: 0,
  },
  {
    name: 'a layer called twice (shared), two inputs',
    source: `p = keras.Input((4,))
q = keras.Input((4,))
shared = layers.Dense(3)
z = layers.Multiply()([shared(p), shared(layers.Dense(4)(q))])
model = keras.Model([p, q], layers.Dense(1)(z))`,
    inputs: [{ shape: [2, 4] }, { shape: [2, 4] }],
    // What the shared layer reads (Dense(4)'s output) and its two outputs: which of its calls runs is not known.
    leftOver: 3,
  },
  {
    name: 'Keras masks: Embedding(mask_zero=True) into an LSTM',
    source: `t = keras.Input((5,), dtype="int32")
e = layers.Embedding(10, 4, mask_zero=True)(t)
model = keras.Model(t, layers.Dense(2)(layers.LSTM(3)(e)))`,
    inputs: [{ shape: [2, 5], dtype: 'int32' }],
    // The mask.
    leftOver: 1,
  },
];

describe('the graph run frees its intermediate tensors', () => {
  before(async () => {
    registerKerasLayers();
    await selectBackend('cpu');
  });

  for (const c of cases) {
    it(c.name, async () => {
      const model = await modelOf(
        c.source,
        c.inputs.map((i) => i.shape),
      );
      const feeds = c.inputs.map((i, k) =>
        i.dtype === 'int32'
          ? tf.tensor(i.shape[1] === 5 ? [3, 1, 0, 0, 0, 2, 9, 4, 0, 0] : [], i.shape, 'int32')
          : tf.randomUniform(i.shape, -1, 1, 'float32', k),
      );
      const expected = keptRun(model, feeds);
      const { values, leftOver } = run(model, feeds);
      assert.deepEqual(values, expected);
      assert.equal(leftOver, c.leftOver);
      // The layers are as they were: a second run gives the same.
      assert.deepEqual(run(model, feeds).values, expected);
      tf.dispose(feeds);
      model.dispose();
    });
  }
});
