// `raise`, as Python runs it: where it is certain to run, the code around it
// stops and the error is reported, on the `raise` in the file, or on the file's
// call into the module that raised (Keras's own argument checks in
// keras.applications among them); where it may not run, or a `try` or
// `assertRaises` catches it, nothing is reported and the analysis goes on.

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import { analyze, analyzer, messages, shapeOf, where } from './helpers/analysis.js';

interface Case {
  readonly name: string;
  /** `⟦…⟧` marks the text the error is on; no marks, no error. */
  readonly source: string;
  readonly error?: string;
  /** Analysed as a file on disk, in a folder of its own (relative paths are looked for there). */
  readonly onDisk?: boolean;
  /** Names and the shapes (or unknown reasons) they end with. */
  readonly shapes?: Readonly<Record<string, string>>;
}

const cases: Case[] = [
  {
    name: "a function that raises for its arguments: reported on the raise, the statement's names unknown",
    source: `import keras
def checked(units):
    if units <= 0:
        ⟦raise ValueError(f"units must be positive, got {units}")⟧
    return keras.layers.Dense(units)
layer = checked(-2)
x = keras.Input(shape=(4,))
y = checked(3)(x)`,
    error: 'ValueError: units must be positive, got -2',
    shapes: { y: '(None, 3)' },
  },
  {
    name: "Keras's own check in keras.applications, reported on the file's call with where Keras raised",
    source: `import keras
base = ⟦keras.applications.VGG16(weights="imagenet", classes=10)⟧
x = base.output`,
    error:
      "ValueError: If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes=10 (raised in keras/src/applications/vgg16.py, line 105)",
    shapes: {
      base: "unknown: the call raises ValueError: If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes=10 (raised in keras/src/applications/vgg16.py, line 105)",
    },
  },
  {
    name: 'an input too small for the architecture: the minimum Keras checks, not a shape error deeper in',
    source: `import keras
base = ⟦keras.applications.ResNet50(include_top=False, weights=None, input_shape=(16, 16, 3))⟧`,
    error:
      'ValueError: Input size must be at least 32x32; Received: input_shape=(16, 16, 3) (raised in keras/src/applications/imagenet_utils.py, line 393)',
  },
  {
    name: 'a weights file not found now: not reported, as the code may save it before it loads it',
    source: `import keras
base = keras.applications.MobileNetV2(weights="no_such.weights.h5")`,
    onDisk: true,
  },
  {
    name: 'caught by a handler of its class or a base of it',
    source: `try:
    raise FileNotFoundError("weights.h5")
except OSError:
    found = False`,
  },
  {
    name: 'not caught by a handler of another class: reported, and the handler does not run',
    source: `import keras
try:
    ⟦raise TypeError("expected a tensor")⟧
except ValueError:
    y = keras.Input(shape=(2,))`,
    error: 'TypeError: expected a tensor',
  },
  {
    name: 'in a function the file never calls',
    source: `def not_yet(x):
    raise NotImplementedError("subclasses implement this")`,
  },
  {
    name: 'in pytest.raises',
    source: `import pytest
import keras
def test_rank():
    with pytest.raises(ValueError, match="ndim"):
        keras.layers.Conv2D(4, 3)(keras.Input(shape=(8,)))
test_rank()`,
  },
];

function unmarked(source: string): string {
  return source.replace(/[⟦⟧]/g, '');
}

/** Where the marks are, as `line:character-line:character` (1-based), as where() prints a diagnostic. */
function marked(source: string): string | undefined {
  const start = source.indexOf('⟦');
  if (start < 0) return undefined;
  const position = (offset: number): string => {
    const before = source.slice(0, offset).replace(/[⟦⟧]/g, '').split('\n');
    return `${before.length}:${before.at(-1)!.length + 1}`;
  };
  return `${position(start)}-${position(source.indexOf('⟧'))}`;
}

describe('Python exceptions', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const a = c.onDisk
        ? (await analyzer()).analyze(unmarked(c.source), undefined, {
            file: join(tmpdir(), 'tensor-lens-exceptions', 'model.py'),
            searchRoots: [],
            sources: diskSources(),
          })
        : await analyze(unmarked(c.source));
      const errors = a.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => `${where(d)} ${d.message}`),
        c.error === undefined ? [] : [`${marked(c.source)} ${c.error}`],
      );
      assert.deepEqual(messages(a, 'warning'), []);
      for (const [name, shape] of Object.entries(c.shapes ?? {})) assert.equal(shapeOf(a, name), shape, name);
    });
  }
});
