// Kernels of ops that rearrange, select or index (take, tile, repeat, pad, split, flip, roll, where, get_item, sort, …),
// as Keras's JAX backend computes them (jnp.*: keras/src/backend/jax/numpy.py). The indexing ops are in
// arrangement-indexing.ts, pad in arrangement-pad.ts, the sorting and searching ones in arrangement-sorting.ts.

import * as tf from '@tensorflow/tfjs';
import { axisOf, intOf, intsOf } from './arrangement-helpers.js';
import { indexingKernels } from './arrangement-indexing.js';
import { uniqueKernels } from './arrangement-unique.js';
import { padKernels } from './arrangement-pad.js';
import { sortingKernels } from './arrangement-sorting.js';
import { viewKernels } from './arrangement-view.js';
import type { Kernel, KernelCall } from './kernel.js';

/** The axes of x named by `name`: None for all of them, an int, or a list. */
function axesOf(call: KernelCall, name: string, rank: number): number[] {
  if (call.value(name) === null) return [...Array(rank).keys()];
  return intsOf(call, name).map((a) => axisOf(call, a, rank));
}

/** `size` elements of x along `axis` from `begin`. */
function sliceAlong(x: tf.Tensor, axis: number, begin: number, size: number): tf.Tensor {
  const begins = x.shape.map((_, i) => (i === axis ? begin : 0));
  const sizes = x.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(x, begins, sizes);
}

/** jnp.moveaxis: the other axes in their order, each source axis inserted at its destination (sorted by it). */
function moveaxisPermutation(call: KernelCall, rank: number): number[] {
  const source = intsOf(call, 'source').map((a) => axisOf(call, a, rank));
  const destination = intsOf(call, 'destination').map((a) => axisOf(call, a, rank));
  if (source.length !== destination.length || new Set(source).size !== source.length || new Set(destination).size !== source.length) {
    throw new Error(`${call.path} with source ${JSON.stringify(source)} and destination ${JSON.stringify(destination)} is not evaluated`);
  }
  const order = [...Array(rank).keys()].filter((a) => !source.includes(a));
  destination
    .map((d, i) => [d, source[i]!] as const)
    .sort((a, b) => a[0] - b[0])
    .forEach(([d, s]) => order.splice(d, 0, s));
  return order;
}

const swapaxes: Kernel = (call) => {
  const x = call.tensor('x');
  const perm = [...Array(x.rank).keys()];
  const a = axisOf(call, intOf(call, 'axis1'), x.rank);
  const b = axisOf(call, intOf(call, 'axis2'), x.rank);
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return tf.transpose(x, perm);
};

/** jnp.tile: the repeats padded with 1s in front to x's rank, or x with size-1 axes in front to theirs. */
const tile: Kernel = (call) => {
  let x = call.tensor('x');
  let repeats = intsOf(call, 'repeats');
  if (repeats.some((r) => r < 0)) throw new Error(`${call.path} with a negative repeat is not evaluated`);
  if (repeats.length < x.rank) repeats = [...Array<number>(x.rank - repeats.length).fill(1), ...repeats];
  if (x.rank < repeats.length) x = tf.reshape(x, [...Array<number>(repeats.length - x.rank).fill(1), ...x.shape]);
  if (x.dtype === 'bool') return tf.cast(tf.tile(tf.cast(x, 'int32'), repeats), 'bool');
  return tf.tile(x, repeats);
};

/** jnp.repeat: each element `repeats` times (one count, or one per element) along `axis`, of the flattened x for None. */
const repeat: Kernel = (call) => {
  let x = call.tensor('x');
  if (call.value('axis') === null) x = tf.reshape(x, [-1]);
  const axis = call.value('axis') === null ? 0 : axisOf(call, intOf(call, 'axis'), x.rank);
  const repeats = intsOf(call, 'repeats');
  if (repeats.some((r) => r < 0)) throw new Error(`${call.path} with a negative repeat is not evaluated`);
  const size = x.shape[axis]!;
  if (repeats.length === 1) {
    const r = repeats[0]!;
    const expanded = tf.expandDims(x, axis + 1);
    const tiled = tf.tile(
      expanded.dtype === 'bool' ? tf.cast(expanded, 'int32') : expanded,
      expanded.shape.map((_, i) => (i === axis + 1 ? r : 1)),
    );
    return tf.reshape(
      tiled,
      x.shape.map((d, i) => (i === axis ? d * r : d)),
    );
  }
  if (repeats.length !== size) throw new Error(`${call.path}: ${repeats.length} repeats for an axis of size ${size}`);
  const indices = repeats.flatMap((r, i) => Array<number>(r).fill(i));
  return tf.gather(x.dtype === 'bool' ? tf.cast(x, 'int32') : x, tf.tensor1d(indices, 'int32'), axis);
};

