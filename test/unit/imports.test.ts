// Every common way of importing Keras resolves to the same layers.

import assert from 'node:assert/strict';
import { analyze, shapeOf } from './helpers/analysis.js';

const spellings: Record<string, string> = {
  'import tensorflow as tf + tf.keras.layers': `import tensorflow as tf
inp = tf.keras.layers.Input(shape=(8,))
out = tf.keras.layers.Dense(4)(inp)`,
  'from tensorflow import keras': `from tensorflow import keras
inp = keras.Input(shape=(8,))
out = keras.layers.Dense(4)(inp)`,
  'from tensorflow.keras import layers, models': `from tensorflow.keras import layers, models
inp = layers.Input(shape=(8,))
out = layers.Dense(4)(inp)
m = models.Model(inp, out)`,
  'import keras': `import keras
inp = keras.Input((8,))
out = keras.layers.Dense(4)(inp)`,
  'from keras import layers, Sequential, Model': `from keras import layers, Sequential, Model
inp = layers.Input((8,))
out = layers.Dense(4)(inp)
m = Model(inputs=inp, outputs=out)`,
  'from keras.layers import Conv2D, Dense': `import keras
from keras.layers import Conv2D, Dense
inp = keras.Input((8,))
out = Dense(4)(inp)`,
  'import tensorflow.keras.backend as K': `import tensorflow.keras.backend as K
import tensorflow as tf
inp = tf.keras.Input((8,))
out = tf.keras.layers.Dense(4)(inp)
f = K.function([inp], [out])`,
  'from keras import ops': `from keras import ops, layers
import keras
inp = keras.Input((8,))
out = layers.Dense(4)(inp)`,
  'from tensorflow.keras.layers import *': `from tensorflow.keras.layers import *
inp = Input((8,))
out = Dense(4)(inp)`,
  'import tensorflow.keras as keras': `import tensorflow.keras as keras
inp = keras.layers.Input(shape=(8,))
out = keras.layers.Dense(units=4)(inp)`,
  'import tf_keras (legacy Keras 2 package)': `import tf_keras
inp = tf_keras.Input((8,))
out = tf_keras.layers.Dense(4)(inp)`,
};

describe('import spellings', () => {
  for (const [title, source] of Object.entries(spellings)) {
    it(title, async () => {
      const a = await analyze(source);
      assert.equal(shapeOf(a, 'inp'), '(None, 8)');
      assert.equal(shapeOf(a, 'out'), '(None, 4)');
      assert.deepEqual(a.diagnostics, []);
    });
  }

  it('a name imported from a module near a text that has no file is unknown, with the reason, and nothing breaks', async () => {
    const a = await analyze(`from .blocks import residual
import keras
inp = keras.Input((8,))
out = residual(inp)
y = keras.layers.Dense(2)(inp)`);
    assert.match(shapeOf(a, 'out'), /^unknown: imported from \.blocks: the text analysed has no file, so no module near it is read/);
    assert.equal(shapeOf(a, 'y'), '(None, 2)');
  });
});
