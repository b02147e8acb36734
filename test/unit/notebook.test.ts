// A notebook's code cells as one program: IPython syntax, positions in cells, the order the cells ran in.

import assert from 'node:assert/strict';
import { cellPosition, notebookProgram, programLine, readIpynb } from '../../src/analysis/notebook.js';
import { analyze, bindingsOf, messages, shapeOf } from './helpers/analysis.js';

const cells = (...texts: string[]) => texts.map((text) => ({ text }));

describe('notebooks', () => {
  it('analyses the cells in notebook order, as one program: a name from a cell above is known below', async () => {
    const program = notebookProgram(
      cells(
        'import keras\nfrom keras import layers',
        'x = keras.Input((28, 28, 1))\n',
        'y = layers.Conv2D(8, 3)(x)\nz = layers.Flatten()(y)',
      ),
    );
    assert.deepEqual(program.firstLines, [0, 2, 4]);
    const a = await analyze(program.text);
    assert.deepEqual(messages(a), []);
    assert.equal(shapeOf(a, 'z'), '(None, 5408)');
    const y = bindingsOf(a, 'y')[0]!;
    assert.deepEqual(cellPosition(program, y.range.start.line, y.range.start.character), { cell: 2, line: 0, character: 0 });
    assert.equal(programLine(program, 2, 1), 5);
  });

  it('keeps every line and column, and reads line magics, shell escapes and help as `pass`', async () => {
    const program = notebookProgram(
      cells(
        '%matplotlib inline\n!pip install keras\nimport keras',
        'for units in [4, 8]:\n    %time x = 1\n    !echo hi\nmodel = keras.Sequential\nmodel?\n??keras.layers\ninp = keras.Input((units,))',
      ),
    );
    assert.equal(program.text.split('\n').length, 3 + 7);
    assert.equal(program.text.split('\n')[4], '    pass');
    const a = await analyze(program.text);
    assert.deepEqual(messages(a), []);
    assert.equal(shapeOf(a, 'inp'), '(None, 8)');
    assert.equal(bindingsOf(a, 'inp')[0]!.range.start.character, 0);
  });

  it('analyses the body of %%time and %%capture, and leaves out cells of other cell magics', async () => {
    const program = notebookProgram(
      cells(
        'import keras',
        '\n%%time\nx = keras.Input((3,))',
        '%%bash\nfor f in *.py; do echo "$f"; done',
        '%%writefile model.py\nx = keras.Input((5,))',
        '%%capture out\ny = keras.layers.Dense(2)(x)',
      ),
    );
    const a = await analyze(program.text);
    assert.deepEqual(messages(a), []);
    assert.equal(shapeOf(a, 'x'), '(None, 3)');
    assert.equal(shapeOf(a, 'y'), '(None, 2)');
    assert.equal(bindingsOf(a, 'x').length, 1);
  });

  it('maps every line of a notebook of many cells, empty ones included, to its cell', () => {
    const texts = Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 3 ? '' : Array.from({ length: (i % 4) + 1 }, (_, l) => `x${i}_${l} = ${l}`).join('\n'),
    );
    const program = notebookProgram(cells(...texts));
    const lines = program.text.split('\n');
    assert.equal(
      lines.length,
      texts.reduce((n, t) => n + t.split('\n').length, 0),
    );
    for (let line = 0; line < lines.length; line += 37) {
      const at = cellPosition(program, line, 2);
      assert.equal(texts[at.cell]!.split('\n')[at.line], lines[line], `line ${line}`);
      assert.equal(programLine(program, at.cell, at.line), line);
    }
  });

  it('keeps the cells below a half-typed cell analysed: the open bracket does not swallow them', async () => {
    const program = notebookProgram(cells('import keras\nx = keras.Input((3,)', 'y = keras.layers.Dense(2)(keras.Input((4,)))', 'z = y'));
    const a = await analyze(program.text);
    assert.equal(shapeOf(a, 'y'), '(None, 2)');
    assert.equal(shapeOf(a, 'z'), '(None, 2)');
    assert.equal(bindingsOf(a, 'y')[0]!.range.start.line, program.firstLines[1]);
  });

  it('says so when the execution counts show another order than the notebook', () => {
    const ran = (...counts: (number | null)[]) => notebookProgram(counts.map((executionCount) => ({ text: 'pass', executionCount })));
    assert.equal(ran(1, 2, null, 5).orderNote, undefined);
    assert.equal(
      ran(3, 1, null, 2).orderNote,
      'Analysed in notebook order, top to bottom: the cells last ran in another order (execution counts [3], [1], [2]).',
    );
    assert.match(ran(2, 2).orderNote ?? '', /\[2\], \[2\]/);
  });

  it('reads the code cells of an .ipynb file, and says what is wrong with one that is not', () => {
    const notebook = {
      cells: [
        { cell_type: 'markdown', source: ['# Title'] },
        { cell_type: 'code', execution_count: 4, source: ['import keras\n', 'x = 1'], outputs: [] },
        { cell_type: 'code', execution_count: null, source: 'y = 2', outputs: [] },
      ],
      metadata: { language_info: { name: 'python' } },
      nbformat: 4,
    };
    assert.deepEqual(readIpynb(JSON.stringify(notebook)), [
      { text: 'import keras\nx = 1', index: 1, executionCount: 4 },
      { text: 'y = 2', index: 2, executionCount: null },
    ]);
    assert.throws(() => readIpynb('{"cells": '), /^Error: it is not a Jupyter notebook: not JSON \(/);
    assert.throws(() => readIpynb('{"worksheets": []}'), /^Error: it is not a Jupyter notebook: it has no list of "cells"$/);
    assert.throws(
      () => readIpynb(JSON.stringify({ ...notebook, metadata: { kernelspec: { language: 'R' } } })),
      /its kernel runs R, not Python/,
    );
    assert.throws(() => readIpynb('{"cells": [{"cell_type": "code", "source": 3}]}'), /^Error: cell 1 has no text source$/);
  });
});
