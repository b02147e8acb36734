// Shapes of tensor operations written as Python operators: broadcasting for
// arithmetic (`x + y`) and NumPy-style indexing (`x[:, 0]`, `x[..., :3]`).

import { formatDim, formatShape, isKnown, sameDim, type Dim, type Shape } from '../graph/shape.js';
import { LayerError } from './keras/rule.js';
import type { JsonValue } from '../graph/ir.js';
import type { Value } from './values.js';

/** A shape as Python prints a list: `[None, 3]`, as Keras's `broadcast_shapes` does. */
const listRepr = (shape: Shape): string => `[${shape.map(formatDim).join(', ')}]`;

/** NumPy broadcasting, with the wording of Keras's `broadcast_shapes`. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const length = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < length; i++) {
    const x = a[a.length - length + i];
    const y = b[b.length - length + i];
    if (x === undefined) out.push(y!);
    else if (y === undefined) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (sameDim(x, y)) out.push(x);
    else if (!isKnown(x) || !isKnown(y)) out.push(isKnown(x) ? x : isKnown(y) ? y : null);
    else {
      throw new LayerError(
        `Cannot broadcast shape, the failure dim has value ${x}, which cannot be broadcasted to ${y}. Input shapes are: ${listRepr(a)} and ${listRepr(b)}.`,
      );
    }
  }
  return out;
}

/** The shape after indexing with ints, slices, None (new axis) and one Ellipsis. */
export function sliceShape(shape: Shape, indices: readonly Value[]): Shape {
  const consuming = indices.filter((v) => v.kind !== 'none' && v.kind !== 'ellipsis').length;
  if (consuming > shape.length) {
    throw new LayerError(`Too many indices for a tensor of shape ${formatShape(shape)}: ${consuming} were given`);
  }
  const out: Dim[] = [];
  let axis = 0;
  for (const index of indices) {
    if (index.kind === 'ellipsis') {
      const skip = shape.length - consuming;
      out.push(...shape.slice(axis, axis + skip));
      axis += skip;
    } else if (index.kind === 'none') out.push(1);
    else if (index.kind === 'slice') out.push(sliceLength(shape[axis++]!, index));
    else {
      const dim = shape[axis++]!;
      if (index.kind === 'int' && isKnown(dim) && (index.value >= dim || index.value < -dim)) {
        throw new LayerError(`Index ${index.value} is out of bounds for axis ${axis - 1} with size ${dim}`);
      }
    }
  }
  out.push(...shape.slice(axis));
  return out;
}

function sliceLength(dim: Dim, slice: Extract<Value, { kind: 'slice' }>): Dim {
  const part = (v: Value): number | undefined | 'unknown' => (v.kind === 'none' ? undefined : v.kind === 'int' ? v.value : 'unknown');
  const start = part(slice.start);
  const stop = part(slice.stop);
  const step = part(slice.step) ?? 1;
  if (start === undefined && stop === undefined && step === 1) return dim;
  if (!isKnown(dim) || start === 'unknown' || stop === 'unknown' || step === 'unknown' || step === 0) return null;
  const clamp = (v: number, low: number, high: number): number => Math.max(low, Math.min(high, v < 0 ? v + dim : v));
  if (step > 0) {
    const from = clamp(start ?? 0, 0, dim);
    const to = clamp(stop ?? dim, 0, dim);
    return Math.max(0, Math.ceil((to - from) / step));
  }
  const from = clamp(start ?? dim - 1, -1, dim - 1);
  const to = stop === undefined ? -1 : clamp(stop, -1, dim - 1);
  return Math.max(0, Math.ceil((from - to) / -step));
}

/**
 * An index as data the evaluator can apply: `{"int": 0}`, `{"slice": [start, stop, step]}`
 * (null for an omitted part), `"newaxis"`, `"ellipsis"`; null when a part is not known.
 */
export function indexToJson(indices: readonly Value[]): JsonValue {
  const part = (v: Value): number | null | undefined => (v.kind === 'none' ? null : v.kind === 'int' ? v.value : undefined);
  const out: JsonValue[] = [];
  for (const index of indices) {
    if (index.kind === 'ellipsis') out.push('ellipsis');
    else if (index.kind === 'none') out.push('newaxis');
    else if (index.kind === 'int') out.push({ int: index.value });
    else if (index.kind === 'slice') {
      const parts = [part(index.start), part(index.stop), part(index.step)];
      if (parts.some((p) => p === undefined)) return null;
      out.push({ slice: parts as (number | null)[] });
    } else return null;
  }
  return out;
}
