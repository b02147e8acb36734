// The plain copy of the syntax tree (syntax-tree.ts) against web-tree-sitter's
// own nodes, read through its API: every node's type, offsets, positions,
// text, field name and namedness, on files no one here wrote (Keras's sources
// in .venv-conformance, the shipped library) and on text that tests the edges:
// characters beyond the BMP, CRLF, and syntax errors with ERROR and MISSING nodes.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Node as TreeSitterNode } from 'web-tree-sitter';
import { copyTree, type SyntaxNode } from '../../src/analysis/python/syntax-tree.js';
import { locateWasm } from '../../src/analysis/python/wasm-files.js';
import { kerasSourceDirectory } from '../fuzz/corpus/keras-tests.js';

const root = new URL('../..', import.meta.url).pathname;

let parser: Parser | undefined;
async function treeSitter(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init({ locateFile: (name: string) => locateWasm(name) });
  parser = new Parser();
  parser.setLanguage(await Language.load(locateWasm('tree-sitter-python.wasm')));
  return parser;
}

/** The differences between the copy and tree-sitter's tree, as paths of child indices with what differs. */
function differences(expected: TreeSitterNode, actual: SyntaxNode, path = 'root', found: string[] = []): string[] {
  const facts = (n: TreeSitterNode | SyntaxNode) =>
    JSON.stringify([n.type, n.startIndex, n.endIndex, n.startPosition, n.endPosition, n.text, n.children.length, n.namedChildren.length]);
  if (facts(expected) !== facts(actual)) found.push(`${path}: ${facts(expected)} copied as ${facts(actual)}`);
  if (found.length > 5) return found;
  expected.children.forEach((child, i) => {
    const copied = actual.children[i];
    if (!child || !copied) return;
    const field = expected.fieldNameForChild(i);
    if (field && actual.childForFieldName(field) !== copied && !actual.childrenForFieldName(field).includes(copied))
      found.push(`${path}.${i}: field ${field} lost`);
    if (copied.parent !== actual) found.push(`${path}.${i}: parent lost`);
    differences(child, copied, `${path}.${i}`, found);
  });
  expected.namedChildren.forEach((child, i) => {
    if (child && child.startIndex !== actual.namedChildren[i]?.startIndex) found.push(`${path}: named child ${i} differs`);
  });
  return found;
}

async function compare(source: string): Promise<string[]> {
  const tree = (await treeSitter()).parse(source)!;
  try {
    return differences(tree.rootNode, copyTree(tree, source).rootNode);
  } finally {
    tree.delete();
  }
}

function pythonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe('the plain syntax tree', () => {
  it('copies every node of Keras’s own sources as tree-sitter reads them', async function () {
    this.timeout(300_000);
    const keras = kerasSourceDirectory(root);
    if (!keras) {
      process.stdout.write('      NOT RUN: no .venv-conformance with the pinned Keras (see .ci/run)\n');
      this.skip();
    }
    // Every eighth file, in sorted order: a few hundred files, each of a different module.
    const files = pythonFiles(keras).filter((_, i) => i % 8 === 0);
    assert.ok(files.length > 80, `found ${files.length} files`);
    const found: string[] = [];
    for (const file of files) found.push(...(await compare(readFileSync(file, 'utf8'))).map((d) => `${file}: ${d}`));
    assert.deepEqual(found, []);
  });

  it('copies the shipped library and the examples', async () => {
    const files = [...pythonFiles(join(root, 'library')), ...pythonFiles(join(root, 'examples'))];
    assert.ok(files.length > 20, `found ${files.length} files`);
    for (const file of files) assert.deepEqual(await compare(readFileSync(file, 'utf8')), [], file);
  });

  it('counts columns in UTF-16 code units, as tree-sitter does, past emoji and accents', async () => {
    const source = 'café = "😀😀"; x = café\ny = "né" + x  # ünïcode\n';
    assert.deepEqual(await compare(source), []);
    const tree = (await treeSitter()).parse(source)!;
    const copy = copyTree(tree, source);
    tree.delete();
    const x = copy.rootNode.descendantsOfType('identifier').filter((n) => n.text === 'x');
    assert.deepEqual(
      x.map((n) => n.startPosition),
      [
        { row: 0, column: 15 },
        { row: 1, column: 11 },
      ],
    );
  });

  it('keeps CRLF line breaks, ERROR and MISSING nodes as tree-sitter has them', async () => {
    for (const source of [
      'import keras\r\nx = keras.Input((8,))\r\ny = keras.layers.Dense(4)(x\r\nz = (\r\n',
      'def f(:\n    return 1\nclass\nx = [1, 2\n',
      '',
      '\n\n\n',
    ]) {
      assert.deepEqual(await compare(source), [], JSON.stringify(source));
    }
  });
});
