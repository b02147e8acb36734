// The Python that model files are written in, one construct a row: the source
// (after the usual imports and `x = keras.Input(shape=(8,))`) and the shapes
// Keras gives the names it binds. No row may raise a warning or an error,
// since each runs under Python.

import assert from 'node:assert/strict';
import { messages, shapeOf } from './helpers/analysis.js';
import { analyze } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\nimport tensorflow as tf\nx = keras.Input(shape=(8,))\n';

interface Row {
  readonly construct: string;
  readonly source: string;
  readonly shapes: Readonly<Record<string, string>>;
}

const rows: Row[] = [
  {
    construct: 'while with break and continue',
    source: `n = 0
h = x
while True:
    n += 1
    if n == 2:
        continue
    h = layers.Dense(n)(h)
    if n >= 3:
        break`,
    shapes: { h: '(None, 3)' },
  },
  {
    construct: 'lambda as a helper',
    source: 'block = lambda t, u=4: layers.Dense(u)(t)\ny = block(x)\nz = block(x, 2)',
    shapes: { y: '(None, 4)', z: '(None, 2)' },
  },
  {
    construct: 'closure over an argument',
    source: `def make(units):
    def inner(t):
        return layers.Dense(units)(t)
    return inner
y = make(5)(x)`,
    shapes: { y: '(None, 5)' },
  },
  {
    construct: '*args and **kwargs, unpacked in the call',
    source: `def stack(t, *sizes, **options):
    for s in sizes:
        t = layers.Dense(s, **options)(t)
    return t
y = stack(*[x, 6, 3], **{"activation": "relu"})`,
    shapes: { y: '(None, 3)' },
  },
  {
    construct: 'decorated class and function (register_keras_serializable, tf.function)',
    source: `@keras.saving.register_keras_serializable(package="mine")
class Block(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
    def call(self, t):
        return self.dense(t)
@tf.function
def apply(t):
    return Block(3)(t)
y = apply(x)`,
    shapes: { y: '(None, 3)' },
  },
  {
    construct: '@property, @staticmethod and @classmethod',
    source: `class Config:
    base = 4
    def __init__(self):
        self.scale = 2
    @property
    def units(self):
        return self.base * self.scale
    @staticmethod
    def half(n):
        return n // 2
    @classmethod
    def doubled(cls):
        return cls.base * 2
c = Config()
a = layers.Dense(c.units)(x)
b = layers.Dense(Config.half(6))(x)
d = layers.Dense(Config.doubled())(x)`,
    shapes: { a: '(None, 8)', b: '(None, 3)', d: '(None, 8)' },
  },
  {
    construct: '@dataclass with defaults',
    source: `from dataclasses import dataclass
@dataclass
class Hyper:
    units: int = 16
    depth: int = 2
hp = Hyper(depth=3)
y = layers.Dense(hp.units * hp.depth)(x)`,
    shapes: { y: '(None, 48)' },
  },
  { construct: 'class attribute', source: 'class C:\n    UNITS = 12\ny = layers.Dense(C.UNITS)(x)', shapes: { y: '(None, 12)' } },
  {
    construct: 'global and nonlocal',
    source: `units = 2
def widen():
    global units
    units = 7
widen()
def counter():
    n = 1
    def bump():
        nonlocal n
        n += 4
    bump()
    return n
y = layers.Dense(units)(x)
z = layers.Dense(counter())(x)`,
    shapes: { y: '(None, 7)', z: '(None, 5)' },
  },
  { construct: 'assert and del', source: 'assert x is not None\ntmp = 3\ndel tmp\ny = layers.Dense(2)(x)', shapes: { y: '(None, 2)' } },
  { construct: 'walrus', source: 'if (n := 6) > 5:\n    y = layers.Dense(n)(x)', shapes: { y: '(None, 6)' } },
  {
    construct: 'match',
    source: `kind = "wide"
match kind:
    case "narrow":
        units = 2
    case "wide":
        units = 32
    case _:
        units = 1
y = layers.Dense(units)(x)`,
    shapes: { y: '(None, 32)' },
  },
  { construct: 'f-string names', source: 'for i in range(2):\n    y = layers.Dense(3, name=f"head_{i}")(x)', shapes: { y: '(None, 3)' } },
  {
    construct: 'a function called before the def it uses appears',
    source: `def main():
    return build(x)
def build(t):
    return layers.Dense(9)(t)
y = main()`,
    shapes: { y: '(None, 9)' },
  },
  {
    construct: 'argparse defaults as hyper-parameters',
    source: `import argparse
parser = argparse.ArgumentParser(description="train")
parser.add_argument("--units", type=int, default=64)
parser.add_argument("--dropout", type=float, default=0.5)
parser.add_argument("--epochs", type=int)
args = parser.parse_args()
y = layers.Dense(args.units)(x)
z = layers.Dropout(args.dropout)(y)`,
    shapes: { y: '(None, 64)', z: '(None, 64)' },
  },
  {
    construct: 'argparse: an argument given only on the command line is unknown',
    source: `import argparse, sys
parser = argparse.ArgumentParser()
parser.add_argument("units", type=int)
parser.add_argument("--width", type=int, default="12")
args = parser.parse_args()
y = layers.Dense(args.units)(x)
z = layers.Dense(args.width)(x)`,
    shapes: { y: "unknown: Dense 'dense' depends on `units`, which is not known (`units` is given on the command line)", z: '(None, 12)' },
  },
  {
    construct: 'match on a value known only at run time: each case explored',
    source: `import sys
match sys.argv[1]:
    case "small":
        units = 2
    case _:
        units = 4
y = layers.Dense(units)(x)
z = layers.Dense(3)(x)`,
    shapes: {
      y: "unknown: Dense 'dense' depends on `units`, which is not known (depends on which case of `match sys.argv[1]` runs, which cannot be decided without running the code)",
      z: '(None, 3)',
    },
  },
  {
    construct: 'match: the names a pattern captures are bound in its case',
    source: `import sys
match sys.argv:
    case [_, first, *rest] if rest:
        label = first
    case {"units": units}:
        label = units
    case str() as text:
        label = text
    case other:
        label = other
y = layers.Dense(4)(x)`,
    shapes: { y: '(None, 4)' },
  },
  {
    construct: 'a class without __init__ called with arguments is not given a value',
    source: 'class Plain:\n    units = 4\np = Plain(8)\ny = layers.Dense(p.units)(x)',
    shapes: { y: "unknown: Dense 'dense' depends on `units`, which is not known (Plain() takes no arguments)" },
  },
  {
    construct: 'a config dict with literal values',
    source: `config = {"units": 32, "layers": [16, 8]}
h = layers.Dense(config["units"])(x)
for width in config["layers"]:
    h = layers.Dense(width)(h)`,
    shapes: { h: '(None, 8)' },
  },
  {
    construct: 'if __name__ == "__main__"',
    source: 'def build():\n    return layers.Dense(4)(x)\nif __name__ == "__main__":\n    y = build()',
    shapes: { y: '(None, 4)' },
  },
  {
    construct: 'a function the file never calls: its body analysed with unknown arguments',
    source: `def build(units, width=64):
    inputs = keras.Input(shape=(28, 28, 1))
    features = layers.Flatten()(inputs)
    hidden = layers.Dense(width)(features)
    return layers.Dense(units)(hidden)`,
    shapes: {
      features: '(None, 784)',
      hidden:
        "unknown: Dense 'dense' depends on `units`, which is not known (argument `width` of build() is not known: the file never calls it)",
    },
  },
  {
    construct: 'a function the file never calls reads a global that a caller may set first: no false "not defined"',
    source: `def configure(units):
    global UNITS
    UNITS = units
def head(t):
    return layers.Dense(UNITS)(t)`,
    shapes: {},
  },
  {
    construct: 'get_layer of a model whose layers are not all known is unknown, not an error',
    source: `import mystery
encoder = mystery.make_encoder()
model = keras.Model(x, encoder(x))
found = model.get_layer("encoder").output`,
    shapes: { found: "unknown: 'encoder' is not among the layers of this model that Tensor Lens knows" },
  },
  {
    construct: 'a method of a class the file never instantiates',
    source: `class Trainer:
    def make(self):
        return layers.Dense(3)(x)
    def fit(self, data):
        logits = self.make()
        ones = tf.ones((2, 8))
        return ones`,
    shapes: { ones: '(2, 8)', logits: 'unknown: `self` of fit() is not known: the file never calls it' },
  },
  {
    construct: 'recursion on a known argument is followed; on an unknown one it stops',
    source: `def deep(t, n):
    if n == 0:
        return t
    return deep(layers.Dense(n)(t), n - 1)
y = deep(x, 3)
def walk(tree):
    if isinstance(tree, (list, tuple)):
        return [walk(tree[0]), walk(tree[1])]
    return tree
import json
z = walk(json.load(open("tree.json")))`,
    shapes: { y: '(None, 1)' },
  },
  {
    construct: 'a loop run an unknown number of times: its body analysed, what it changes unknown after it',
    source: `rows = []
h = x
with open("data.csv") as f:
    for i, line in enumerate(f):
        if i == 0:
            continue
        rows.append([float(v) for v in line.split(",")])
        h = layers.Dense(4)(h)
        inner = h
after = h
table = keras.ops.convert_to_tensor(rows)`,
    shapes: {
      inner: '(None, 4)',
      after: 'unknown: depends on how many times the loop over `enumerate(f)` runs, which cannot be known without running the code',
      table:
        'unknown: `x` of keras.ops.convert_to_tensor() is not known (depends on how many times the loop over `enumerate(f)` runs, which cannot be known without running the code)',
    },
  },
  {
    construct: 'while on a condition not known: the body analysed once',
    source: `import random
h = x
while random.random() < 0.5:
    step = layers.Dense(6)(h)
kept = h`,
    shapes: { step: '(None, 6)', kept: '(None, 8)' },
  },
  {
    construct: 'a list that holds itself',
    source: `class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = []
        self.blocks.append(self.blocks)
        self.out = layers.Dense(2)
    def call(self, t):
        return self.out(t)
y = Net()(x)`,
    shapes: { y: '(None, 2)' },
  },
  {
    construct: 'raise on a branch that cannot be decided: the other way goes on',
    source: `import sys
h = x
if len(sys.argv) > 3:
    raise SystemExit("usage: train.py")
h = layers.Dense(3)(h)`,
    shapes: { h: '(None, 3)' },
  },
  {
    construct: 'raise after a return that may happen: the call may return',
    source: `import sys
def padded(kind, t):
    if kind == "same":
        return t
    if kind == "valid":
        return t
    raise ValueError(f"Unknown padding: {kind}")
y = padded(sys.argv[1], x)`,
    shapes: { y: '(None, 8)' },
  },
  {
    construct: 'try catches what its body raises; the handler runs',
    source: `try:
    raise KeyError("units")
except (ValueError, LookupError):
    units = 3
y = layers.Dense(units)(x)`,
    shapes: { y: '(None, 3)' },
  },
  {
    construct: 'a test asserting an error: what the with block raises is expected',
    source: `import unittest
class T(unittest.TestCase):
    def test_bad_rank(self):
        with self.assertRaises(ValueError):
            layers.Conv2D(4, 3)(x)
        y = layers.Dense(2)(x)
T().test_bad_rank()`,
    shapes: { y: '(None, 2)' },
  },
  {
    construct: 'isinstance of builtin and own classes, and sizes made by format specs and % formatting',
    source: `class Spec: pass
k = 3
if isinstance(k, int):
    k = (k, k)
assert isinstance(Spec(), Spec)
width = int(f"{k[0] * 2:03d}") + int("%d" % 4)
image = keras.Input(shape=(12, 12, 1))
y = layers.Conv2D(width, k)(image)`,
    shapes: { y: '(None, 10, 10, 10)' },
  },
  {
    construct: 'configs as dicts: deepcopy, pop, update, and str methods',
    source: `import copy
DEFAULTS = {"units": 4, "repeats": 2, "name": "block-a"}
cfg = copy.deepcopy(DEFAULTS)
repeats = cfg.pop("repeats")
cfg.update(units=cfg["units"] * 2)
h = x
for i in range(repeats):
    h = layers.Dense(cfg["units"], name=f"{cfg['name'].split('-')[0]}_{i}")(h)
kept = layers.Dense(DEFAULTS["units"] if cfg["name"].startswith("block") else 1)(h)`,
    shapes: { h: '(None, 8)', kept: '(None, 4)' },
  },
  {
    construct: 'np.linspace of known numbers, iterated',
    source: `import numpy as np
rates = [float(r) for r in np.linspace(0.0, 0.3, 4)]
h = x
for rate in rates:
    h = layers.Dropout(rate)(h) if rate else layers.Dense(5)(h)`,
    shapes: { h: '(None, 5)' },
  },
  {
    construct: 'a comprehension too long to follow in the time: unknown, and the file goes on',
    source: `schedule = [max(0.0, 1.0 - step / 4000) * (1 + i % 3) for step in range(4000) for i in range(4000)]
y = layers.Dense(2)(x)`,
    shapes: { y: '(None, 2)' },
  },
];

describe('Python constructs', () => {
  for (const row of rows) {
    it(row.construct, async () => {
      const a = await analyze(`${header}${row.source}\n`);
      for (const [name, shape] of Object.entries(row.shapes)) assert.equal(shapeOf(a, name), shape, name);
      assert.deepEqual([...messages(a, 'error'), ...messages(a, 'warning')], []);
      assert.deepEqual(
        a.diagnostics.filter((d) => d.code === 'analysis-limit').map((d) => d.message),
        [],
        'analysed within its budgets',
      );
    });
  }
});