/** jnp.diff: x[1:] − x[:-1] along `axis`, n times (not_equal for bools); an axis used up stays of size 0. */
const diff: Kernel = (call) => {
  let x = call.tensor('a');
  const n = intOf(call, 'n');
  if (n < 0) throw new Error(`${call.path} with a negative order is not evaluated`);
  const axis = axisOf(call, intOf(call, 'axis'), x.rank);
  for (let i = 0; i < n; i++) {
    const size = x.shape[axis]!;
    if (size === 0) break;
    const after = sliceAlong(x, axis, 1, size - 1);
    const before = sliceAlong(x, axis, 0, size - 1);
    x = x.dtype === 'bool' ? tf.notEqual(after, before) : tf.sub(after, before);
  }
  return x;
};

/** x reversed along `axes` (bools as int32: TensorFlow.js reverses numbers). */
function reverse(x: tf.Tensor, axes: number[]): tf.Tensor {
  if (axes.length === 0 || x.rank === 0) return x;
  if (x.dtype === 'bool') return tf.cast(tf.reverse(tf.cast(x, 'int32'), axes), 'bool');
  return tf.reverse(x, axes);
}

/** x rolled by `shift` along `axis`: the last `shift` elements first. */
function rollAlong(x: tf.Tensor, axis: number, shift: number): tf.Tensor {
  const size = x.shape[axis]!;
  if (size === 0) return x;
  const s = ((shift % size) + size) % size;
  if (s === 0) return x;
  return tf.concat([sliceAlong(x, axis, size - s, s), sliceAlong(x, axis, 0, size - s)], axis);
}

/** jnp.roll: shifts and axes broadcast against each other (shifts of one axis add up); None rolls the flattened x. */
const roll: Kernel = (call) => {
  const x = call.tensor('x');
  const shifts = intsOf(call, 'shift');
  if (call.value('axis') === null) {
    const total = shifts.reduce((a, b) => a + b, 0);
    return tf.reshape(rollAlong(tf.reshape(x, [-1]), 0, total), x.shape);
  }
  const axes = intsOf(call, 'axis').map((a) => axisOf(call, a, x.rank));
  const count = Math.max(shifts.length, axes.length);
  if ((shifts.length !== 1 && shifts.length !== count) || (axes.length !== 1 && axes.length !== count)) {
    throw new Error(`${call.path}: ${shifts.length} shifts for ${axes.length} axes do not broadcast`);
  }
  const byAxis = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const axis = axes[axes.length === 1 ? 0 : i]!;
    byAxis.set(axis, (byAxis.get(axis) ?? 0) + shifts[shifts.length === 1 ? 0 : i]!);
  }
  let out = x;
  for (const [axis, shift] of byAxis) out = rollAlong(out, axis, shift);
  return out;
};

/** jnp.rot90: k quarter turns from axes[0] towards axes[1]. */
const rot90: Kernel = (call) => {
  const x = call.tensor('array');
  if (x.rank < 2) throw new Error(`${call.path}: the array must have at least 2 dimensions`);
  const k = ((intOf(call, 'k') % 4) + 4) % 4;
  const axes = intsOf(call, 'axes');
  if (axes.length !== 2) throw new Error(`${call.path}: axes must be two axes`);
  const [a, b] = axes.map((axis) => axisOf(call, axis, x.rank)) as [number, number];
  if (a === b) throw new Error(`${call.path}: axes must be two different axes`);
  const perm = [...Array(x.rank).keys()];
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  if (k === 0) return x;
  if (k === 1) return tf.transpose(reverse(x, [b]), perm);
  if (k === 2) return reverse(x, [a, b]);
  return reverse(tf.transpose(x, perm), [b]);
};

