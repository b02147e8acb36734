// Keras's ReLU layer with negative_slope, threshold and max_value, on every backend: TensorFlow.js's own ReLU reads
// max_value only. The expected values are what the pinned Keras 3.15.1 (jax) printed for
// `keras.layers.ReLU(**kwargs)(x)` on this x, by the script in the comment below.
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
  ['negative_slope=0.5, threshold=0.2', [-1.1, -0.35, -0.1, -0.05, 0.0, 0.25, 0.9, 3.0, 7.5]],
  ['negative_slope=0.1', [-0.2, -0.05, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
  ['max_value=1.0, threshold=0.15', [0.0, 0.0, 0.0, 0.0, 0.2, 0.25, 0.9, 1.0, 1.0]],
  ['negative_slope=0.3, max_value=6.0', [-0.6, -0.15, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 6.0]],
  ['max_value=6.0', [0.0, 0.0, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 6.0]],
  ['negative_slope=0.2, threshold=0.5, max_value=2.5', [-0.5, -0.2, -0.1, -0.08, -0.06, -0.05, 0.9, 2.5, 2.5]],
  ['', [0.0, 0.0, 0.0, 0.1, 0.2, 0.25, 0.9, 3.0, 7.5]],
];

async function relu(kwargs: string): Promise<number[]> {
  const analysis = await analyze(`import keras\nx = keras.Input((9,))\ny = keras.layers.ReLU(${kwargs})(x)\nm = keras.Model(x, y)\n`);
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

describe('ReLU as Keras computes it', () => {
  for (const backend of testBackends) {
    describe(`on the ${backend} backend`, () => {
      before(async () => {
        registerKerasLayers();
        assert.equal((await selectBackend(backend)).name, backend);
      });
      for (const [kwargs, expected] of keras) {
        it(`ReLU(${kwargs})`, async () => {
          const values = await relu(kwargs);
          values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-6, `[${i}]: ${v} where Keras has ${expected[i]}`));
        });
      }
    });
  }
});
