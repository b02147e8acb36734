// What real files written by others did to the analysis: each case is the
// minimal file of a failure seen on real code, checked from the user's side.

import assert from 'node:assert/strict';
import { defaultLimits } from '../../src/analysis/limits.js';
import { layerEntry } from '../../src/analysis/keras/registry.js';
import type { LayerRule } from '../../src/analysis/keras/rule.js';
import { buildReport } from '../../src/graph/report.js';
import { renderSummary } from '../../src/cli/render.js';
import { analyze, analyzer, bindingsOf, messages, modelNamed, shapeOf, summaryRows, where } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\n';

describe('real code', () => {
  describe('never shown wrong', () => {
    const source = `${header}import tensorflow_hub as hub
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3), hub.KerasLayer("https://tfhub.dev/x"), layers.Flatten(), layers.Dense(10)])
`;

    it('lists the layers after an item it does not understand with unknown shapes and params', async () => {
      const summary = modelNamed(await analyze(source), 'sequential');
      assert.deepEqual(summaryRows(summary), [
        'conv2d (Conv2D) (None, 26, 26, 8) 80',
        '? (?) ? ?',
        'flatten (Flatten) ? ?',
        'dense (Dense) ? ?',
      ]);
      assert.equal(summary.totalParams, null);
      assert.equal(summary.knownParams, 80);
      assert.match(summary.unknownReason!, /tensorflow_hub/);
    });

    it('prints the total as a lower bound, and says from where the model is not analysed', async () => {
      const text = renderSummary(buildReport('m.py', await analyze(source)));
      assert.match(text, /Total params: at least 80 \(320\.00 B; a size is not known statically\)/);
      assert.match(text, /not analysed from the layer marked \?: `tensorflow_hub` is imported from a module/);
      assert.doesNotMatch(text, /5408|54,090/);
    });

    it('keeps layers added after the unknown item unknown too', async () => {
      const a = await analyze(`${header}import tensorflow_hub as hub
model = keras.Sequential()
model.add(keras.Input(shape=(4,)))
model.add(layers.Dense(3))
model.add(hub.KerasLayer("https://tfhub.dev/x"))
model.add(layers.Dense(2))
y = model.output
`);
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential')), ['dense (Dense) (None, 3) 15', '? (?) ? ?', 'dense_1 (Dense) ? ?']);
      assert.notEqual(shapeOf(a, 'y'), '(None, 2)');
    });
  });

  it('gives no length to a list it cannot count (a comprehension over an unknown, an undecidable filter, a huge repeat): its len() is a size known at run time', async () => {
    const a = await analyze(`${header}import sys
unknown_items = [c for c in sys.argv]
maybe = [c for c in [1, 2, 3] if c > len(sys.argv)]
known = [c * 2 for c in [1, 2, 3] if c > 1]
huge = [0] * 2_000_000
text = "ab" * 10**9
inp = keras.Input(shape=(len(known), len(unknown_items)))
filtered = keras.Input(shape=(len(maybe),))
named = keras.Input(shape=(len(text),))
`);
    assert.equal(shapeOf(a, 'inp'), '(None, 2, len(unknown_items))');
    assert.equal(shapeOf(a, 'filtered'), '(None, len(maybe))');
    assert.equal(shapeOf(a, 'named'), '(None, len(text))');
    const b = await analyze(`${header}known = [c * 2 for c in [1, 2, 3] if c > 1]
huge = [0] * 2_000_000
inp = keras.Input(shape=(len(known), 4))
bad = keras.Input(shape=(len(huge),))
`);
    assert.equal(shapeOf(b, 'inp'), '(None, 2, 4)');
    assert.equal(shapeOf(b, 'bad'), '(None, len(huge))');
    assert.deepEqual(
      b.diagnostics.filter((d) => d.code === 'internal-error'),
      [],
    );
  });

  describe('isolation', () => {
    it('makes an InputLayer inside a Sequential, also in a subclassed model', async () => {
      const a = await analyze(`${header}
class M(keras.Model):
    def __init__(self):
        super().__init__()
        self.body = keras.Sequential([layers.InputLayer(shape=(4,)), layers.Dense(3)])
    def call(self, x):
        return self.body(x)
legacy = keras.Sequential([layers.InputLayer(input_shape=(4,)), layers.Dense(5)])
y = M()(keras.Input(shape=(4,)))
`);
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential')), ['dense (Dense) (None, 5) 25']);
      assert.equal(shapeOf(a, 'y'), '(None, 3)');
      assert.deepEqual(messages(a, 'warning'), []);
    });

    it('turns a failure of the analysis on one statement into a diagnostic there, and goes on', async () => {
      const rule = layerEntry('Dense')!.rule as { compute: LayerRule['compute'] };
      const compute = rule.compute;
      rule.compute = () => {
        throw new TypeError("Cannot read properties of undefined (reading 'slice')");
      };
      try {
        const a = await analyze(`${header}inp = keras.Input(shape=(8,))
d = layers.Dense(4)(inp)
c = layers.Conv1D(2, 3)(layers.Reshape((8, 1))(inp))
`);
        const internal = a.diagnostics.filter((d) => d.code === 'internal-error');
        assert.equal(internal.length, 1);
        assert.equal(where(internal[0]!), '4:1-4:25');
        assert.match(
          internal[0]!.message,
          /^Tensor Lens internal error .*Please report: TypeError: Cannot read properties of undefined \(reading 'slice'\)/,
        );
        assert.equal(shapeOf(a, 'c'), '(None, 6, 2)');
      } finally {
        rule.compute = compute;
      }
    });
  });

  describe('budgets', () => {
    it('counts loop iterations with an empty body as work: a half-typed endless loop stops', async () => {
      const a = (await analyzer()).analyze(
        `${header}x = keras.Input(shape=(3,))
while True:
    for t in range(1, 10000):
        # the body is still to be written
after = layers.Dense(2)(x)
`,
        { ...defaultLimits, maxSteps: 50_000, maxMilliseconds: 600_000 },
      );
      assert.equal(shapeOf(a, 'x'), '(None, 3)');
      const limit = a.diagnostics.filter((d) => d.code === 'analysis-limit');
      assert.deepEqual(
        limit.map((d) => [where(d), d.severity, d.message]),
        [
          [
            '4:1-6:42',
            'information',
            'Analysis stopped after 50,000 steps: the file is too large or loops too long to analyse completely. What comes before this statement is analysed; the rest is not.',
          ],
        ],
      );
    });

    it('stops a loop that takes more than its share of the time budget, and analyses what comes after it', async () => {
      const a = (await analyzer()).analyze(
        `${header}first = layers.Dense(3)(keras.Input(shape=(4,)))
x = keras.Input(shape=(4,))
for epoch in range(10000):
    for step in range(10000):
        x = layers.Dense(4)(x)
after = x
last = layers.Dense(2)(keras.Input(shape=(3,)))
`,
        { ...defaultLimits, maxMilliseconds: 200 },
      );
      assert.equal(shapeOf(a, 'first'), '(None, 3)');
      assert.equal(shapeOf(a, 'last'), '(None, 2)');
      assert.match(shapeOf(a, 'after'), /^unknown: depends on iterations of the loop on line \d+ that were not analysed/);
      assert.deepEqual(
        a.diagnostics.filter((d) => d.code === 'analysis-limit'),
        [],
      );
      assert.ok(
        a.diagnostics.some((d) =>
          /^This loop takes more time than the analysis has for it: it is analysed for its first [\d,]+ iterations/.test(d.message),
        ),
      );
    });

    it('stops on its time budget, whatever a step costs, and keeps what it found', async () => {
      const a = (await analyzer()).analyze(
        `${header}first = layers.Dense(3)(keras.Input(shape=(4,)))
x = keras.Input(shape=(4,))
${Array.from({ length: 400 }, (_, i) => `for step in range(300):\n    x${i} = layers.Dense(4)(x)`).join('\n')}
`,
        { ...defaultLimits, maxMilliseconds: 200 },
      );
      assert.equal(shapeOf(a, 'first'), '(None, 3)');
      assert.deepEqual(
        a.diagnostics.filter((d) => d.code === 'analysis-limit').map((d) => d.message),
        [
          'Analysis stopped after 200 ms: the file is too large or loops too long to analyse completely. What comes before this statement is analysed; the rest is not.',
        ],
      );
    });
  });

  it('analyses a 5 MB file up to the top-level statement before 400,000 characters, and says where it stopped', async () => {
    let text = `${header}x = keras.Input(shape=(8,))\n`;
    for (let i = 0; text.length < 5_000_000; i++)
      text += `def block_${i}(t):\n    return layers.Dense(${(i % 50) + 1})(t)\ny${i} = block_${i}(x)\n`;
    const a = (await analyzer()).analyze(text, { ...defaultLimits, maxMilliseconds: 600_000 });
    const [cut] = a.diagnostics.filter((d) => d.message.startsWith('This file is longer than'));
    assert.equal(
      cut!.message,
      'This file is longer than 400,000 characters: Tensor Lens analyses what comes before this line, and nothing from here on.',
    );
    const lines = text.split('\n');
    const analysed = lines.slice(0, cut!.range.start.line).join('\n').length + 1;
    assert.ok(analysed <= 400_000 && analysed > 399_000, `cut after ${analysed} characters`);
    assert.match(lines[cut!.range.start.line]!, /^(def|y\d+ =) /);
    assert.equal(shapeOf(a, 'y0'), '(None, 1)');
  });

  it('gives a layer called on an empty list no shape, instead of failing', async () => {
    const a = await analyze(`${header}pooled = layers.MaxPooling2D(pool_size=2, strides=2)([])\n`);
    assert.equal(shapeOf(a, 'pooled'), "unknown: layer 'max_pooling2d' was called on an empty list");
  });

  it('counts a lone CR as a line break, as LSP does', async () => {
    const a = await analyze('import keras\rfrom keras import layers\rinp = keras.Input(shape=(3,))\rout = layers.Dense(2)(inp)\r');
    const [out] = bindingsOf(a, 'out');
    assert.equal(shapeOf(a, 'out'), '(None, 2)');
    assert.deepEqual(out!.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } });
  });
});
