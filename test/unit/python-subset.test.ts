// The Python that model files are written in: helpers, loops, conditions,
// arithmetic, strings, unpacking, classes; and data-dependent sizes kept by name.

import assert from 'node:assert/strict';
import { defaultLimits } from '../../src/analysis/limits.js';
import { analyze, analyzer, bindingsOf, describe as describeBinding, messages, shapeOf } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\n';

describe('Python subset', () => {
  it('inlines a helper at each call site, with defaults and keywords', async () => {
    const a = await analyze(`${header}
def block(x, units, scale=2):
    y = layers.Dense(units * scale)(x)
    return y

inp = keras.Input((16,))
a1 = block(inp, 4)
a2 = block(a1, units=3, scale=5)`);
    assert.equal(shapeOf(a, 'a1'), `(None, ${4 * 2})`);
    assert.equal(shapeOf(a, 'a2'), `(None, ${3 * 5})`);
    // `y` inside the helper is bound once per call site.
    assert.deepEqual(
      bindingsOf(a, 'y').map((b) => describeBinding(a, b)),
      ['(None, 8)', '(None, 15)'],
    );
  });

  it('runs for loops over literals, range() and zip/enumerate', async () => {
    const a = await analyze(`${header}
x = keras.Input((10,))
for units in [8, 6]:
    x = layers.Dense(units)(x)
for i in range(3):
    x = layers.Dense(10 + i)(x)
for i, (u, v) in enumerate(zip([1, 2], [3, 4])):
    x = layers.Dense(u * v + i)(x)`);
    // Last: i=1, u=2, v=4 → 2*4 + 1 = 9.
    assert.equal(shapeOf(a, 'x'), '(None, 9)');
    assert.deepEqual(
      bindingsOf(a, 'x').map((b) => describeBinding(a, b)),
      ['(None, 10)', '(None, 8)', '(None, 6)', '(None, 10)', '(None, 11)', '(None, 12)', `(None, ${1 * 3 + 0})`, `(None, ${2 * 4 + 1})`],
    );
  });

  it('takes the branch of a constant if/elif/else, and explores both of an undecidable one', async () => {
    const a = await analyze(`${header}
import sys
BIG = False
inp = keras.Input((4,))
if BIG:
    y = layers.Dense(100)(inp)
elif 2 > 1:
    y = layers.Dense(7)(inp)
else:
    y = layers.Dense(1)(inp)
if len(sys.argv) > 1:
    z = layers.Dense(3)(inp)
else:
    z = layers.Dense(5)(inp)`);
    assert.equal(shapeOf(a, 'y'), '(None, 7)');
    // Both branches analysed (each line has a binding); afterwards z is unknown.
    assert.deepEqual(
      bindingsOf(a, 'z').map((b) => describeBinding(a, b)),
      ['(None, 3)', '(None, 5)'],
    );
    assert.equal(bindingsOf(a, 'y').length, 1);
  });

  it('evaluates int/float/str arithmetic, f-strings, tuples and *args of known length', async () => {
    const a = await analyze(`${header}
base = 16
sizes = (base * 2, base // 3, 2 ** 3, -(-7 // 2))
name = f"block_{sizes[0]}_{base / 4}"
def widths(*args):
    return [w + 1 for w in args]
inp = keras.Input((4,))
d = layers.Dense(sizes[1] + sizes[2] + sizes[3], name=name)(inp)
e = layers.Dense(sum(widths(*sizes)))(inp)`);
    // 16 // 3 = 5, 2**3 = 8, -(-7 // 2) = 4 → 17.
    assert.equal(shapeOf(a, 'd'), `(None, ${5 + 8 + 4})`);
    assert.equal(shapeOf(a, 'e'), `(None, ${32 + 1 + 5 + 1 + 8 + 1 + 4 + 1})`);
    const layer = a.layers.find((l) => l.className === 'Dense')!;
    assert.equal(layer.name, 'block_32_4.0');
  });

  it('unpacks tuples, reads shapes, and uses dicts and list methods', async () => {
    const a = await analyze(`${header}
cfg = {"units": [3, 4], "act": "relu"}
h, w = 28, 28
inp = keras.Input((h, w, 1))
x = layers.Flatten()(inp)
outs = []
for u in cfg["units"]:
    outs.append(layers.Dense(u, activation=cfg.get("act"))(x))
first, second = outs
n = x.shape[-1]
y = layers.Dense(n // 2)(x)`);
    assert.equal(shapeOf(a, 'x'), `(None, ${28 * 28 * 1})`);
    assert.equal(shapeOf(a, 'first'), '(None, 3)');
    assert.equal(shapeOf(a, 'second'), '(None, 4)');
    assert.equal(shapeOf(a, 'y'), `(None, ${(28 * 28) / 2})`);
  });

  it('keeps a data-dependent size by name through the layers that keep it', async () => {
    const a = await analyze(`${header}
import numpy as np
x_train = np.load("train.npy")
inp = keras.Input(shape=(x_train.shape[1], x_train.shape[2]))
seq = layers.LSTM(32, return_sequences=True)(inp)
last = layers.LSTM(16)(seq)
out = layers.Dense(x_train.shape[2])(last)`);
    assert.equal(shapeOf(a, 'x_train').startsWith('unknown: '), true);
    assert.equal(shapeOf(a, 'inp'), '(None, x_train.shape[1], x_train.shape[2])');
    assert.equal(shapeOf(a, 'seq'), '(None, x_train.shape[1], 32)');
    assert.equal(shapeOf(a, 'last'), '(None, 16)');
    assert.equal(shapeOf(a, 'out'), '(None, x_train.shape[2])');
    // The LSTM's input size is data-dependent, so its parameter count is not known statically.
    assert.equal(a.layers.find((l) => l.className === 'LSTM')!.params, null);
    assert.deepEqual(messages(a, 'error'), []);
  });

  it('never throws on constructs it does not model: they become unknown with a reason', async () => {
    const a = await analyze(`${header}
import matplotlib.pyplot as plt
data = plt.imread("x.png")
inp = keras.Input((4,))
w = [v async for v in inp]
lam = lambda t: layers.Dense(3)(t)
y = lam(inp)
class Config:
    units = 9
z = layers.Dense(Config.units)(inp)
while True:
    break
q = layers.Dense(2)(data)`);
    assert.equal(shapeOf(a, 'y'), '(None, 3)');
    assert.equal(shapeOf(a, 'z'), '(None, 9)');
    assert.match(shapeOf(a, 'q'), /^unknown: /);
    assert.deepEqual(messages(a, 'error'), []);
  });

  it('stops a runaway loop and an endless recursion with a note, not a hang', async () => {
    // The time budget is tested on its own (robustness): here the loop's own limit is what stops it.
    const a = (await analyzer()).analyze(
      `${header}
def f(n):
    return f(n + 1)
r = f(0)
x = keras.Input((2,))
for i in range(100000):
    x = layers.Dense(2)(x)`,
      { ...defaultLimits, maxMilliseconds: 120_000 },
    );
    assert.match(shapeOf(a, 'r'), /^unknown: calls nested deeper than/);
    assert.ok(
      messages(a, 'information').includes(
        'This loop takes more than 10,000 iterations: it is analysed for its first 10,000 iterations, and what it changes is not known after it.',
      ),
    );
  });

  it('binds the names of with … as, except … as and starred targets, and runs try, else and finally', async () => {
    const a = await analyze(`${header}import tensorflow as tf
x = keras.Input((6,))
with tf.GradientTape() as tape, open("log.txt") as (log):
    inside = layers.Dense(4)(x)
try:
    risky = layers.Dense(2)(inside)
    width = 2
except (ValueError, KeyError) as error:
    print(error)
    width = 3
else:
    ran = layers.Dense(5)(inside)
finally:
    last = layers.Dense(1)(inside)
first, *middle, end = [1, 2, 3, 4]
head, *rest = x.shape
names = [n for n in ["a", "b"]]
if __name__ == "__main__":
    main_only = layers.Dense(7)(x)
`);
    assert.deepEqual(messages(a, 'warning').concat(messages(a, 'error')), []);
    assert.match(describeBinding(a, bindingsOf(a, 'tape')[0]!), /^unknown: the value `with tf\.GradientTape\(\)` gives/);
    assert.equal(shapeOf(a, 'inside'), '(None, 4)');
    assert.equal(shapeOf(a, 'risky'), '(None, 2)');
    assert.match(shapeOf(a, 'error'), /^unknown: the exception caught/);
    assert.equal(shapeOf(a, 'ran'), '(None, 5)');
    assert.equal(shapeOf(a, 'last'), '(None, 1)');
    assert.equal(shapeOf(a, 'main_only'), '(None, 7)');
    const b = await analyze(`${header}first, *middle, end = [1, 2, 3, 4]
try:
    width = 2
except ValueError:
    width = 3
inp = keras.Input((first, len(middle), end))
w = keras.Input((width,))
`);
    assert.equal(shapeOf(b, 'inp'), '(None, 1, 2, 4)');
    assert.match(shapeOf(b, 'w'), /^unknown: the shape of this Input is not known: depends on whether the `try` block raises/);
  });
});
