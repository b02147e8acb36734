// The analysis of one Python file: parse, interpret, and return the model graph.

import type { ModelGraph } from '../graph/ir.js';
import { errorText } from './internal-error.js';
import { Interpreter } from './interpreter.js';
import { defaultLimits, type Limits } from './limits.js';
import type { ModuleLoader } from './modules/module-context.js';
import { libraryImports } from './modules/library-sources.js';
import type { ImportContext } from './modules/module-sources.js';
import { ParsedModules } from './modules/parsed-modules.js';
import { PythonParser } from './python/parser.js';
import { hdf5DeferredReads, loadHdf5 } from './saved-models/hdf5.js';

export interface Analysis extends ModelGraph {
  /** Lines blanked to recover from syntax errors (zero-based). */
  readonly skippedLines: readonly number[];
  /** The files of the user's modules the analysis read: a change to one changes this analysis. */
  readonly modules: readonly string[];
  /** Imports of modules that are neither an API Tensor Lens models nor a file it found: a file created may be one. */
  readonly unresolvedImports: readonly string[];
  /** Whether it met an HDF5 file before the HDF5 library had loaded: analysed again once it has (loadHdf5), it reads it. */
  readonly waitsForHdf5: boolean;
}

export class Analyzer {
  private readonly parsedModules: ParsedModules;

  private constructor(private readonly parser: PythonParser) {
    this.parsedModules = new ParsedModules(parser);
  }

  static async create(): Promise<Analyzer> {
    return new Analyzer(await PythonParser.create());
  }

  /** `imports`: where the file is and where its imports are searched; without it, no module of the user's is read. */
  analyze(text: string, limits: Limits = defaultLimits, imports?: ImportContext): Analysis {
    const started = performance.now();
    const deferredBefore = hdf5DeferredReads();
    // LSP counts a lone CR as a line break, tree-sitter does not: make them agree (same length, so offsets hold).
    const source = boundedSource(text.replace(/\r(?!\n)/g, '\n'), limits.maxSourceCharacters);
    const deadline = started + limits.maxMilliseconds / 2;
    const { tree, skippedLines } = this.parser.parse(source.text, deadline);
    const loader: ModuleLoader | undefined = imports && {
      imports,
      parse: (path) => this.parsedModules.parse(path, imports.sources, limits.maxSourceCharacters, deadline),
    };
    const library = libraryImports();
    const libraryLoader: ModuleLoader = {
      imports: library,
      parse: (path) => this.parsedModules.parse(path, library.sources, limits.maxSourceCharacters, deadline),
    };
    const interpreter = new Interpreter(limits, loader, libraryLoader);
    if (source.cutAtLine !== undefined) {
      const line = source.cutAtLine;
      interpreter.graph.report(
        'information',
        { start: { line, character: 0 }, end: { line, character: 0 } },
        `This file is longer than ${limits.maxSourceCharacters.toLocaleString('en-US')} characters: Tensor Lens analyses what comes before this line, and nothing from here on.`,
        'analysis-limit',
      );
    }
    try {
      interpreter.run(tree.rootNode, started);
    } catch (error) {
      // Statements are isolated one by one; this is a failure around them (e.g. reading the file's names).
      interpreter.graph.report(
        'warning',
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        `Tensor Lens internal error while analysing this file. Please report: ${errorText(error)}`,
        'internal-error',
      );
    } finally {
      this.parsedModules.release();
    }
    return {
      ...interpreter.graph.finish(),
      skippedLines,
      modules: interpreter.modules?.filesRead ?? [],
      unresolvedImports: interpreter.modules?.unresolved ?? [],
      waitsForHdf5: hdf5DeferredReads() > deferredBefore,
    };
  }

  /** The analysis, made again once the HDF5 library has loaded where it met an HDF5 file before (the CLI, tests). */
  async analyzeFully(text: string, limits: Limits = defaultLimits, imports?: ImportContext): Promise<Analysis> {
    const analysis = this.analyze(text, limits, imports);
    if (!analysis.waitsForHdf5) return analysis;
    await loadHdf5();
    return this.analyze(text, limits, imports);
  }

  dispose(): void {
    this.parsedModules.dispose();
    this.parser.dispose();
  }
}

/** The text up to the last top-level statement that starts before `max` characters, and the line where it was cut. */
function boundedSource(text: string, max: number): { text: string; cutAtLine?: number } {
  if (text.length <= max) return { text };
  let cut = text.lastIndexOf('\n', max);
  // Prefer a cut before a line that starts a top-level statement, so no block loses its end.
  for (let at = cut; at > 0; at = text.lastIndexOf('\n', at - 1)) {
    if (/[^\s#]/.test(text[at + 1] ?? '')) {
      cut = at;
      break;
    }
  }
  const kept = cut < 0 ? '' : text.slice(0, cut + 1);
  return { text: kept, cutAtLine: kept.split('\n').length - 1 };
}
