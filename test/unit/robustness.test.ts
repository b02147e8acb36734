// Bad input never hurts: half-typed code, garbage, absurd sizes and huge files
// are analysed without an exception, within bounded time and memory.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLimits } from '../../src/analysis/limits.js';
import { PythonParser } from '../../src/analysis/python/parser.js';
import { collectAssignedNames } from '../../src/analysis/python/syntax.js';
import { analyze, analyzer, examplesDirectory, fixturesDirectory, shapeOf } from './helpers/analysis.js';

function pythonFiles(directory: string): [string, string][] {
  return readdirSync(directory)
    .filter((f) => f.endsWith('.py'))
    .map((f) => [f, readFileSync(join(directory, f), 'utf8')]);
}

describe('robustness', () => {
  const files = [...pythonFiles(fixturesDirectory), ...pythonFiles(examplesDirectory)];

  it('has fixtures to cut', () => {
    assert.ok(files.length >= 4, `found ${files.length} files`);
  });

  for (const [name, text] of files) {
    it(`analyses every line-prefix of ${name}`, async () => {
      const lines = text.split('\n');
      for (let n = 0; n <= lines.length; n++) await analyze(lines.slice(0, n).join('\n'));
    });
  }

  for (const name of ['seed_method1_k_function.py', 'seed_method3_subclassing.py']) {
    it(`analyses every character-prefix of ${name}`, async () => {
      const text = readFileSync(join(examplesDirectory, name), 'utf8');
      for (let n = 0; n <= text.length; n++) await analyze(text.slice(0, n));
    });
  }

  it('keeps the rest of the file when one line is half-typed', async () => {
    const a = await analyze(`import keras
from keras import layers
inp = keras.Input((32,))
x = layers.Dense(
y = layers.Dense(8)(inp)
z = layers.Dense(4)(y)`);
    assert.equal(shapeOf(a, 'z'), '(None, 4)');
    assert.deepEqual(a.skippedLines, [3]);
  });

  it('survives garbage', async () => {
    const garbage = [
      '\u0000\u0001\u0002',
      '))))(((([[[{{{',
      'def def def',
      'class',
      'x = = = 3',
      '\t\t  \n\n\t',
      '"""unterminated',
      'é = "日本"\nx = é',
      'lambda: lambda: lambda',
      '@@@\n@decorator\n',
    ];
    for (const text of garbage) await analyze(text);
    let random = 12345;
    const next = (): number => (random = (random * 1103515245 + 12345) % 2 ** 31);
    const alphabet = 'abcxyz_0123456789()[]{}:,.=+-*/\'" \n\tkerasDense';
    for (let i = 0; i < 200; i++) {
      await analyze(Array.from({ length: 200 }, () => alphabet[next() % alphabet.length]).join(''));
    }
  });

  it('handles absurd sizes without allocating them', async () => {
    const a = await analyze(`import keras
from keras import layers
x = keras.Input((10**6, 10**6))
y = layers.Dense(10**12)(x)
z = layers.Reshape((-1,))(y)`);
    assert.equal(shapeOf(a, 'y'), `(None, 1000000, 1000000000000)`);
    assert.equal(a.layers.find((l) => l.className === 'Dense')!.params, 1e6 * 1e12 + 1e12);
  });

  it('stops a file that is too large to analyse with a warning, keeping what it found', async () => {
    const source = ['import keras', 'from keras import layers', 'x = keras.Input((4,))', 'first = layers.Dense(3)(x)'];
    for (let i = 0; i < 20; i++) source.push('for i in range(1000):', '    x = layers.Dense(4)(x)');
    const a = (await analyzer()).analyze(source.join('\n'), { ...defaultLimits, maxSteps: 5_000 });
    assert.deepEqual(
      a.diagnostics.filter((d) => d.code === 'analysis-limit').map((d) => d.message),
      [
        'Analysis stopped after 5,000 steps: the file is too large or loops too long to analyse completely. What comes before this statement is analysed; the rest is not.',
      ],
    );
    assert.equal(shapeOf(a, 'first'), '(None, 3)');
  });

  it('analyses deep expressions and long lines: beyond a depth they are unknown, not a crash', async () => {
    const dense = (expression: string): string => `import keras\ninp = keras.Input((2,))\nd = keras.layers.Dense(${expression})(inp)`;
    const shallow = await analyze(dense(`${'('.repeat(150)}1${')'.repeat(150)}`));
    assert.equal(shapeOf(shallow, 'd'), '(None, 1)');
    const deep = await analyze(dense(`${'('.repeat(5000)}1${')'.repeat(5000)}`));
    assert.match(shapeOf(deep, 'd'), /^unknown: /);
    const shortSum = await analyze(dense(Array.from({ length: 100 }, () => '1').join(' + ')));
    assert.equal(shapeOf(shortSum, 'd'), '(None, 100)');
    const longSum = await analyze(dense(Array.from({ length: 5000 }, () => '1').join(' + ')));
    assert.match(shapeOf(longSum, 'd'), /^unknown: /);
    const nestedBlocks = await analyze(
      Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}if True:`).join('\n') + `\n${' '.repeat(3000)}pass`,
    );
    assert.ok(nestedBlocks.diagnostics.every((d) => d.code === 'analysis-limit'));
  });

  it('reads the names a module of 199,000 statements assigns (as many as the character limit allows)', async () => {
    const parser = await PythonParser.create();
    try {
      const { tree } = parser.parse(`${'x\n'.repeat(199_000)}y = 1\n`);
      assert.equal(tree.rootNode.children.length, 199_001);
      assert.deepEqual([...collectAssignedNames(tree.rootNode, Infinity)!], ['y']);
    } finally {
      parser.dispose();
    }
  });
});
