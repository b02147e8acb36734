// Where a syntax node stands in the file, in the graph's (zero-based line and
// character) coordinates.

import type { Position, SourceRange } from '../../graph/ir.js';
import type { Node } from './parser.js';

const ranges = new WeakMap<Node, SourceRange>();

/** One range per node (ranges are read-only): a loop's body asks for its nodes' ranges once per iteration. */
export function rangeOf(node: Node): SourceRange {
  let range = ranges.get(node);
  if (!range) {
    range = {
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
    };
    ranges.set(node, range);
  }
  return range;
}

/** Where a name assigned at `target` starts to stand for its new value: after the whole assignment (`x = f(x)` reads the old x). */
export function inEffectFrom(target: Node): Position {
  let node: Node | null = target;
  while (node && node.type !== 'assignment' && node.type !== 'augmented_assignment') node = node.parent;
  // A chained `a = b = f(x)` is nested assignments: the outermost one ends last.
  while (node?.parent?.type === 'assignment') node = node.parent;
  const end = (node ?? target).endPosition;
  return { line: end.row, character: end.column };
}
