// Contractions for the product kernels (products.ts): a batched matrix product, NumPy's tensordot, and einsum done
// by diagonals, sums, transposes, reshapes and batched matrix products (tf.einsum takes only some patterns).
// Tensors here are float32 or int32: an int32 product is a multiply and a sum, exact where matMul would round.

import * as tf from '@tensorflow/tfjs';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** NumPy's broadcast of two shapes, or an error naming them. */
export function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${what}: shapes (${a.join(', ')}) and (${b.join(', ')}) do not broadcast`);
    return x === 1 ? y : x;
  });
}

/**
 * [n, m, k] × [n, k, p] → [n, m, p] (an empty sum is 0, which XNNPACK refuses to compute). Int32 operands go through float32 matMul where every partial sum is an integer
 * float32 holds exactly (below 2^24), else through an int32 multiply and sum (exact, as JAX's, but k times the memory).
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [n, m, k] = a.shape;
  const p = b.shape[2];
  if (a.size === 0 || b.size === 0) return tf.zeros([n, m, p], a.dtype);
  if (a.dtype === 'float32') return tf.matMul(a, b);
  const largest = (t: tf.Tensor): tf.Tensor => tf.max(tf.abs(tf.cast(t, 'float32')));
  const bound = tf.mul(tf.mul(largest(a), largest(b)), k).dataSync()[0]!;
  if (bound < 2 ** 24) return tf.cast(tf.round(tf.matMul(tf.cast(a, 'float32'), tf.cast(b, 'float32'))), 'int32');
  return tf.sum(tf.mul(tf.expandDims(a, 3), tf.expandDims(b, 1)), 2);
}

/** NumPy's moveaxis of one axis. */
export function moveAxis(x: tf.Tensor, from: number, to: number): tf.Tensor {
  const order = x.shape.map((_, i) => i).filter((i) => i !== from);
  order.splice(to, 0, from);
  return order.every((a, i) => a === i) ? x : tf.transpose(x, order);
}

/** An axis in [-rank, rank) as a non-negative one. */
export function canonical(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${what}: axis ${axis} is out of bounds for an array of dimension ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** The sum product of `a` over `axesA` with `b` over `axesB` (sizes equal): a's other axes, then b's. */
export function tensordot(a: tf.Tensor, b: tf.Tensor, axesA: readonly number[], axesB: readonly number[], what: string): tf.Tensor {
  if (axesA.length !== axesB.length) throw new Error(`${what}: the two lists of axes differ in length`);
  const ca = axesA.map((x) => canonical(x, a.rank, what));
  const cb = axesB.map((x) => canonical(x, b.rank, what));
  if (new Set(ca).size !== ca.length || new Set(cb).size !== cb.length) throw new Error(`${what}: an axis is repeated`);
  ca.forEach((x, i) => {
    if (a.shape[x] !== b.shape[cb[i]!]) {
      throw new Error(`${what}: contracted sizes ${a.shape[x]} and ${b.shape[cb[i]!]} differ`);
    }
  });
  const freeA = a.shape.map((_, i) => i).filter((i) => !ca.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !cb.includes(i));
  const k = product(ca.map((x) => a.shape[x]!));
  const shapeA = freeA.map((i) => a.shape[i]!);
  const shapeB = freeB.map((i) => b.shape[i]!);
  const a2 = tf.reshape(tf.transpose(a, [...freeA, ...ca]), [1, product(shapeA), k]) as tf.Tensor3D;
  const b2 = tf.reshape(tf.transpose(b, [...cb, ...freeB]), [1, k, product(shapeB)]) as tf.Tensor3D;
  return tf.reshape(batchMatMul(a2, b2), [...shapeA, ...shapeB]);
}

/** NumPy's matmul: a 1-D operand as a row (first) or column (second), the leading axes broadcast. */
export function matmul(a: tf.Tensor, b: tf.Tensor, what: string): tf.Tensor {
  if (a.rank === 0 || b.rank === 0) throw new Error(`${what}: matmul of a scalar is refused by Keras`);
  const a2 = a.rank === 1 ? tf.reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.rank === 1 ? tf.reshape(b, [b.shape[0]!, 1]) : b;
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const [k2, n] = b2.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`${what}: inner sizes ${k} and ${k2} differ`);
  const batch = broadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2), what);
  const size = product(batch);
  const a3 = tf.reshape(tf.broadcastTo(a2, [...batch, m, k]), [size, m, k]) as tf.Tensor3D;
  const b3 = tf.reshape(tf.broadcastTo(b2, [...batch, k, n]), [size, k, n]) as tf.Tensor3D;
  const shape = [...batch, m, n];
  if (a.rank === 1) shape.splice(-2, 1);
  if (b.rank === 1) shape.splice(-1, 1);
  return tf.reshape(batchMatMul(a3, b3), shape);
}

/** The elements of x at these flat indices of its last axis, any dtype. */
export function gatherLast(x: tf.Tensor, indices: readonly number[]): tf.Tensor {
  const shape = [...x.shape.slice(0, -1), indices.length];
  if (indices.length === 0) return tf.zeros(shape, x.dtype);
  const source = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  const taken = tf.gather(source, tf.tensor1d([...indices], 'int32'), x.rank - 1);
  return x.dtype === 'bool' ? tf.notEqual(taken, 0) : taken;
}

/** NumPy's diagonal: axes p and q removed, the `offset` diagonal of them appended last. */
export function diagonal(x: tf.Tensor, offset: number, p: number, q: number): tf.Tensor {
  const rest = x.shape.map((_, i) => i).filter((i) => i !== p && i !== q);
  const [rows, columns] = [x.shape[p]!, x.shape[q]!];
  const moved = tf.transpose(x, [...rest, p, q]);
  const flat = tf.reshape(moved, [...rest.map((i) => x.shape[i]!), rows * columns]);
  const length = Math.max(0, Math.min(offset >= 0 ? columns - offset : rows + offset, rows, columns));
  const indices = Array.from({ length }, (_, i) => (offset >= 0 ? i * columns + i + offset : (i - offset) * columns + i));
  return gatherLast(flat, indices);
}

// ---------------------------------------------------------------------------------------------------------------------
// einsum

/** One operand: a tensor and a label for each of its axes. */
interface Term {
  readonly t: tf.Tensor;
  readonly labels: readonly string[];
}

const ellipsisLabel = (i: number): string => `.${i}`;

/** The labels of one input spec on a tensor of this rank; ellipsis axes right-aligned as `.i` of `width` in all. */
function specLabels(spec: string, rank: number, what: string): { head: string[]; tail: string[]; ellipsis: number | null } {
  const parts = spec.split('...');
  if (parts.length > 2) throw new Error(`${what}: more than one ellipsis in \`${spec}\``);
  const letters = (s: string): string[] => {
    const list = [...s];
    if (!list.every((c) => /^[A-Za-z]$/.test(c))) throw new Error(`${what}: \`${spec}\` has a subscript that is not a letter`);
    return list;
  };
  if (parts.length === 1) {
    const head = letters(spec);
    if (head.length !== rank) throw new Error(`${what}: \`${spec}\` has ${head.length} subscripts for an operand of rank ${rank}`);
    return { head, tail: [], ellipsis: null };
  }
  const [head, tail] = [letters(parts[0]!), letters(parts[1]!)];
  const ellipsis = rank - head.length - tail.length;
  if (ellipsis < 0) throw new Error(`${what}: \`${spec}\` has more subscripts than its operand of rank ${rank} has axes`);
  return { head, tail, ellipsis };
}

