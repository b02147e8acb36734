// `# tensor-lens: <expression> = <value>` comments: what the user tells the
// analysis about values that come from data and that it cannot know
// (`# tensor-lens: train_features.shape = (None, 30)`, `# tensor-lens: len(class_names) = 3`).
// A directive fills in an expression only where the analysis does not know its value.

import type { SourceRange } from '../graph/ir.js';
import type { Node } from './python/parser.js';
import { rangeOf } from './python/source-range.js';
import { int, none, type Value } from './values.js';

export interface Directive {
  /** The expression, without spaces, as the file writes it. */
  readonly expression: string;
  readonly value: Value;
  readonly range: SourceRange;
  used: boolean;
}

export type DirectiveProblem = { readonly range: SourceRange; readonly message: string };

const directive = /^#\s*tensor-lens:\s*(.*)$/;
const assignment = /^([^=]+?)\s*=\s*(.+?)\s*$/;

/** The expression text as directives match it: without spaces. */
export function compactExpression(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The directives of a file, by their compact expression, and those that are not understood. */
export function readDirectives(root: Node): { directives: Map<string, Directive>; problems: DirectiveProblem[] } {
  const directives = new Map<string, Directive>();
  const problems: DirectiveProblem[] = [];
  for (const comment of root.descendantsOfType('comment')) {
    const body = directive.exec(comment.text)?.[1];
    if (body === undefined) continue;
    const range = rangeOf(comment);
    const parts = assignment.exec(body);
    const expression = parts ? compactExpression(parts[1]!) : '';
    const value = parts ? directiveValue(parts[2]!, expression) : undefined;
    if (!parts || !/^[A-Za-z_(]/.test(expression) || value === undefined) {
      problems.push({
        range,
        message:
          'This tensor-lens directive is not understood: write `# tensor-lens: <expression> = <value>`, the value a number, None or a tuple of them (`# tensor-lens: x_train.shape = (None, 28, 28, 1)`).',
      });
      continue;
    }
    directives.set(expression, { expression, value, range, used: false });
  }
  return { directives, problems };
}

/**
 * A value of a directive: a number, None, True/False, or a tuple or list of them. In the value of a `.shape`, None is
 * the size data gives that is not pinned, named by its place (`x.shape[0]`).
 */
export function directiveValue(text: string, expression: string): Value | undefined {
  const tokens = text.match(/-?\d+(\.\d+)?(e-?\d+)?|None|True|False|[()[\],]|\S/g) ?? [];
  let at = 0;
  const shape = expression.endsWith('.shape');
  const item = (index: number | undefined, top: boolean): Value | undefined => {
    const token = tokens[at++];
    if (token === undefined) return undefined;
    if (token === '(' || token === '[') {
      const close = token === '(' ? ')' : ']';
      const items: Value[] = [];
      let trailingComma = false;
      while (tokens[at] !== close) {
        const value = item(items.length, false);
        if (value === undefined) return undefined;
        items.push(value);
        trailingComma = tokens[at] === ',';
        if (trailingComma) at++;
        else if (tokens[at] !== close) return undefined;
      }
      at++;
      if (token === '(' && items.length === 1 && !trailingComma) return items[0];
      return { kind: token === '(' ? 'tuple' : 'list', items };
    }
    if (token === 'None') {
      return shape && !top && index !== undefined ? { kind: 'symint', symbol: `${expression}[${index}]` } : none;
    }
    if (token === 'True' || token === 'False') return { kind: 'bool', value: token === 'True' };
    if (/^-?\d+$/.test(token)) return int(Number(token));
    if (/^-?\d/.test(token)) return { kind: 'float', value: Number(token) };
    return undefined;
  };
  const value = item(undefined, true);
  return at === tokens.length ? value : undefined;
}
