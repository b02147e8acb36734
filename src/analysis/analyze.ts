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
    const { tree, skippedLines } = this.parser.parse(text);
    try {
      const interpreter = new Interpreter(limits);
      interpreter.run(tree.rootNode);
      return { ...interpreter.graph.finish(), skippedLines };
    } finally {
      tree.delete();
    }
  }

  dispose(): void {
    this.parser.dispose();
  }
}
