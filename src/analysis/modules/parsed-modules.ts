// The syntax trees of the user's modules, parsed once per text and kept across
// analyses: a module imported by every file of a project is parsed once, and
// again only when its text changes.

import type { Node, PythonParser, Tree } from '../python/parser.js';
import type { ModuleSources } from './module-sources.js';

/** Trees kept between analyses; the least recently used are freed first. */
const keptTrees = 64;

export class ParsedModules {
  private readonly trees = new Map<string, { readonly text: string; readonly tree: Tree }>();

  constructor(private readonly parser: PythonParser) {}

  /** The module's tree for its current text, or why it cannot be read. */
  parse(path: string, sources: ModuleSources, maxCharacters: number, deadline: number): { root: Node } | { problem: string } {
    const text = sources.read(path);
    if (text === undefined) return { problem: `${path} cannot be read` };
    if (text.length > maxCharacters) {
      return { problem: `${path} is longer than ${maxCharacters.toLocaleString('en-US')} characters: it is not read` };
    }
    const kept = this.trees.get(path);
    if (kept?.text === text) {
      this.trees.delete(path);
      this.trees.set(path, kept);
      return { root: kept.tree.rootNode };
    }
    const { tree } = this.parser.parse(text, deadline);
    this.trees.set(path, { text, tree });
    return { root: tree.rootNode };
  }

  /** After an analysis, the least recently used trees are dropped. */
  release(): void {
    for (const path of this.trees.keys()) {
      if (this.trees.size <= keptTrees) break;
      this.trees.delete(path);
    }
  }

  dispose(): void {
    this.trees.clear();
  }
}
