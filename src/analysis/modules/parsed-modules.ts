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
    // A tree an earlier analysis kept for an older text: this analysis has not used it.
    kept?.tree.delete();
    this.trees.set(path, { text, tree });
    return { root: tree.rootNode };
  }

  /** After an analysis (never during one: its values hold the trees' nodes), the least recently used trees are freed. */
  release(): void {
    for (const [path, { tree }] of this.trees) {
      if (this.trees.size <= keptTrees) break;
      tree.delete();
      this.trees.delete(path);
    }
  }

  dispose(): void {
    for (const { tree } of this.trees.values()) tree.delete();
    this.trees.clear();
  }
}
