// A parameter count that depends on sizes known only at run time, written as
// the sum of Keras's weights: `train_features.shape[1] × 256 + 256` for a Dense's
// kernel and bias.

import { formatDim, isKnown, type Dim } from './shape.js';

/**
 * The count of weights of these shapes, one term each, as text (the sizes of each weight multiplied, numbers last;
 * the weights of numbers alone summed into one number); undefined when every size is a number (the count is then a
 * number) or one is not known at all (None).
 */
export function paramsFormula(weights: readonly (readonly Dim[])[]): string | undefined {
  let constant = 0;
  const terms: string[] = [];
  for (const shape of weights) {
    if (shape.some((d) => d === null)) return undefined;
    const coefficient = shape.filter(isKnown).reduce((a, b) => a * b, 1);
    const symbols = shape.filter((d) => !isKnown(d)).map(formatDim);
    if (symbols.length === 0) constant += coefficient;
    else if (coefficient !== 0) terms.push([...symbols, ...(coefficient === 1 ? [] : [String(coefficient)])].join(' × '));
  }
  if (terms.length === 0) return undefined;
  return [...terms, ...(constant === 0 ? [] : [String(constant)])].join(' + ');
}
