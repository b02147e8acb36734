// A key for a syntax node that stays distinct across the trees of one analysis
// (the file's and those of the modules it imports): tree-sitter's node ids are
// unique within one tree only.

import type { Node } from './parser.js';

const treeNumbers = new WeakMap<object, number>();
let treesSeen = 0;

export function nodeKey(node: Node): string {
  let tree = treeNumbers.get(node.tree);
  if (tree === undefined) {
    tree = treesSeen++;
    treeNumbers.set(node.tree, tree);
  }
  return `${tree}:${node.id}`;
}
