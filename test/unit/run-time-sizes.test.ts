// Sizes that come from data (`x.shape[1]`, `len(vocab)`): kept by name through the
// layers, with the parameter counts as formulas of them. Each row's shapes and
// count, with the names replaced by sizes, are what Keras 3.15.1 (jax) gives for
// len(vocab) = 7 and x.shape[1] = 5.

import assert from 'node:assert/strict';
import { analyze, bindingsOf, messages, shapeOf } from './helpers/analysis.js';
import { producingLayer } from '../../src/graph/report.js';

const header = `import keras
import pandas as pd
from keras import layers
x = pd.read_csv("train.csv").values
vocab = open("vocab.txt").read().split()
i = keras.Input((10,))
`;
const sizes: Record<string, number> = { 'len(vocab)': 7, 'x.shape[1]': 5 };

interface Row {
  readonly source: string;
  readonly shape: string;
  /** The layer's count as a formula, and Keras's count for the sizes above. */
  readonly params?: readonly [formula: string, keras: number];
}

const rows: Record<string, Row> = {
  'Dense(len(vocab))': {
    source: 'y = layers.Dense(len(vocab))(i)',
    shape: '(None, len(vocab))',
    params: ['len(vocab) × 10 + len(vocab)', 77],
  },
  'Dense(256) on a size from data': {
    source: 'y = layers.Dense(256)(keras.Input((x.shape[1],)))',
    shape: '(None, 256)',
    params: ['x.shape[1] × 256 + 256', 1536],
  },
  'Concatenate adds it': { source: 'y = layers.Concatenate()([layers.Dense(len(vocab))(i), i])', shape: '(None, len(vocab) + 10)' },
  'Embedding(len(vocab), 16)': {
    source: 'emb = layers.Embedding(len(vocab), 16)\ny = emb(keras.Input((20,), dtype="int32"))',
    shape: '(None, 20, 16)',
    params: ['len(vocab) × 16', 112],
  },
  'Conv1D(x.shape[1], 3)': {
    source: 'y = layers.Conv1D(x.shape[1], 3)(layers.Reshape((10, 1))(i))',
    shape: '(None, 8, x.shape[1])',
    params: ['x.shape[1] × 3 + x.shape[1]', 20],
  },
  'Flatten multiplies it': {
    source: 'y = layers.Flatten()(layers.Conv1D(x.shape[1], 3)(layers.Reshape((10, 1))(i)))',
    shape: '(None, 8*x.shape[1])',
  },
  'RepeatVector(len(vocab))': { source: 'y = layers.RepeatVector(len(vocab))(i)', shape: '(None, len(vocab), 10)' },
  'MultiHeadAttention(key_dim=len(vocab))': {
    source: 'q = keras.Input((20, 4))\ny = layers.MultiHeadAttention(num_heads=2, key_dim=len(vocab))(q, q)',
    shape: '(None, 20, 4)',
  },
  'a rule that does not take it yet: unknown, with the reason, and no error': {
    source: 'y = layers.LSTM(len(vocab))(layers.Reshape((10, 1))(i))',
    shape: "unknown: LSTM 'lstm' depends on `units` (len(vocab)), a size known only at run time",
  },
};

/** A formula's value for the sizes above. */
function valueOf(formula: string): number {
  return formula
    .split(' + ')
    .map((term) => term.split(' × ').reduce((product, factor) => product * (sizes[factor] ?? Number(factor)), 1))
    .reduce((a, b) => a + b, 0);
}

describe('sizes from data', () => {
  for (const [title, row] of Object.entries(rows)) {
    it(title, async () => {
      const a = await analyze(`${header}${row.source}\n`);
      assert.deepEqual(messages(a, 'error').concat(messages(a, 'warning')), []);
      assert.equal(shapeOf(a, 'y'), row.shape);
      if (row.params) {
        const value = bindingsOf(a, 'y').at(-1)!.value as { tensor: number };
        const layer = producingLayer(a, value.tensor)!;
        assert.equal(layer.params, null);
        assert.equal(layer.paramsFormula, row.params[0]);
        assert.equal(valueOf(row.params[0]), row.params[1]);
      }
    });
  }

  it('a directive pins what comes from data: a shape (None for the size it leaves), a length, a name', async () => {
    const a = await analyze(`import keras
import numpy as np
# tensor-lens: x_train.shape = (None, 28, 28, 1)
x_train = np.load("x_train.npy")
names = open("names.txt").read().split()
vocab_size = tokenizer.vocabulary_size() if False else np.load("v.npy")
# tensor-lens: len(names) = 3
#   tensor-lens:  vocab_size=20000
known = 5
# tensor-lens: known = 7
inputs = keras.Input(shape=x_train.shape[1:])
rows = keras.Input(shape=(x_train.shape[0],))
head = keras.layers.Dense(len(names))(keras.layers.Flatten()(inputs))
emb = keras.layers.Embedding(vocab_size, 8)(keras.Input((4,)))
kept = keras.Input(shape=(known,))
`);
    assert.equal(shapeOf(a, 'inputs'), '(None, 28, 28, 1)');
    assert.equal(shapeOf(a, 'rows'), '(None, x_train.shape[0])');
    assert.equal(shapeOf(a, 'head'), '(None, 3)');
    assert.equal(shapeOf(a, 'emb'), '(None, 4, 8)');
    // A value the analysis knows is not overridden: the directive says it is not used.
    assert.equal(shapeOf(a, 'kept'), '(None, 5)');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.range.start.line, d.severity, d.message]),
      [[9, 'information', 'This directive is not used: no expression `known` of the file has a value Tensor Lens does not know.']],
    );
  });

  it('a directive that is not understood says how to write one', async () => {
    const a = await analyze('import keras\n# tensor-lens: x.shape = (None, thirty)\n# tensor-lens: broken\n# tensor-lens: y = (3,)\n');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.range.start.line, d.code, d.message.slice(0, 46)]),
      [
        [1, 'directive', 'This tensor-lens directive is not understood: '],
        [2, 'directive', 'This tensor-lens directive is not understood: '],
        [3, 'directive', 'This directive is not used: no expression `y` '],
      ],
    );
  });

  it('a layer whose size is known only at run time keeps its name for the engine', async () => {
    const a = await analyze(`${header}y = layers.Dense(len(vocab))(i)\n`);
    const layer = producingLayer(a, (bindingsOf(a, 'y')[0]!.value as { tensor: number }).tensor)!;
    assert.deepEqual(layer.runTimeSizes, { units: 'len(vocab)' });
    assert.equal(layer.evaluation, undefined);
  });
});
