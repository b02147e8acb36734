// "Get … as NumPy": the seed's code written for the tensor under the cursor. Each snippet is inserted into its file
// and the file analysed again: the array it makes has the tensor's shape (batch 1), and it adds no diagnostic.

import assert from 'node:assert/strict';
import { numpySnippets } from '../../src/server/numpy-snippets.js';
import { analyze, analyzer, bindingsOf, describe as describeBinding, messages } from './helpers/analysis.js';
import { editedSources, snippetCases } from './numpy-snippet-cases.js';

/** The snippets offered for the last binding of `name` (or the `index`th), by title and text. */
async function offered(source: string, name: string, index = -1): Promise<{ title: string; afterLine: number; text: string }[]> {
  const graph = await analyze(source);
  const binding = bindingsOf(graph, name).at(index);
  assert.ok(binding, `no binding ${name}`);
  return numpySnippets(graph, source, binding).map(({ title, afterLine, text }) => ({ title, afterLine, text }));
}

describe('Get … as NumPy', () => {
  it('makes, in each case, an array of the tensor’s shape, and adds no diagnostic', async () => {
    const edited = editedSources(await analyzer());
    assert.deepEqual(
      edited.map((e) => `${e.name}: ${e.title.replace(/^Get \w+ as NumPy: /, '')}`),
      [
        'seed method 2, conv_layer: a sub-model and predict',
        'seed method 2, conv_layer: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)',
        'seed method 1, conv_tensor: a sub-model and predict',
        'seed method 1, conv_tensor: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)',
        "seed method 3, conv_out in call(): an eager call of the model's layers and .numpy()",
        "seed method 3, dense_out in call(): an eager call of the model's layers and .numpy()",
        'seed method 3, conv_tensor (eager): .numpy() of the eager tensor',
        'Keras 3, two inputs and no model: a sub-model and predict',
        'integer ids into an Embedding, names taken: a sub-model and predict',
        'integer ids into an Embedding, names taken: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)',
      ],
    );
    for (const e of edited) {
      const graph = await analyze(e.source);
      const array = bindingsOf(graph, e.arrayName).at(-1);
      assert.ok(array, `${e.name}: no ${e.arrayName}`);
      assert.equal(array.value.kind, 'array', `${e.name}: ${e.title}`);
      assert.equal(describeBinding(graph, array), e.tensorShape, `${e.name}: ${e.title}`);
      const original = await analyze(snippetCases.find((c) => c.name === e.name)!.source);
      assert.deepEqual(messages(graph), messages(original), `${e.name}: ${e.title}`);
    }
  });

  it("writes the seed's Method 2 and Method 1 after the model, in the file's own names", async () => {
    const source = (await import('./numpy-snippet-cases.js')).snippetCases[0]!.source;
    assert.deepEqual(await offered(source, 'conv_layer'), [
      {
        title: 'Get conv_layer as NumPy: a sub-model and predict',
        // `model = tf.keras.models.Model(…)` is line 10 (zero-based 9).
        afterLine: 9,
        text:
          'conv_layer_model = tf.keras.models.Model(inputs=model.input, outputs=conv_layer)\n' +
          'conv_layer_input = np.random.rand(1, 32, 32, 3)\n' +
          'conv_layer_array = conv_layer_model.predict(conv_layer_input)\n',
      },
      {
        title: 'Get conv_layer as NumPy: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)',
        afterLine: 9,
        text:
          'from tensorflow.keras import backend as K\n' +
          'get_conv_layer = K.function(model.inputs, [conv_layer])\n' +
          'conv_layer_array = get_conv_layer([np.random.rand(1, 32, 32, 3)])[0]\n',
      },
    ]);
  });

  it("writes Method 3 inside a subclassed model's call() as its layers called eagerly, after the model is made", async () => {
    const source = snippetCases.find((c) => c.tensor === 'dense_out')!.source;
    assert.deepEqual(await offered(source, 'dense_out'), [
      {
        title: "Get dense_out as NumPy: an eager call of the model's layers and .numpy()",
        // `model = CustomModel()`.
        afterLine: 20,
        text: 'dense_out_input = np.random.rand(1, 32, 32, 3)\ndense_out_array = model.dense_layer(model.conv_layer(dense_out_input)).numpy()\n',
      },
    ]);
  });

  it('offers nothing it cannot write right: a tensor made in a function, one whose input shape is not known, a call with options', async () => {
    const header = 'import keras\nimport numpy as np\n';
    assert.deepEqual(
      await offered(`${header}def block():\n    x = keras.Input((4,))\n    y = keras.layers.Dense(2)(x)\n    return y\n\nz = block()`, 'y'),
      [],
    );
    assert.deepEqual(await offered(`${header}x = keras.Input((None, 4))\ny = keras.layers.Dense(2)(x)`, 'y').then((s) => s.length), 1);
    assert.deepEqual(await offered(`${header}n = int(input())\nx = keras.Input((n,))\ny = keras.layers.Dense(2)(x)`, 'y'), []);
    const withOptions = `${header}class M(keras.Model):
    def __init__(self):
        super().__init__()
        self.drop = keras.layers.Dropout(0.5)
    def call(self, x):
        y = self.drop(x, training=True)
        return y
m = M()
out = m(keras.Input((3,)))`;
    assert.deepEqual(await offered(withOptions, 'y'), []);
    const attribute = `${header}class Holder:\n    pass\nh = Holder()\nx = keras.Input((4,))\nh.features = keras.layers.Dense(2)(x)`;
    assert.deepEqual(await offered(attribute, 'h.features'), []);
  });
});