function sumOut(term: Term, keep: (label: string) => boolean): Term {
  const axes = term.labels.map((l, i) => (keep(l) ? -1 : i)).filter((i) => i >= 0);
  if (axes.length === 0) return term;
  return { t: tf.sum(term.t, axes), labels: term.labels.filter((l) => keep(l)) };
}

/** Each label once: a label repeated within the operand becomes its diagonal (appended last). */
function distinct(term: Term, what: string): Term {
  let current = term;
  for (;;) {
    const labels = current.labels;
    const p = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (p < 0) return current;
    const first = labels.indexOf(labels[p]!);
    if (current.t.shape[first] !== current.t.shape[p]) {
      throw new Error(`${what}: the repeated subscript ${labels[p]} has sizes ${current.t.shape[first]} and ${current.t.shape[p]}`);
    }
    const rest = labels.filter((_, i) => i !== first && i !== p);
    current = { t: diagonal(current.t, 0, first, p), labels: [...rest, labels[p]!] };
  }
}

/** Two terms contracted into one with the labels `keep` needs: shared kept labels batch, shared others are summed. */
function contract(a: Term, b: Term, keep: ReadonlySet<string>, sizes: ReadonlyMap<string, number>): Term {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const a1 = sumOut(a, (l) => keep.has(l) || inB.has(l));
  const b1 = sumOut(b, (l) => keep.has(l) || inA.has(l));
  const batch = a1.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a1.labels.filter((l) => inB.has(l) && !keep.has(l));
  const freeA = a1.labels.filter((l) => !inB.has(l));
  const freeB = b1.labels.filter((l) => !inA.has(l));
  const arrange = (term: Term, order: readonly string[]): tf.Tensor => {
    const moved = tf.transpose(
      term.t,
      order.map((l) => term.labels.indexOf(l)),
    );
    const shape = order.map((l, i) => (batch.includes(l) || summed.includes(l) ? sizes.get(l)! : moved.shape[i]!));
    return shape.every((d, i) => d === moved.shape[i]) ? moved : tf.broadcastTo(moved, shape);
  };
  const size = (labels: readonly string[], term: Term): number[] =>
    labels.map((l) => (batch.includes(l) || summed.includes(l) ? sizes.get(l)! : term.t.shape[term.labels.indexOf(l)]!));
  const [batchSizes, summedSizes] = [size(batch, a1), size(summed, a1)];
  const [freeSizesA, freeSizesB] = [size(freeA, a1), size(freeB, b1)];
  const a3 = tf.reshape(arrange(a1, [...batch, ...freeA, ...summed]), [
    product(batchSizes),
    product(freeSizesA),
    product(summedSizes),
  ]) as tf.Tensor3D;
  const b3 = tf.reshape(arrange(b1, [...batch, ...summed, ...freeB]), [
    product(batchSizes),
    product(summedSizes),
    product(freeSizesB),
  ]) as tf.Tensor3D;
  return {
    t: tf.reshape(batchMatMul(a3, b3), [...batchSizes, ...freeSizesA, ...freeSizesB]),
    labels: [...batch, ...freeA, ...freeB],
  };
}

