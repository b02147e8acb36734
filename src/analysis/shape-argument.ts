// A shape as Python code writes it (`(1, 32)`, `[None, 8]`, `5`) read into dims.

import { symbolic, type Dim } from '../graph/shape.js';
import { isSequence, type Value } from './values.js';

/** The dims of a shape argument, or undefined when it is not known. */
export function shapeArgument(value: Value | undefined): Dim[] | undefined {
  if (!value) return undefined;
  if (value.kind === 'int') return [value.value];
  if (!isSequence(value)) return undefined;
  const dims: Dim[] = [];
  for (const item of value.items) {
    if (item.kind === 'int') dims.push(item.value);
    else if (item.kind === 'none') dims.push(null);
    else if (item.kind === 'symint') dims.push(symbolic(item.symbol));
    else return undefined;
  }
  return dims;
}
