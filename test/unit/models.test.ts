// Models as Keras builds them: Sequential in all its forms, functional models
// with shared layers and nesting, accessors (output, layers[i], get_layer), and
// Keras 3's naming, which a summary must match name for name.

import assert from 'node:assert/strict';
import { analyze, fixture, messages, modelNamed, shapeOf, summaryRows } from './helpers/analysis.js';

/** Dense(units) on `inputs` features: a kernel inputs×units and a bias of units. */
const dense = (inputs: number, units: number): number => inputs * units + units;

describe('models', () => {
  describe('the shared-and-nested fixture', () => {
    it('builds each Sequential the way it was written', async () => {
      const a = await analyze(fixture('models_shared_nested.py'));
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential')), [
        `dense (Dense) (None, 4) ${dense(8, 4)}`,
        `dense_1 (Dense) (None, 2) ${dense(4, 2)}`,
      ]);
      // input_shape= on the first layer of an .add() chain.
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential_1')), [
        `dense_2 (Dense) (None, 5) ${dense(3, 5)}`,
        `dense_3 (Dense) (None, 1) ${dense(5, 1)}`,
      ]);
      // model.build((None, 10)).
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential_2')), [
        `dense_4 (Dense) (None, 6) ${dense(10, 6)}`,
        `dense_5 (Dense) (None, 2) ${dense(6, 2)}`,
      ]);
      // Never given an input: unbuilt, like Keras.
      const unbuilt = modelNamed(a, 'sequential_3');
      assert.equal(unbuilt.built, false);
      assert.deepEqual(summaryRows(unbuilt), ['dense_6 (Dense) ? ?']);
    });

    it('names the functional model functional_4: each Sequential build used a name', async () => {
      // Keras builds a Sequential into a Functional each time it can: s1 once, s2 twice (two .add calls), s3 once.
      const a = await analyze(fixture('models_shared_nested.py'));
      assert.equal(a.layers[a.models.at(-1)!]!.name, 'functional_4');
    });

    it('orders layers like Keras and lists what each is connected to', async () => {
      const a = await analyze(fixture('models_shared_nested.py'));
      const m = modelNamed(a, 'functional_4');
      assert.deepEqual(summaryRows(m), [
        'a (InputLayer) (None, 8) 0',
        'b (InputLayer) (None, 8) 0',
        `shared (Dense) (None, 4) ${dense(8, 4)}`,
        'concatenate (Concatenate) (None, 8) 0',
        `dense_7 (Dense) (None, 2) ${dense(4 + 4, 2)}`,
        `sequential (Sequential) (None, 2) ${dense(8, 4) + dense(4, 2)}`,
        'add (Add) (None, 2) 0',
      ]);
      assert.deepEqual(
        m.rows.map((r) => r.connectedTo.join(', ')),
        ['', '', 'a[0][0], b[0][0]', 'shared[0][0], shared[1][0]', 'concatenate[0][0]', 'a[0][0]', 'dense_7[0][0], sequential[0][0]'],
      );
      assert.equal(m.showConnections, true);
      assert.equal(m.totalParams, dense(8, 4) + dense(8, 2) + dense(8, 4) + dense(4, 2));
    });

    it('reads layers[i].output and get_layer(name).output', async () => {
      const a = await analyze(fixture('models_shared_nested.py'));
      assert.equal(shapeOf(a, 'first'), '(None, 4)');
      assert.equal(shapeOf(a, 'got'), '(None, 4)');
      assert.equal(shapeOf(a, 'head'), '(None, 2)');
      assert.deepEqual(messages(a), []);
    });
  });

  it('calls a model on a tensor (nesting) with every inner tensor shaped anew', async () => {
    const a = await analyze(`import keras
from keras import layers
enc_in = keras.Input((28, 28, 1))
h = layers.Flatten()(enc_in)
code = layers.Dense(32)(h)
encoder = keras.Model(enc_in, code, name="encoder")
big = keras.Input((28, 28, 1), batch_size=4)
z = encoder(big)
outer = keras.Model(big, layers.Dense(10)(z))
enc_out = encoder.output
inner = encoder.layers[1].output`);
    assert.equal(shapeOf(a, 'z'), '(4, 32)');
    assert.equal(shapeOf(a, 'enc_out'), '(None, 32)');
    assert.equal(shapeOf(a, 'inner'), `(None, ${28 * 28})`);
    assert.deepEqual(summaryRows(modelNamed(a, 'functional')), [
      'input_layer_1 (InputLayer) (4, 28, 28, 1) 0',
      `encoder (Functional) (4, 32) ${dense(28 * 28, 32)}`,
      `dense_1 (Dense) (4, 10) ${dense(32, 10)}`,
    ]);
  });

  it('accepts dict and list inputs/outputs and model.input/inputs/output/outputs', async () => {
    const a = await analyze(`import keras
from keras import layers
img = keras.Input((8, 8, 3), name="img")
meta = keras.Input((5,), name="meta")
x = layers.GlobalAveragePooling2D()(img)
x = layers.Concatenate()([x, meta])
cls = layers.Dense(3, name="cls")(x)
reg = layers.Dense(1, name="reg")(x)
model = keras.Model(inputs={"img": img, "meta": meta}, outputs=[cls, reg])
i0, i1 = model.inputs
o = model.output
o0 = model.outputs[0]`);
    assert.equal(shapeOf(a, 'i0'), '(None, 8, 8, 3)');
    assert.equal(shapeOf(a, 'i1'), '(None, 5)');
    assert.equal(shapeOf(a, 'o0'), '(None, 3)');
    assert.equal(shapeOf(a, 'x'), `(None, ${3 + 5})`);
    assert.equal(modelNamed(a, 'functional').totalParams, dense(8, 3) + dense(8, 1));
  });

  it('reports a Sequential fed the wrong input shape, in Keras words', async () => {
    const a = await analyze(`import keras
from keras import layers
s = keras.Sequential([keras.Input((5,)), layers.Dense(2)])
y = s(keras.Input((4,)))`);
    assert.deepEqual(messages(a, 'error'), [
      "Input 0 of layer 'sequential' is incompatible with the layer: expected shape=(None, 5), found shape=(None, 4)",
    ]);
    assert.match(shapeOf(a, 'y'), /^unknown: /);
  });

  it('counts the weights of a subclassed layer: add_weight in build() plus tracked sublayers', async () => {
    const a = await analyze(`import keras
from keras import layers

class Scale(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.proj = layers.Dense(units)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones")
        self.b = self.add_weight(shape=(self.units,))

    def call(self, x):
        return self.proj(x) * 2.0

class Net(keras.Model):
    def __init__(self):
        super(Net, self).__init__(name="net")
        self.scale = Scale(6, name="scale")
        self.out = layers.Dense(1)

    def call(self, inputs, training=False):
        h = self.scale(inputs)
        return self.out(h)

net = Net()
net.build((None, 4))
inp = keras.Input((4,))
y = net(inp)`);
    assert.equal(shapeOf(a, 'h'), '(None, 6)');
    assert.equal(shapeOf(a, 'y'), '(None, 1)');
    const summary = modelNamed(a, 'net');
    // Scale: its own 4×6 + 6 weights, plus its Dense(6) on 4 features.
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} ${r.params}`),
      [`scale ${4 * 6 + 6 + dense(4, 6)}`, `dense_1 ${dense(6, 1)}`],
    );
    assert.equal(summary.totalParams, 4 * 6 + 6 + dense(4, 6) + dense(6, 1));
  });

  it('restarts names after keras.backend.clear_session()', async () => {
    const a = await analyze(`import keras
d1 = keras.layers.Dense(1)
keras.backend.clear_session()
d2 = keras.layers.Dense(1)
d3 = keras.layers.Dense(1)`);
    assert.deepEqual(
      a.layers.map((l) => l.name),
      ['dense', 'dense', 'dense_1'],
    );
  });
});

describe('a generated ResNet of about 1,000 layers (the benchmark file)', () => {
  it('has Keras’s layer count, final shape and parameter count', async () => {
    const { layerCount, resnetSource, thousandLayers } = await import('../fixtures/resnet-source.js');
    const a = await analyze(resnetSource(thousandLayers));
    assert.deepEqual(a.diagnostics, []);
    const model = modelNamed(a, 'resnet_generated');
    assert.equal(model.rows.length, layerCount(thousandLayers));
    // 224 → stride-2 stem conv → 112 → stride-2 max pool → 56, then stages 2–4 halve it: 28, 14, 7.
    const conv = (k: number, cin: number, cout: number): number => k * k * cin * cout;
    const bn = (c: number): number => 4 * c;
    let params = conv(7, 3, 64) + bn(64);
    let channels = 64;
    for (const filters of thousandLayers.stageFilters) {
      for (let block = 0; block < thousandLayers.blocksPerStage; block++) {
        params += conv(3, channels, filters) + bn(filters) + conv(3, filters, filters) + bn(filters);
        if (block === 0 && channels !== filters) params += conv(1, channels, filters) + bn(filters);
        channels = filters;
      }
    }
    params += 512 * 1000 + 1000;
    assert.equal(model.totalParams, params);
    const relu = model.rows.filter((r) => r.className === 'ReLU').at(-1)!;
    assert.deepEqual(relu.outputShapes, [[null, 7, 7, 512]]);
    assert.deepEqual(model.rows.at(-1)!.outputShapes, [[null, 1000]]);
  });
});
