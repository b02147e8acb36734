// Conv2D chains as one fused TensorFlow kernel on the native backend (oneDNN's where the TensorFlow has it): the same
// values as the layers one by one (themselves held to Keras by the conformance tests), with moving statistics far
// from 0 and 1 so that a scale taken for an offset, or a bias not folded, shows, and signed values that each ReLU and
// ReLU6 clips; no fusion where a tensor between is an output, or of an activation the kernel does not apply.

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
y = layers.Add()([activated, layers.Conv2D(4, 2)(plain)])
own = layers.Conv2D(4, 3, padding="same", activation="relu")(y)
six = layers.ReLU(max_value=6.0)(layers.Conv2D(4, 1, dilation_rate=2)(own))
bn_six = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(4, 1)(six)))
sigmoid = layers.Conv2D(4, 1, activation="sigmoid")(bn_six)
leaky = layers.LeakyReLU()(layers.Conv2D(4, 1)(sigmoid))`;

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
    // Different in every weight; variances positive and well away from 0 and 1, the others signed.
    const names = layer.weights.map((w) => w.originalName);
    layer.setWeights(
      layer.getWeights().map((w, k) => {
        const [low, high] = names[k]!.endsWith('variance') ? [0.25, 1.75] : [-1.5, 1.5];
        return tf.randomUniform(w.shape, low, high, 'float32', 31 * l + k);
      }),
    );
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

  it('computes each chain from a Conv2D as the layers do', async () => {
    const unfused = await values(['leaky', 'six', 'bn_six'], false);
    const fused = await values(['leaky', 'six', 'bn_six'], true);
    // conv → normalized → relu (bias folded), the conv → BN without γ and β, the conv → BN → Activation("relu"), the
    // conv with its bias before Add, relu of its own, → ReLU(max_value=6), → BN → ReLU(6); not sigmoid, not → LeakyReLU
    // (but with its bias).
    assert.equal(fused.fused, 8);
    assertClose(fused.values, unfused.values);
    for (const values of fused.values.slice(1)) {
      assert.ok(values.includes(0) && values.includes(6), 'ReLU6 clips at both ends');
    }
  });

  it('fuses no chain whose tensor between is an output of the evaluation', async () => {
    const unfused = await values(['y', 'conv', 'normalized'], false);
    const fused = await values(['y', 'conv', 'normalized'], true);
    // The conv with its bias only (its normalization reads an output), the two other chains, the conv before Add.
    assert.equal(fused.fused, 4);
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
