// Models with parts the analysis cannot know (a size from data, a layer argument
// computed at run time): Keras prints every layer all the same, and so does the
// summary here, with what is known of each row and `?` for the rest. The names
// and classes are those Keras 3.15.1 printed for the same files run on data
// (train_features of shape (569, 30), three classes; x_train of shape (60000, 28, 28, 1)).

import assert from 'node:assert/strict';
import { formatShape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { analyze, messages, shapeOf } from './helpers/analysis.js';

function rows(a: Awaited<ReturnType<typeof analyze>>, model = 0): string[] {
  return summarizeModel(a, a.models[model]!).rows.map(
    (r) => `${r.name} (${r.className}) ${r.outputShapes ? r.outputShapes.map(formatShape).join(' ') : '?'} ${r.params ?? '?'}`,
  );
}

describe('models with unknown parts', () => {
  it('a size from data and a layer argument from data: every row listed, what is known of each', async () => {
    const a = await analyze(`import keras
import pandas as pd
from keras import layers
df = pd.read_csv("data.csv")
train_features = df.drop(columns=["label"]).values
class_names = sorted(df["label"].unique())
inputs = keras.Input(shape=(train_features.shape[1],))
h = layers.Dense(256, activation="relu")(inputs)
h = layers.Dropout(0.3)(h)
outputs = layers.Dense(len(class_names), activation="softmax")(h)
model = keras.Model(inputs, outputs)
`);
    assert.deepEqual(messages(a), []);
    // Keras: input_layer (None, 30) 0, dense (None, 256) 7,936, dropout (None, 256) 0, dense_1 (None, 3) 771.
    assert.deepEqual(rows(a), [
      'input_layer (InputLayer) (None, train_features.shape[1]) 0',
      'dense (Dense) (None, 256) ?',
      'dropout (Dropout) (None, 256) 0',
      'dense_1 (Dense) (None, len(class_names)) ?',
    ]);
    const summary = summarizeModel(a, a.models[0]!);
    assert.equal(summary.totalParams, null);
    assert.equal(summary.knownParams, 0);
    assert.equal(shapeOf(a, 'outputs'), '(None, len(class_names))');
    const formulas = summary.rows.map((r) => r.paramsFormula);
    assert.deepEqual(formulas, [undefined, 'train_features.shape[1] × 256 + 256', undefined, 'len(class_names) × 256 + len(class_names)']);
  });

  it('an Input whose rank comes from data: its functional and Sequential models list every layer', async () => {
    const a = await analyze(`import numpy as np
import keras
from keras import layers
x_train = np.load("x_train.npy")
inputs = keras.Input(shape=x_train.shape[1:])
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
again = model(inputs)
seq = keras.Sequential([keras.Input(shape=x_train.shape[1:]), layers.Dense(4)])
`);
    assert.deepEqual(messages(a), []);
    assert.deepEqual(rows(a, 0), [
      'input_layer (InputLayer) ? 0',
      'conv2d (Conv2D) ? ?',
      'max_pooling2d (MaxPooling2D) ? ?',
      'flatten (Flatten) ? ?',
      'dense (Dense) ? ?',
    ]);
    assert.deepEqual(rows(a, 1), ['dense_1 (Dense) ? ?']);
    assert.match(
      shapeOf(a, 'inputs'),
      /^unknown: the shape of this Input is not known: `x_train` is not known, so neither is how many sizes `x_train.shape\[1:\]` has/,
    );
    assert.match(shapeOf(a, 'again'), /^unknown: the shape of this Input is not known/);
  });

  it('an error Keras raises still ends the model: the layer is not listed as if it ran', async () => {
    const a = await analyze(`import keras
from keras import layers
inputs = keras.Input(shape=(4,))
bad = layers.Conv2D(3, 3)(inputs)
`);
    assert.equal(messages(a, 'error').length, 1);
    assert.deepEqual(
      a.calls.filter((c) => a.layers[c.layer]!.className === 'Conv2D'),
      [],
    );
  });
});
