// Python parsing with web-tree-sitter. Error-tolerant by construction: when a
// half-typed line makes the grammar swallow the rest of the file into an ERROR
// node, that line is blanked (offsets kept) and the file parsed again, so the
// analysis of every other line survives. The analysis reads the final tree as a
// plain copy (syntax-tree.ts).

import { Language, Parser, type Node as TreeSitterNode, type Tree as TreeSitterTree } from 'web-tree-sitter';
import { copyTree, type SyntaxNode, type SyntaxTree } from './syntax-tree.js';
import { locateWasm } from './wasm-files.js';

export type { SyntaxNode as Node, SyntaxTree as Tree };

export interface ParsedSource {
  readonly tree: SyntaxTree;
  /** Zero-based lines that were blanked to recover from syntax errors. */
  readonly skippedLines: readonly number[];
}

const maxRecoveries = 8;

export class PythonParser {
  private constructor(private readonly parser: Parser) {}

  static async create(): Promise<PythonParser> {
    await Parser.init({ locateFile: (name: string) => locateWasm(name) });
    const language = await Language.load(locateWasm('tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return new PythonParser(parser);
  }

  /** Recovers from syntax errors by parsing again, until `deadline` (a `performance.now()` time). */
  parse(text: string, deadline = Infinity): ParsedSource {
    const skippedLines: number[] = [];
    let tree = this.parseText(text);
    for (let attempt = 0; attempt < maxRecoveries && performance.now() < deadline; attempt++) {
      const swallowing = tree.rootNode.children.find((child) => child?.type === 'ERROR' && spansLines(child));
      if (!swallowing) break;
      const line = swallowing.startPosition.row;
      tree.delete();
      text = blankLine(text, line);
      skippedLines.push(line);
      tree = this.parseText(text);
    }
    try {
      return { tree: copyTree(tree, text), skippedLines };
    } finally {
      tree.delete();
    }
  }

  private parseText(text: string): TreeSitterTree {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  dispose(): void {
    this.parser.delete();
  }
}

function spansLines(node: TreeSitterNode): boolean {
  return node.endPosition.row > node.startPosition.row;
}

/** Replaces the characters of one line by spaces, so every offset stays valid. */
function blankLine(text: string, line: number): string {
  let start = 0;
  for (let i = 0; i < line; i++) start = text.indexOf('\n', start) + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}
