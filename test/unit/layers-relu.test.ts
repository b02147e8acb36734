// Keras's ReLU layer with negative_slope, threshold and max_value, and LeakyReLU's negative_slope, on every backend:
// TensorFlow.js's own ReLU reads max_value only, its LeakyReLU reads alpha (Keras 2's name). The expected values are
// what the pinned Keras 3.15.1 (jax) printed for `keras.layers.<Layer>(**kwargs)(x)` on this x:
//
//   x = np.array([[-2.0, -0.5, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]], dtype=np.float32)
//   for kwargs in cases: print(kwargs, np.asarray(keras.layers.ReLU(**kwargs)(x)).round(7).tolist())

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend.js';
import { runGraph } from '../../src/engine/evaluator.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { prepareTopology } from '../../src/engine/topology.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { analyze, messages } from './helpers/analysis.js';
import { testBackends } from './helpers/test-backends.js';

const x = [-2.0, -0.5, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5];

const keras: [string, number[]][] = [
  ['LeakyReLU()', [-0.6, -0.15, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['LeakyReLU(negative_slope=0.1)', [-0.2, -0.05, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['LeakyReLU(negative_slope=0.0)', [0.0, 0.0, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['LeakyReLU(alpha=0.2)', [-0.4, -0.1, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['negative_slope=0.5, threshold=0.2', [-1.1, -0.35, -0.1, -0.05, 0.0, 0.25, 0.9, 3.0, 7.5]],
  ['negative_slope=0.1', [-0.2, -0.05, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['max_value=1.0, threshold=0.15', [0.0, 0.0, 0.0, 0.0, 0.2, 0.25, 0.9, 1.0, 1.0]],
  ['negative_slope=0.3, max_value=6.0', [-0.6, -0.15, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 6.0]],
  ['max_value=6.0', [0.0, 0.0, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 6.0]],
  ['negative_slope=0.2, threshold=0.5, max_value=2.5', [-0.5, -0.2, -0.1, -0.08, -0.06, -0.05, 0.9, 2.5, 2.5]],
  ['', [0.0, 0.0, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
];

/** `layer`: a call (`LeakyReLU(...)`), or ReLU's arguments alone. */
async function relu(layer: string): Promise<number[]> {
  const call = layer.includes('(') ? layer : `ReLU(${layer})`;
  const analysis = await analyze(`import keras\nx = keras.Input((9,))\ny = keras.layers.${call}(x)\nm = keras.Model(x, y)\n`);
  assert.deepEqual(messages(analysis), []);
  const model = analysis.layers[analysis.models.at(-1)!]!.model!;
  const prepared = prepareTopology(exportSubgraph(analysis, model.outputs).topology, [[1, 9]]);
  const built = await tf.models.modelFromJSON({ modelTopology: prepared.topology } as tf.io.ModelJSON);
  const input = tf.tensor([x]);
  const [output] = runGraph(built, [input]);
  const values = Array.from(output!.dataSync());
  tf.dispose([input, output!]);
  built.dispose();
  return values;
}

describe('ReLU and LeakyReLU as Keras computes them', () => {
  for (const backend of testBackends) {
    describe(`on the ${backend} backend`, () => {
      before(async () => {
        registerKerasLayers();
        assert.equal((await selectBackend(backend)).name, backend);
      });
      for (const [kwargs, expected] of keras) {
        it(kwargs.includes('(') ? kwargs : `ReLU(${kwargs})`, async () => {
          const values = await relu(kwargs);
          values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-6, `[${i}]: ${v} where Keras has ${expected[i]}`));
        });
      }
    });
  }
});