/** Pieces of x along `axis`: equal sections for an int, the pieces between split points for a list. */
function splitPieces(call: KernelCall, x: tf.Tensor, axis: number): tf.Tensor[] {
  const value = call.value('indices_or_sections');
  const size = x.shape[axis]!;
  if (typeof value === 'number') {
    const count = intOf(call, 'indices_or_sections');
    if (count <= 0 || size % count !== 0)
      throw new Error(`${call.path}: an axis of size ${size} does not split into ${count} equal sections`);
    return Array.from({ length: count }, (_, i) => sliceAlong(x, axis, (i * size) / count, size / count));
  }
  // jnp.split takes the sizes between the points: they must run from 0 to the size, in order.
  const points = [0, ...intsOf(call, 'indices_or_sections'), size];
  if (points.some((p, i) => p < (points[i - 1] ?? 0) || p > size)) {
    throw new Error(`${call.path} at points ${JSON.stringify(points.slice(1, -1))} (not in order within ${size}) is not evaluated`);
  }
  return points.slice(1).map((end, i) => sliceAlong(x, axis, points[i]!, end - points[i]!));
}

function splitOn(axisOf: (x: tf.Tensor) => number, minRank: number): Kernel {
  return (call) => {
    const x = call.tensor('x');
    if (x.rank < minRank) throw new Error(`${call.path} needs a tensor of at least ${minRank} dimensions`);
    return splitPieces(call, x, axisOf(x));
  };
}

/** jnp.array_split: `count` sections, the first size % count of them one longer. */
const arraySplit: Kernel = (call) => {
  const x = call.tensor('x');
  const axis = axisOf(call, intOf(call, 'axis'), x.rank);
  const count = intOf(call, 'indices_or_sections');
  if (count <= 0) throw new Error(`${call.path} into ${count} sections is not evaluated`);
  const size = x.shape[axis]!;
  const base = Math.floor(size / count);
  const extra = size % count;
  let start = 0;
  return Array.from({ length: count }, (_, i) => {
    const length = base + (i < extra ? 1 : 0);
    const piece = sliceAlong(x, axis, start, length);
    start += length;
    return piece;
  });
};

/** The tensors of `xs` in the output's dtype, each reshaped by `atLeast` (NumPy's atleast_Nd). */
function joined(call: KernelCall, atLeast: (shape: number[]) => number[]): tf.Tensor[] {
  const dtype = call.outputDtype;
  return call.tensors('xs').map((t) => {
    const cast = t.dtype === dtype ? t : tf.cast(t, dtype);
    const shape = atLeast(cast.shape);
    return shape.length === cast.rank ? cast : tf.reshape(cast, shape);
  });
}

/** Concatenation in the output's dtype (bools as int32: the layer casts them back). */
function concat(xs: tf.Tensor[], axis: number): tf.Tensor {
  if (xs[0]?.dtype === 'bool')
    return tf.concat(
      xs.map((t) => tf.cast(t, 'int32')),
      axis,
    );
  return tf.concat(xs, axis);
}

const hstack: Kernel = (call) => {
  const xs = joined(call, (s) => (s.length === 0 ? [1] : s));
  return concat(xs, xs[0]!.rank === 1 ? 0 : 1);
};

const vstack: Kernel = (call) =>
  concat(
    joined(call, (s) => (s.length === 0 ? [1, 1] : s.length === 1 ? [1, s[0]!] : s)),
    0,
  );

const dstack: Kernel = (call) =>
  concat(
    joined(call, (s) => (s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0]!, 1] : s.length === 2 ? [...s, 1] : s)),
    2,
  );

/** jnp.append: x2 after x1 along `axis`, both flattened for None. */
const append: Kernel = (call) => {
  let [x1, x2] = [call.cast('x1'), call.cast('x2')];
  if (call.value('axis') === null) [x1, x2] = [tf.reshape(x1, [-1]), tf.reshape(x2, [-1])];
  const axis = call.value('axis') === null ? 0 : axisOf(call, intOf(call, 'axis'), x1.rank);
  return concat([x1, x2], axis);
};

const broadcastTo: Kernel = (call) => {
  const x = call.tensor('x');
  const shape = intsOf(call, 'shape');
  return x.dtype === 'bool' ? tf.cast(tf.broadcastTo(tf.cast(x, 'int32'), shape), 'bool') : tf.broadcastTo(x, shape);
};

/** One side of an einops pattern: its axes, a group in parentheses as its names. */
function patternAxes(side: string): string[][] {
  return [...side.matchAll(/\w+|\(.*?\)/g)].map((m) => (m[0].startsWith('(') ? (m[0].match(/\w+/g) ?? []) : [m[0]]));
}

/**
 * keras.ops.rearrange as Keras writes it (keras/src/ops/einops.py): the input's groups decomposed with the lengths
 * given (one length of a group inferred), a transpose to the output's order, a reshape to its groups.
 */
