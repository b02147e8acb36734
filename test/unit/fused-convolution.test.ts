// Conv2D → BatchNormalization (→ ReLU) as TensorFlow's _FusedConv2D on the native backend: the same values as the
// layers one by one (themselves held to Keras by the conformance tests), with moving statistics far from 0 and 1 so
// that a scale taken for an offset, or a bias not folded, shows; and no fusion where a tensor between is an output.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend.js';
import { runGraph } from '../../src/engine/evaluator.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { fuseConvolutions } from '../../src/engine/native/fused-convolution.js';
import { prepareTopology } from '../../src/engine/topology.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { analyze, bindingsOf } from './helpers/analysis.js';
import { nativeUnavailable } from './helpers/test-backends.js';

const source = `import keras
from keras import layers
x = keras.Input((9, 9, 3))
conv = layers.Conv2D(4, 3, strides=2, padding="same")(x)
normalized = layers.BatchNormalization(epsilon=0.01)(conv)
relu = layers.ReLU()(normalized)
plain = layers.BatchNormalization(center=False, scale=False)(layers.Conv2D(4, 1, use_bias=False)(relu))
activated = layers.Activation("relu")(layers.BatchNormalization()(layers.Conv2D(4, 2, padding="valid")(plain)))
y = layers.Add()([activated, layers.Conv2D(4, 2)(plain)])`;

/** The model whose outputs are these bindings, built as the evaluator builds it, with weights of a fixed seed. */
async function built(outputs: string[]): Promise<tf.LayersModel> {
  const analysis = await analyze(source);
  const tensors = outputs.map((name) => {
    const value = bindingsOf(analysis, name).at(-1)!.value;
    assert.equal(value.kind, 'tensor');
    return value.kind === 'tensor' ? value.tensor : -1;
  });
  const exported = exportSubgraph(analysis, tensors);
  const prepared = prepareTopology(exported.topology, [[2, 9, 9, 3]]);
  const model = await tf.models.modelFromJSON({ modelTopology: prepared.topology } as tf.io.ModelJSON);
  model.layers.forEach((layer, l) => {
    // Positive and well away from 0 and 1, different in every weight: variances stay positive.
    layer.setWeights(layer.getWeights().map((w, k) => tf.add(tf.mul(tf.randomUniform(w.shape, 0, 1, 'float32', 31 * l + k), 1.5), 0.25)));
  });
  return model;
}

async function values(outputs: string[], fuse: boolean): Promise<{ fused: number; values: Float32Array[] }> {
  const model = await built(outputs);
  const fused = fuse ? fuseConvolutions(model) : 0;
  const input = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7);
  const results = runGraph(model, [input]);
  const read = results.map((r) => r.dataSync() as Float32Array);
  tf.dispose([input, ...results]);
  model.dispose();
  return { fused, values: read };
}

function assertClose(actual: Float32Array[], expected: Float32Array[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((values, j) =>
    values.forEach((v, i) => {
      const e = expected[j]![i]!;
      assert.ok(Math.abs(v - e) <= 1e-5 + 1e-5 * Math.abs(e), `output ${j}[${i}]: ${v} fused, ${e} layer by layer`);
    }),
  );
}

describe('fused convolutions on native TensorFlow', function () {
  this.timeout(60_000);
  before(async function () {
    if (nativeUnavailable !== undefined) {
      process.stdout.write(`      NOT RUN: ${nativeUnavailable}\n`);
      this.skip();
    }
    registerKerasLayers();
    assert.equal((await selectBackend('node')).name, 'node');
  });

  it('computes each Conv2D → BatchNormalization (→ ReLU) chain as the layers do', async () => {
    const unfused = await values(['y'], false);
    const fused = await values(['y'], true);
    // conv → normalized → relu (bias folded), the conv → BN without γ and β, the conv → BN → Activation("relu").
    assert.equal(fused.fused, 3);
    assertClose(fused.values, unfused.values);
  });

  it('fuses no chain whose tensor between is an output of the evaluation', async () => {
    const unfused = await values(['y', 'conv', 'normalized'], false);
    const fused = await values(['y', 'conv', 'normalized'], true);
    assert.equal(fused.fused, 2);
    assertClose(fused.values, unfused.values);
  });

  it('fuses nothing on the wasm backend', async () => {
    await selectBackend('wasm');
    try {
      assert.equal((await values(['y'], true)).fused, 0);
    } finally {
      await selectBackend('node');
    }
  });
});