/** NumPy's einsum of operands of one dtype (float32 or int32), operands contracted left to right. */
export function einsum(subscripts: string, operands: readonly tf.Tensor[], what = 'keras.ops.einsum'): tf.Tensor {
  const compact = subscripts.replaceAll(' ', '');
  const split = compact.split('->');
  if (split.length > 2) throw new Error(`${what}: more than one \`->\``);
  const inputs = split[0]!.split(',');
  if (inputs.length !== operands.length) throw new Error(`${what}: ${inputs.length} input specs for ${operands.length} operands`);
  const parsed = inputs.map((spec, i) => specLabels(spec, operands[i]!.rank, what));
  const width = Math.max(0, ...parsed.map((p) => p.ellipsis ?? 0));
  const ellipsisLabels = Array.from({ length: width }, (_, i) => ellipsisLabel(i));
  let terms: Term[] = parsed.map((p, i) => ({
    t: operands[i]!,
    labels: [...p.head, ...ellipsisLabels.slice(width - (p.ellipsis ?? 0)), ...p.tail],
  }));

  let output: string[];
  if (split.length === 2) {
    const parts = split[1]!.split('...');
    if (parts.length > 2 || ![...parts.join('')].every((c) => /^[A-Za-z]$/.test(c))) {
      throw new Error(`${what}: the output spec \`${split[1]}\` is not letters around at most one ellipsis`);
    }
    output = parts.length === 1 ? [...parts[0]!] : [...parts[0]!, ...ellipsisLabels, ...parts[1]!];
    if (new Set(output).size !== output.length) throw new Error(`${what}: a subscript is repeated in the output`);
    const seen = new Set(terms.flatMap((t) => t.labels));
    const missing = output.find((l) => !seen.has(l));
    if (missing !== undefined) throw new Error(`${what}: the output subscript ${missing} is in no input`);
  } else {
    const counts = new Map<string, number>();
    for (const c of split[0]!) if (/^[A-Za-z]$/.test(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
    const once = [...counts].filter(([, n]) => n === 1).map(([c]) => c);
    output = [...ellipsisLabels, ...once.sort()];
  }

  const sizes = new Map<string, number>();
  for (const term of terms) {
    term.labels.forEach((l, i) => {
      const d = term.t.shape[i]!;
      const known = sizes.get(l);
      if (known === undefined || known === 1) sizes.set(l, d);
      else if (d !== known && d !== 1) throw new Error(`${what}: the subscript ${l} has sizes ${known} and ${d}`);
    });
  }

  terms = terms.map((t) => distinct(t, what));
  const outputSet = new Set(output);
  // Labels of one operand only that the output does not keep are summed at once.
  terms = terms.map((term, i) => {
    const elsewhere = new Set(terms.filter((_, j) => j !== i).flatMap((t) => t.labels));
    return sumOut(term, (l) => outputSet.has(l) || elsewhere.has(l));
  });
  let result = terms[0]!;
  for (let i = 1; i < terms.length; i++) {
    const keep = new Set([...output, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
    result = contract(result, terms[i]!, keep, sizes);
  }
  result = sumOut(result, (l) => outputSet.has(l));
  const ordered = tf.transpose(
    result.t,
    output.map((l) => result.labels.indexOf(l)),
  );
  const shape = output.map((l) => sizes.get(l)!);
  return shape.every((d, i) => d === ordered.shape[i]) ? ordered : tf.broadcastTo(ordered, shape);
}
