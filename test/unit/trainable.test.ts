// Trainable and non-trainable parameter counts, as Keras counts them (`layer.trainable_weights`,
// `layer.non_trainable_weights`, and summary()'s "Trainable params" / "Non-trainable params"). Every expected number
// below is what Keras 3.15.1 gives for the same source (run on JAX), with the arithmetic written out.

import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyze.js';
import { analyze, modelNamed } from './helpers/analysis.js';

const dense = (inputs: number, units: number): number => inputs * units + units;

/** [params, trainable, non-trainable] of the layer or model bound to a name, as `count_params()` and the weight lists give them. */
function counts(a: Analysis, name: string): [number | null, number | null, number | null] {
  const binding = a.bindings.filter((b) => b.name === name && (b.value.kind === 'layer' || b.value.kind === 'model')).at(-1);
  assert.ok(binding && (binding.value.kind === 'layer' || binding.value.kind === 'model'), `no layer bound to ${name}`);
  const layer = a.layers[binding.value.layer]!;
  const trainable = layer.params === null || layer.nonTrainableParams === null ? null : layer.params - layer.nonTrainableParams;
  return [layer.params, trainable, layer.nonTrainableParams];
}

/** [total, trainable, non-trainable] as summary() prints them under the table. */
function split(a: Analysis, model: string): [number | null, number | null, number | null] {
  const summary = modelNamed(a, model);
  return [summary.totalParams, summary.trainableParams, summary.nonTrainableParams];
}

