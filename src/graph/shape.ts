// Tensor shapes as Keras reports them: a known size, None (unknown), or a named
// dimension whose size is data-dependent (e.g. `x_train.shape[1]`) and that is
// carried through the layers that keep it.

export interface SymbolicDim {
  readonly symbol: string;
}

export type Dim = number | null | SymbolicDim;
export type Shape = readonly Dim[];

export function symbolic(symbol: string): SymbolicDim {
  return { symbol };
}

export function isKnown(dim: Dim): dim is number {
  return typeof dim === 'number';
}

export function isSymbolic(dim: Dim): dim is SymbolicDim {
  return dim !== null && typeof dim === 'object';
}

export function sameDim(a: Dim, b: Dim): boolean {
  if (isSymbolic(a) && isSymbolic(b)) return a.symbol === b.symbol;
  return a === b;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => sameDim(d, b[i]!));
}

/** Product of the dimensions, or null when any of them is not a known number. */
export function knownSize(shape: Shape): number | null {
  let size = 1;
  for (const dim of shape) {
    if (!isKnown(dim)) return null;
    size *= dim;
  }
  return size;
}

/**
 * The name Keras's JAX backend gives every None size of the tensors it traces a layer's call() with. Sizes made of it
 * are None outside the trace, and are shown so inside it too.
 */
export const traceDimension = 'dynamic_dimension';

/** Whether a size is made of the traced size: None once the trace is over, and shown so inside it. */
export function dependsOnTrace(dim: Dim): boolean {
  return isSymbolic(dim) && dim.symbol.includes(traceDimension);
}

export function formatDim(dim: Dim): string {
  if (dim === null) return 'None';
  if (isSymbolic(dim)) return dependsOnTrace(dim) ? 'None' : dim.symbol;
  return Number.isSafeInteger(dim) ? String(dim) : dim.toExponential();
}

/** Python tuple spelling, as Keras prints shapes: `(None, 30, 30, 32)`, `(None,)`. */
export function formatShape(shape: Shape): string {
  if (shape.length === 1) return `(${formatDim(shape[0]!)},)`;
  return `(${shape.map(formatDim).join(', ')})`;
}

/** JSON form: a number, null for None, a string for a named dimension. */
export function shapeToJson(shape: Shape): (number | string | null)[] {
  return shape.map((dim) => (isSymbolic(dim) ? (dependsOnTrace(dim) ? null : dim.symbol) : dim));
}
