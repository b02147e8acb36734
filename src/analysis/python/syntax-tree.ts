// The syntax tree the analysis reads: tree-sitter's tree copied once into plain
// JavaScript objects. web-tree-sitter answers every property read (a node's
// children, type, text, field) by a call into its wasm module and a new wrapper
// object; the interpreter reads a loop's body once per iteration, and a
// 1,000-layer file thousands of times. A copy made in one cursor walk answers
// those reads from memory, gives each node one identity, and needs no freeing.

import type { Language, Tree } from 'web-tree-sitter';

export interface Point {
  readonly row: number;
  readonly column: number;
}

/** One parsed text: its nodes read their text and their positions from it. */
export class SyntaxTree {
  rootNode!: SyntaxNode;
  /** The offset at which each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** Row and column (UTF-16 code units, as web-tree-sitter counts them) of an offset. */
  pointAt(index: number): Point {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return { row: low, column: index - this.lineStarts[low]! };
  }
}

const noNodes: readonly SyntaxNode[] = Object.freeze([]);
const noFields: readonly (string | null)[] = Object.freeze([]);

export class SyntaxNode {
  // Most nodes are leaves: they share one empty list (a 400,000-character file has a quarter of a million nodes).
  children: readonly SyntaxNode[] = noNodes;
  namedChildren: readonly SyntaxNode[] = noNodes;
  /** The field name of each child, by the child's index in `children`. */
  private fieldNames: readonly (string | null)[] = noFields;
  private cachedText: string | undefined;

  constructor(
    readonly tree: SyntaxTree,
    readonly parent: SyntaxNode | null,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  get text(): string {
    return (this.cachedText ??= this.tree.source.slice(this.startIndex, this.endIndex));
  }

  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const index = this.fieldNames.indexOf(name);
    return index < 0 ? null : this.children[index]!;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((_, i) => this.fieldNames[i] === name);
  }

  /** The nodes of this type in this node's subtree, itself included, in source order (as web-tree-sitter gives them). */
  descendantsOfType(type: string): SyntaxNode[] {
    const found: SyntaxNode[] = [];
    const pending: SyntaxNode[] = [this];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.type === type) found.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
    }
    return found;
  }

  /** @internal Used while the tree is copied. */
  adopt(child: SyntaxNode, fieldName: string | null, named: boolean): void {
    if (this.children === noNodes) {
      this.children = [];
      this.fieldNames = [];
    }
    (this.children as SyntaxNode[]).push(child);
    (this.fieldNames as (string | null)[]).push(fieldName);
    if (!named) return;
    if (this.namedChildren === noNodes) this.namedChildren = [];
    (this.namedChildren as SyntaxNode[]).push(child);
  }

  /** @internal Once its last child is adopted: lists of their exact length (a growing list keeps room for 17). */
  seal(): void {
    if (this.children === noNodes) return;
    this.children = this.children.slice();
    this.fieldNames = this.fieldNames.some((name) => name !== null) ? this.fieldNames.slice() : noFields;
    this.namedChildren =
      this.namedChildren.length === this.children.length
        ? this.children
        : this.namedChildren === noNodes
          ? noNodes
          : this.namedChildren.slice();
  }
}

/**
 * The plain copy of tree-sitter's `tree` of `source`, made in one walk of a cursor. Each read of the cursor is a call
 * into wasm: it reads the least (type and field by number, offsets), and positions come from the offsets.
 */
export function copyTree(tree: Tree, source: string): SyntaxTree {
  const copy = new SyntaxTree(source);
  const { types, fields } = tree.language;
  const named = namedTypes(tree.language);
  const cursor = tree.walk();
  try {
    const nodeAtCursor = (parent: SyntaxNode | null, typeId: number): SyntaxNode =>
      new SyntaxNode(copy, parent, types[typeId] ?? cursor.nodeType, cursor.startIndex, cursor.endIndex);
    let parent = nodeAtCursor(null, cursor.nodeTypeId);
    copy.rootNode = parent;
    if (!cursor.gotoFirstChild()) return copy;
    for (;;) {
      const typeId = cursor.nodeTypeId;
      const node = nodeAtCursor(parent, typeId);
      parent.adopt(node, fields[cursor.currentFieldId] ?? null, named[typeId] ?? cursor.nodeIsNamed);
      if (cursor.gotoFirstChild()) {
        parent = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        parent.seal();
        if (!cursor.gotoParent() || parent.parent === null) return copy;
        parent = parent.parent;
      }
    }
  } finally {
    cursor.delete();
  }
}

const namedByLanguage = new WeakMap<Language, boolean[]>();

/** Whether each node type (by number) is named, read once per language. */
function namedTypes(language: Language): boolean[] {
  let named = namedByLanguage.get(language);
  if (!named) {
    named = language.types.map((_, id) => language.nodeTypeIsNamed(id));
    namedByLanguage.set(language, named);
  }
  return named;
}
