// Every supported layer class, written as in a model file and run through the
// whole analysis: output shape and parameter count as Keras's formulas give them
// (the cases are in layer-table.ts, checked against real Keras by scripts/check-layer-table.py).

import assert from 'node:assert/strict';
import { layerEntry, rulesWithoutClass } from '../../src/analysis/keras/registry.js';
import { analyze, shapeOf } from './helpers/analysis.js';
import { layerCases } from './layer-table.js';

const format = (dims: readonly (number | null)[]): string =>
  dims.length === 1 ? `(${dims[0] ?? 'None'},)` : `(${dims.map((d) => d ?? 'None').join(', ')})`;

function source(layer: string, inputs: readonly (readonly (number | null)[])[], dtype = 'float32'): string {
  const lines = ['import keras', 'from keras.layers import *'];
  inputs.forEach((shape, i) => lines.push(`x${i} = keras.Input(${format(shape)}, dtype="${dtype}")`));
  const argument = inputs.length > 1 ? `[${inputs.map((_, i) => `x${i}`).join(', ')}]` : 'x0';
  lines.push(`layer = ${layer}`, `y = layer(${argument})`);
  return lines.join('\n');
}

describe('layers', () => {
  for (const c of layerCases) {
    it(`${c.layer} on ${c.inputs.map((s) => format([null, ...s])).join(' and ')}`, async () => {
      const a = await analyze(source(c.layer, c.inputs, c.dtype));
      assert.deepEqual(a.diagnostics, []);
      const outputs = Array.isArray(c.output[0]) ? (c.output as number[][]) : [c.output as number[]];
      const binding = a.bindings.filter((b) => b.name === 'y').at(-1)!;
      if (outputs.length === 1) assert.equal(shapeOf(a, 'y'), format(outputs[0]!));
      else {
        const call = a.calls.find((k) => a.layers[k.layer]!.name === a.layers.at(-1)!.name)!;
        assert.deepEqual(
          call.outputs.map((t) => format(a.tensors[t]!.shape as (number | null)[])),
          outputs.map(format),
        );
        assert.equal(binding, undefined, 'a list of tensors is not one binding');
      }
      const layer = a.layers.filter((l) => l.className !== 'InputLayer').at(-1)!;
      assert.equal(layer.params, c.params);
      assert.equal(layer.nonTrainableParams, c.nonTrainableParams ?? 0, 'non-trainable params');
    });
  }

  describe('made with trainable=False, in a model: the weights the model still trains', () => {
    for (const c of layerCases) {
      it(`${c.layer}`, async () => {
        const frozen = c.layer.replace(/\)$/, c.layer.endsWith('()') ? 'trainable=False)' : ', trainable=False)');
        const inputs = c.inputs.map((_, i) => `x${i}`);
        const a = await analyze(`${source(frozen, c.inputs, c.dtype)}\nmodel = keras.Model([${inputs.join(', ')}], y)`);
        const model = a.layers[a.models.at(-1)!]!;
        const layer = a.layers.filter((l) => l.className !== 'InputLayer' && !l.model).at(-1)!;
        assert.equal(layer.nonTrainableParams, c.params, 'the layer itself counts every weight non-trainable');
        assert.equal(model.params! - model.nonTrainableParams!, c.frozenTrainableParams ?? 0);
      });
    }
  });

  it('covers every layer class of the foundation issue', () => {
    const tested = new Set(layerCases.map((c) => c.layer.match(/^(\w+)\(/)![1]!));
    const required = `InputLayer Dense Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose DepthwiseConv2D SeparableConv1D
      SeparableConv2D MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D
      GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D
      GlobalMaxPooling3D Flatten Reshape Permute RepeatVector Dropout SpatialDropout1D SpatialDropout2D GaussianNoise
      BatchNormalization LayerNormalization Activation ReLU LeakyReLU PReLU ELU Softmax Embedding SimpleRNN LSTM GRU
      Bidirectional TimeDistributed Add Subtract Multiply Average Maximum Minimum Concatenate Dot ZeroPadding1D
      ZeroPadding2D Cropping1D Cropping2D UpSampling1D UpSampling2D Rescaling Resizing`.split(/\s+/);
    const missing = required.filter((c) => c !== 'InputLayer' && !tested.has(c));
    assert.deepEqual(missing, []);
    assert.deepEqual(
      required.filter((c) => !layerEntry(c)?.rule),
      [],
    );
  });

  it('every rule of the family files is keyed by a class of keras.layers (a misspelt key would be a rule nobody reads)', () => {
    assert.deepEqual(rulesWithoutClass(), []);
  });

  it('the functional helpers make the same layers: add, concatenate, dot, …', async () => {
    const a = await analyze(`import keras
from keras import layers
a = keras.Input((4, 6))
b = keras.Input((4, 6))
s = layers.add([a, b])
c = layers.concatenate([a, b], axis=1)
d = layers.dot([a, b], axes=2)
m = layers.maximum([a, b])`);
    assert.equal(shapeOf(a, 's'), '(None, 4, 6)');
    assert.equal(shapeOf(a, 'c'), `(None, ${4 + 4}, 6)`);
    assert.equal(shapeOf(a, 'd'), '(None, 4, 4)');
    assert.equal(shapeOf(a, 'm'), '(None, 4, 6)');
    assert.deepEqual(a.layers.map((l) => `${l.name} (${l.className})`).slice(2), [
      'add (Add)',
      'concatenate (Concatenate)',
      'dot (Dot)',
      'maximum (Maximum)',
    ]);
  });

  it('LSTM with return_state unpacks into output and states', async () => {
    const a = await analyze(`import keras
from keras import layers
x = keras.Input((10, 8))
seq, h, c = layers.LSTM(16, return_sequences=True, return_state=True)(x)`);
    assert.equal(shapeOf(a, 'seq'), '(None, 10, 16)');
    assert.equal(shapeOf(a, 'h'), '(None, 16)');
    assert.equal(shapeOf(a, 'c'), '(None, 16)');
  });

  it('tensor arithmetic and slicing on KerasTensors', async () => {
    const a = await analyze(`import keras
x = keras.Input((10, 8))
y = keras.Input((1, 8))
s = x + y
p = x * 2.0
first = x[:, 0]
tail = x[:, 2:, ::2]
e = x[..., None]`);
    assert.equal(shapeOf(a, 's'), '(None, 10, 8)');
    assert.equal(shapeOf(a, 'p'), '(None, 10, 8)');
    assert.equal(shapeOf(a, 'first'), '(None, 8)');
    assert.equal(shapeOf(a, 'tail'), `(None, ${10 - 2}, ${8 / 2})`);
    assert.equal(shapeOf(a, 'e'), '(None, 10, 8, 1)');
    // Keras names operations like layers: x + y is the operation "add".
    assert.deepEqual(
      a.layers.filter((l) => l.operation).map((l) => l.name),
      ['add', 'multiply', 'get_item', 'get_item_1', 'get_item_2'],
    );
  });
});