const rearrange: Kernel = (call) => {
  const x = call.tensor('tensor');
  const pattern = call.value('pattern');
  const lengths = call.value('axes_lengths');
  if (typeof pattern !== 'string') throw new Error(`${call.path}: the pattern is not a string`);
  const given: Record<string, number> = {};
  if (lengths !== null && typeof lengths === 'object' && !Array.isArray(lengths)) {
    for (const [name, length] of Object.entries(lengths)) {
      if (typeof length !== 'number' || !Number.isInteger(length)) throw new Error(`${call.path}: the length of ${name} is not an int`);
      given[name] = length;
    }
  }
  const sides = pattern.split(/\s*->\s*/);
  if (sides.length !== 2) throw new Error(`${call.path}: the pattern '${pattern}' is not 'input -> output'`);
  const [input, output] = sides.map(patternAxes) as [string[][], string[][]];
  if (input.length !== x.rank)
    throw new Error(`${call.path}: the pattern '${pattern}' has ${input.length} axes for a tensor of rank ${x.rank}`);
  const sizes = new Map<string, number>();
  input.forEach((group, i) => {
    const known = group.filter((a) => given[a] !== undefined);
    const inferred = group.filter((a) => given[a] === undefined);
    if (group.length === 1 && inferred.length === 1) sizes.set(group[0]!, x.shape[i]!);
    else {
      if (inferred.length > 1) throw new Error(`${call.path}: the lengths of ${inferred.join(', ')} are not given`);
      const product = known.reduce((p, a) => p * given[a]!, 1);
      for (const a of known) sizes.set(a, given[a]!);
      if (inferred.length === 1) sizes.set(inferred[0]!, Math.floor(x.shape[i]! / product));
    }
  });
  const flatInput = input.flat();
  const flatOutput = output.flat();
  const missing = flatOutput.find((a) => !flatInput.includes(a));
  if (missing !== undefined) throw new Error(`${call.path}: the axis '${missing}' of the output is not in the input`);
  const size = (a: string): number => sizes.get(a)!;
  const distinct = (axes: string[]): boolean => new Set(axes).size === axes.length;
  if (!distinct(flatInput) || !distinct(flatOutput) || flatOutput.length !== flatInput.length) {
    throw new Error(`${call.path} with the pattern '${pattern}' is not evaluated`);
  }
  const decomposed = tf.reshape(x, flatInput.map(size));
  const transposed = tf.transpose(
    decomposed,
    flatOutput.map((a) => flatInput.indexOf(a)),
  );
  return tf.reshape(
    transposed,
    output.map((group) => group.reduce((p, a) => p * size(a), 1)),
  );
};

export const arrangementKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.moveaxis': (call) => {
    const x = call.tensor('x');
    return tf.transpose(x, moveaxisPermutation(call, x.rank));
  },
  'keras.ops.swapaxes': swapaxes,
  'keras.ops.tile': tile,
  'keras.ops.repeat': repeat,
  'keras.ops.diff': diff,
  'keras.ops.flip': (call) => {
    const x = call.tensor('x');
    return reverse(x, axesOf(call, 'axis', x.rank));
  },
  'keras.ops.fliplr': (call) => reverse(call.tensor('x'), [1]),
  'keras.ops.flipud': (call) => reverse(call.tensor('x'), [0]),
  'keras.ops.roll': roll,
  'keras.ops.split': (call) => {
    const x = call.tensor('x');
    return splitPieces(call, x, axisOf(call, intOf(call, 'axis'), x.rank));
  },
  'keras.ops.array_split': arraySplit,
  'keras.ops.hsplit': splitOn((x) => (x.rank === 1 ? 0 : 1), 1),
  'keras.ops.vsplit': splitOn(() => 0, 2),
  'keras.ops.dsplit': splitOn(() => 2, 3),
  'keras.ops.hstack': hstack,
  'keras.ops.vstack': vstack,
  'keras.ops.dstack': dstack,
  'keras.ops.append': append,
  'keras.ops.broadcast_to': broadcastTo,
  'keras.ops.ravel': (call) => tf.reshape(call.tensor('x'), [-1]),
  ...padKernels,
  ...indexingKernels,
  ...sortingKernels,
  ...viewKernels,
  'keras.ops.rot90': rot90,
  'keras.ops.rearrange': rearrange,
  ...uniqueKernels,
};
