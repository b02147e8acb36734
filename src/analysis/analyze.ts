// The analysis of one Python file: parse, interpret, and return the model graph.

import type { ModelGraph } from '../graph/ir.js';
import { defaultLimits, Interpreter, type Limits } from './interpreter.js';
import { PythonParser } from './python/parser.js';

export interface Analysis extends ModelGraph {
  /** Lines blanked to recover from syntax errors (zero-based). */
  readonly skippedLines: readonly number[];
}

export class Analyzer {
  private constructor(private readonly parser: PythonParser) {}

  static async create(): Promise<Analyzer> {
    return new Analyzer(await PythonParser.create());
  }

  analyze(text: string, limits: Limits = defaultLimits): Analysis {
    // LSP counts a lone CR as a line break, tree-sitter does not: make them agree (same length, so offsets hold).
    const { tree, skippedLines } = this.parser.parse(text.replace(/\r(?!\n)/g, '\n'));
    const interpreter = new Interpreter(limits);
    try {
      interpreter.run(tree.rootNode);
    } catch (error) {
      // Statements are isolated one by one; this is a failure around them (e.g. reading the file's names).
      interpreter.graph.report(
        'warning',
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        `Tensor Lens internal error while analysing this file. Please report: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        'internal-error',
      );
    } finally {
      tree.delete();
    }
    return { ...interpreter.graph.finish(), skippedLines };
  }

  dispose(): void {
    this.parser.dispose();
  }
}
