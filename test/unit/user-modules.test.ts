// The user's own modules, read from disk (never run) as Python imports them: a
// project split over files, in a temporary folder, analysed from its main file.
// The expected shapes and params are Keras 3.15.1's (jax) for the same files.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Analysis } from '../../src/analysis/analyze.js';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import { madeIn } from '../../src/graph/report.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { analyzer, bindingsOf, messages, shapeOf } from './helpers/analysis.js';

/** Writes the files of a project (path → text) to a fresh folder and returns its path. */
function project(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'tensor-lens-modules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}

async function analyzeIn(folder: string, main: string, searchRoots: string[] = []): Promise<Analysis> {
  const file = join(folder, main);
  const { readFileSync } = await import('node:fs');
  return (await analyzer()).analyze(readFileSync(file, 'utf8'), undefined, { file, searchRoots, sources: diskSources() });
}

const blocks = `import keras
from keras import layers


def conv_block(x, filters, kernel_size=3):
    x = layers.Conv2D(filters, kernel_size, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)
`;

describe("the user's own modules", () => {
  const folders: string[] = [];
  const make = (files: Record<string, string>): string => {
    const folder = project(files);
    folders.push(folder);
    return folder;
  };
  after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('a model split over three modules: every tensor known, named where it was made, summarised as Keras does', async () => {
    const folder = make({
      'blocks.py': blocks,
      'nets/__init__.py': 'from .heads import classifier_head\n',
      'nets/heads.py': `from keras import layers
from blocks import conv_block

NUM_CLASSES = 10

def classifier_head(x, units=NUM_CLASSES):
    x = conv_block(x, 8)
    x = layers.GlobalAveragePooling2D()(x)
    return layers.Dense(units, activation="softmax")(x)
`,
      'train.py': `import keras
import blocks
from blocks import conv_block
from nets import classifier_head
import nets.heads as heads

inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 16)
x = blocks.conv_block(x, 32, kernel_size=5)
outputs = classifier_head(x, heads.NUM_CLASSES)
model = keras.Model(inputs, outputs)
`,
    });
    const a = await analyzeIn(folder, 'train.py');
    assert.deepEqual(messages(a), []);
    assert.deepEqual(
      bindingsOf(a, 'x').map((b) => shapeOf({ ...a, bindings: [b] }, 'x')),
      ['(None, 32, 32, 16)', '(None, 32, 32, 32)'],
    );
    assert.equal(shapeOf(a, 'outputs'), '(None, 10)');
    const outputs = bindingsOf(a, 'outputs')[0]!.value as { tensor: number };
    assert.deepEqual(madeIn(a, outputs.tensor), { module: 'nets/heads.py', line: 9 });
    // Only the file's own names are its bindings: none from the modules' lines.
    assert.deepEqual([...new Set(a.bindings.map((b) => b.name))], ['inputs', 'x', 'outputs', 'model']);
    const summary = summarizeModel(a, a.models[0]!);
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} ${r.params}`),
      [
        'input_layer 0',
        'conv2d 448',
        'batch_normalization 64',
        'activation 0',
        'conv2d_1 12832',
        'batch_normalization_1 128',
        'activation_1 0',
        'conv2d_2 2312',
        'batch_normalization_2 32',
        'activation_2 0',
        'global_average_pooling2d 0',
        'dense 90',
      ],
    );
    assert.equal(summary.totalParams, 15906);
    assert.deepEqual(a.modules.map((path) => path.slice(folder.length + 1)).sort(), ['blocks.py', 'nets/__init__.py', 'nets/heads.py']);
  });

  it('an error inside a helper, for the arguments the file gives it, is reported on the call in the file', async () => {
    const folder = make({
      'blocks.py': blocks,
      'train.py': 'import keras\nfrom blocks import conv_block\nbad = conv_block(keras.Input(shape=(4,)), 8)\n',
    });
    const a = await analyzeIn(folder, 'train.py');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.range.start.line, d.severity, d.message]),
      [
        [
          2,
          'error',
          "Input 0 of layer 'conv2d' is incompatible with the layer: expected min_ndim=4, found ndim=2. Full shape received: (None, 4) (in blocks.py, line 6)",
        ],
      ],
    );
  });

  it('relative imports, `from . import`, packages without __init__.py, `__all__` and `import *`', async () => {
    const folder = make({
      'app/main.py': `import keras
from lib import *
from lib.sub import helper as h2
import lib.sub
x = keras.Input((4,))
y = helper(x)
z = lib.sub.helper(x)
q = h2(x)
`,
      'lib/__init__.py': 'from .sub import helper\n__all__ = ["helper"]\n',
      'lib/sub.py': 'from keras import layers\nfrom . import consts\ndef helper(t):\n    return layers.Dense(consts.UNITS)(t)\n',
      'lib/consts.py': 'UNITS = 3\n',
      'ns/only.py': 'SIZE = 5\n',
      'app/uses_namespace.py': 'import keras\nimport ns.only\ny = keras.layers.Dense(ns.only.SIZE)(keras.Input((2,)))\n',
    });
    // `lib` is found through a search root (the workspace folder), not the file's own folder.
    const a = await analyzeIn(folder, 'app/main.py', [folder]);
    assert.deepEqual(messages(a), []);
    for (const name of ['y', 'z', 'q']) assert.equal(shapeOf(a, name), '(None, 3)', name);
    const b = await analyzeIn(folder, 'app/uses_namespace.py', [folder]);
    assert.equal(shapeOf(b, 'y'), '(None, 5)');
    const without = await analyzeIn(folder, 'app/main.py');
    assert.match(shapeOf(without, 'y'), /^unknown: /);
    assert.deepEqual(without.unresolvedImports, ['lib', 'lib.sub']);
  });

  it("modules that import each other terminate, each running once; a module's __main__ block does not run", async () => {
    const folder = make({
      'a.py': 'import keras\nimport b\nWIDTH = 7\nx = keras.Input((4,))\ny = b.dense(x)\n',
      'b.py': `import keras
import a
def dense(t):
    return keras.layers.Dense(a.WIDTH)(t)
if __name__ == "__main__":
    raise SystemExit(undefined_name)
`,
    });
    const a = await analyzeIn(folder, 'a.py');
    assert.equal(shapeOf(a, 'y'), '(None, 7)');
    assert.deepEqual(messages(a), []);
  });

  it('a name a module does not define, a missing submodule, an unreadable module: unknown with the reason, no false alarm', async () => {
    const folder = make({
      'helpers.py': 'UNITS = 4\n',
      'pkg/__init__.py': '',
      'main.py':
        'import keras\nimport helpers\nimport pkg.absent\nfrom helpers import nothing\nv = helpers.other\nx = keras.Input((helpers.UNITS,))\nw = keras.layers.Dense(nothing)(x)\n',
    });
    const a = await analyzeIn(folder, 'main.py');
    assert.deepEqual(messages(a), []);
    assert.equal(shapeOf(a, 'v'), 'unknown: helpers.py defines no `other` that Tensor Lens can see');
    assert.equal(shapeOf(a, 'x'), '(None, 4)');
    assert.equal(
      shapeOf(a, 'w'),
      "unknown: Dense 'dense' depends on `units`, which is not known (helpers.py defines no `nothing` that Tensor Lens can see)",
    );
  });

  it('an API name wins over a file of the project with the same name (a vendored keras/ folder is not read)', async () => {
    const folder = make({
      'keras/__init__.py': 'raise ImportError("not this one")\n',
      'main.py': 'import keras\ny = keras.layers.Dense(2)(keras.Input((3,)))\n',
    });
    const a = await analyzeIn(folder, 'main.py');
    assert.equal(shapeOf(a, 'y'), '(None, 2)');
    assert.deepEqual(a.modules, []);
  });
});
