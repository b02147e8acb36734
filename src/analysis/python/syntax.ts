// Facts read off the syntax tree without evaluating anything: the names a case
// pattern captures, the fields a dataclass declares, a clause's block, and
// every name a file assigns.

import { clockInterval } from '../limits.js';
import type { Node } from './parser.js';

/** The names a case pattern binds: captures (`case [a, *rest]`, `case Point(y=yy)`, `case str() as s`), not class names. */
export function capturedNames(pattern: Node): Node[] {
  const names: Node[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'dotted_name') {
      if (node.namedChildCount === 1 && node.parent?.type !== 'class_pattern') names.push(node.namedChildren[0]!);
      return;
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      const binds =
        child.type === 'identifier' && (node.type === 'as_pattern' || node.type === 'splat_pattern' || node.type === 'double_star_pattern');
      if (binds) names.push(child);
      else visit(child);
    }
  };
  visit(pattern);
  return names.filter((n) => n.text !== '_');
}

/** The fields of a `@dataclass`: its annotated class attributes, in order. */
export function dataclassFields(definition: Node): string[] {
  const fields: string[] = [];
  for (const statement of definition.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    if (left?.type === 'identifier' && assignment!.childForFieldName('type')) fields.push(left.text);
  }
  return fields;
}

/** The statements of a clause (`except`, `else`, `finally`), whether the grammar names its block `body` or not. */
export function blockOf(node: Node): readonly (Node | null)[] {
  return node.childForFieldName('body')?.namedChildren ?? node.namedChildren.find((n) => n?.type === 'block')?.namedChildren ?? [];
}

/** Every name the file assigns somewhere, to tell "used before assignment" from "not defined"; undefined past the deadline. */
export function collectAssignedNames(root: Node, deadline: number): Set<string> | undefined {
  const names = new Set<string>();
  const pending = [root];
  for (let visited = 0, current = pending.pop(); current; visited++, current = pending.pop()) {
    if (visited % clockInterval === 0 && performance.now() > deadline) return undefined;
    if (current.type === 'assignment' || current.type === 'augmented_assignment' || current.type === 'for_statement') {
      const left = current.childForFieldName('left');
      if (left) for (const id of left.descendantsOfType('identifier')) if (id.parent?.type !== 'attribute') names.add(id.text);
    } else if (current.type === 'function_definition' || current.type === 'class_definition') {
      const name = current.childForFieldName('name');
      if (name) names.add(name.text);
    }
    // One by one: a spread of a module's 200,000 statements would overflow the stack.
    for (const child of current.children) pending.push(child);
  }
  return names;
}

/** The names a `def` or `lambda` binds its parameters to, `*args` and `**kwargs` included, in order. */
export function parameterNames(definition: Node): string[] {
  const names: string[] = [];
  for (const parameter of definition.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!parameter) continue;
    if (parameter.type === 'identifier') names.push(parameter.text);
    else if (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter') {
      const name = parameter.childForFieldName('name');
      if (name) names.push(name.text);
    } else {
      // typed_parameter, list_splat_pattern, dictionary_splat_pattern: the name is the first identifier inside.
      const inner = parameter.namedChildren[0];
      const name = inner?.type === 'identifier' ? inner : inner?.namedChildren.find((n) => n?.type === 'identifier');
      if (name) names.push(name.text);
    }
  }
  return names;
}