describe('trainable and non-trainable parameter counts', () => {
  it("a layer made with trainable=False has all its weights non-trainable; BatchNormalization's moving statistics always are", async () => {
    const a = await analyze(`import keras
from keras import layers
inputs = keras.Input((8,))
x = layers.Dense(4, trainable=False, name="frozen")(inputs)
x = layers.BatchNormalization(name="bn")(x)
outputs = layers.Dense(2, name="head")(x)
model = keras.Model(inputs, outputs, name="model")`);
    // frozen 8·4+4 = 36; bn gamma, beta (trainable) and moving mean, variance (not) of 4; head 4·2+2 = 10.
    assert.deepEqual(split(a, 'model'), [36 + 4 * 4 + 10, 2 * 4 + 10, 36 + 2 * 4]);
    assert.deepEqual(
      modelNamed(a, 'model').rows.map((r) => [r.name, r.params, r.nonTrainableParams]),
      [
        ['input_layer', 0, 0],
        ['frozen', 36, 36],
        ['bn', 16, 8],
        ['head', 10, 0],
      ],
    );
  });

  it('`layer.trainable = False` after the model is built freezes it; `= True` again leaves the moving statistics frozen', async () => {
    const a = await analyze(`import keras
from keras import layers
inputs = keras.Input((8,))
bn = layers.BatchNormalization(name="bn")
dense = layers.Dense(4, name="dense")
outputs = dense(bn(inputs))
model = keras.Model(inputs, outputs, name="model")
dense.trainable = False
bn.trainable = False
bn.trainable = True`);
    assert.deepEqual(counts(a, 'bn'), [4 * 8, 2 * 8, 2 * 8]);
    assert.deepEqual(counts(a, 'dense'), [dense(8, 4), 0, dense(8, 4)]);
    assert.deepEqual(split(a, 'model'), [4 * 8 + dense(8, 4), 2 * 8, 2 * 8 + dense(8, 4)]);
  });

  it('`base.trainable = False` on a nested model freezes all its layers; a loop sets some back to trainable', async () => {
    const a = await analyze(`import keras
from keras import layers
base = keras.Sequential([keras.Input((6,)), layers.Dense(5), layers.BatchNormalization(), layers.Dense(3)], name="base")
base.trainable = False
for layer in base.layers[-1:]:
    layer.trainable = True
inputs = keras.Input((6,))
outputs = layers.Dense(1, name="head")(base(inputs))
model = keras.Model(inputs, outputs, name="model")`);
    const baseParams = dense(6, 5) + 4 * 5 + dense(5, 3);
    // base itself is not trainable (all its weights are non-trainable to it); the model trains its last Dense and the head.
    assert.deepEqual(counts(a, 'base'), [baseParams, 0, baseParams]);
    assert.deepEqual(split(a, 'model'), [baseParams + dense(3, 1), dense(5, 3) + dense(3, 1), dense(6, 5) + 4 * 5]);
  });

  it('Sequential(trainable=False) sets only its own flag: a model holding it still trains its layers; model.trainable = False and keras.Model(trainable=False) freeze all', async () => {
    const a = await analyze(`import keras
from keras import layers
inner = keras.Sequential([keras.Input((3,)), layers.Dense(2)], trainable=False, name="inner")
outer = keras.Sequential([inner, layers.Dense(2)], name="outer")
outer.build((None, 3))
frozen = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(1)], name="frozen")
frozen.trainable = False
f_in = keras.Input((3,))
whole = keras.Model(f_in, layers.Dense(2)(f_in), name="whole", trainable=False)`);
    assert.deepEqual(split(a, 'inner'), [dense(3, 2), 0, dense(3, 2)]);
    assert.deepEqual(split(a, 'outer'), [dense(3, 2) + dense(2, 2), dense(3, 2) + dense(2, 2), 0]);
    assert.deepEqual(split(a, 'frozen'), [dense(3, 4) + dense(4, 1), 0, dense(3, 4) + dense(4, 1)]);
    assert.deepEqual(split(a, 'whole'), [dense(3, 2), 0, dense(3, 2)]);
  });

  it("a custom layer's add_weight(trainable=False) is non-trainable", async () => {
    const a = await analyze(`import keras
from keras import layers


class Scale(layers.Layer):
    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.steps = self.add_weight(shape=(), initializer="zeros", trainable=False)
        self.table = self.add_weight(shape=(input_shape[-1], 2), trainable=False)

    def call(self, x):
        return x * self.gain


inputs = keras.Input((5,))
outputs = Scale(name="scale")(inputs)
model = keras.Model(inputs, outputs, name="model")`);
    assert.deepEqual(split(a, 'model'), [5 + 1 + 5 * 2, 5, 1 + 5 * 2]);
  });

  it('a wrapper made with trainable=False leaves the layers it wraps trainable in a model; LoRA freezes the kernel until trainable is set', async () => {
    const a = await analyze(`import keras
from keras import layers
inputs = keras.Input((5, 6))
x = layers.Bidirectional(layers.LSTM(4), trainable=False, name="bi")(inputs)
lora = layers.Dense(3, lora_rank=2, name="lora")
before = layers.Dense(3, lora_rank=2, name="lora_before")
y = lora(x)
z = before(x)
model = keras.Model(inputs, [y, z], name="model")
lora.trainable = False
lora.trainable = True`);
    const lstm = 4 * (6 * 4 + 4 * 4 + 4);
    const loraParams = dense(8, 3) + 8 * 2 + 2 * 3;
    const bi = a.layers.find((l) => l.name === 'bi')!;
    // To itself, the Bidirectional is all non-trainable; to the model, its two LSTMs are trainable.
    assert.deepEqual([bi.params, bi.nonTrainableParams], [2 * lstm, 2 * lstm]);
    // `lora` was set trainable again (its kernel too, as Keras's setter does); `lora_before` keeps its kernel frozen.
    assert.deepEqual(counts(a, 'lora'), [loraParams, loraParams, 0]);
    assert.deepEqual(counts(a, 'before'), [loraParams, loraParams - 8 * 3, 8 * 3]);
    assert.deepEqual(split(a, 'model'), [2 * lstm + 2 * loraParams, 2 * lstm + 2 * loraParams - 8 * 3, 8 * 3]);
  });

  it('a layer shared by a nested model and the outer model counts once, as Keras dedupes weights', async () => {
    const a = await analyze(`import keras
from keras import layers
inputs = keras.Input((4,))
d = layers.Dense(3, name="shared")
base = keras.Sequential([keras.Input((4,)), d], name="base")
x = base(inputs)
y = layers.Dense(4, name="back")(x)
z = d(y)
model = keras.Model(inputs, z, name="model")`);
    assert.deepEqual(split(a, 'model'), [dense(4, 3) + dense(3, 4), dense(4, 3) + dense(3, 4), 0]);
  });

  describe('never wrong: a split the analysis cannot know is null, with the reason', () => {
    it('trainable set in a branch of a condition it cannot decide', async () => {
      const a = await analyze(`import keras, sys
from keras import layers
inputs = keras.Input((4,))
d = layers.Dense(3)
model = keras.Model(inputs, d(inputs), name="model")
if len(sys.argv) > 1:
    d.trainable = False`);
      assert.deepEqual(split(a, 'model'), [dense(4, 3), null, null]);
      assert.match(modelNamed(a, 'model').nonTrainableUnknown!, /branch of a condition/);
    });

    it('trainable=<a value not known>, and trainable set on a layer the analysis cannot tell', async () => {
      const a = await analyze(`import keras
from keras import layers
inputs = keras.Input((4,))
model = keras.Model(inputs, layers.Dense(3, trainable=fine_tune)(inputs), name="model")`);
      assert.deepEqual(split(a, 'model'), [dense(4, 3), null, null]);
      const b = await analyze(`import keras
from keras import layers
base = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)], name="base")
for layer in base.layers[:cut]:
    layer.trainable = False`);
      assert.deepEqual(split(b, 'base'), [dense(4, 3) + dense(3, 2), null, null]);
      assert.match(modelNamed(b, 'base').nonTrainableUnknown!, /`trainable` is set on a value that is not known/);
    });
  });
});
