// jax.scipy.ndimage.map_coordinates (order 0 or 1) and the keras.ops.image ops built on it: map_coordinates,
// affine_transform and perspective_transform. Each coordinate axis gives one node (order 0: rounded half away from
// zero) or two (order 1: floor and floor + 1, weighted 1 - t and t); the nodes of all axes combine in
// itertools.product order, each contribution weight · value (the fill value outside the input for mode 'constant'),
// summed in that order. Indices are remapped per fill mode as JAX remaps them.

import * as tf from '@tensorflow/tfjs';
import { clipInt } from './arrangement-helpers.js';
import { castTo } from './core-kernels.js';
import type { Kernel, KernelCall } from './kernel.js';
import { getrf, luSolve, view } from './linalg-openblas.js';

const fillModes = ['constant', 'nearest', 'wrap', 'mirror', 'reflect'];

/** An int32 scalar: tfjs makes a JS number float32, which would turn int32 index arithmetic into float32. */
const int = (value: number): tf.Tensor => tf.scalar(value, 'int32');

/** jnp.round (half away from zero). */
const roundHalfAway = (x: tf.Tensor): tf.Tensor => tf.mul(tf.sign(x), tf.floor(tf.add(tf.abs(x), 0.5)));

/** JAX's index fixers (int32 indices into an axis of `size`). */
function fixIndex(index: tf.Tensor, size: number, mode: string): tf.Tensor {
  switch (mode) {
    case 'nearest':
      return clipInt(index, 0, size - 1);
    case 'wrap':
      return tf.mod(index, int(size));
    case 'mirror':
      return mirror(index, size);
    case 'reflect':
      // floor_divide(mirror(2 i + 1, 2 size + 1) - 1, 2)
      return tf.floorDiv(tf.sub(mirror(tf.add(tf.mul(index, int(2)), int(1)), 2 * size + 1), int(1)), int(2));
    default:
      return index;
  }
}

function mirror(index: tf.Tensor, size: number): tf.Tensor {
  const s = size - 1;
  if (s === 0) return tf.zerosLike(index);
  return tf.abs(tf.sub(tf.mod(tf.add(index, int(s)), int(2 * s)), int(s)));
}

interface Node {
  readonly index: tf.Tensor;
  readonly weight: tf.Tensor | null;
  readonly valid: tf.Tensor | null;
}

/**
 * map_coordinates of `input` at `coordinates` (one float32 tensor per axis of input, all of one shape). Axes listed in
 * `exact` take their coordinate as an exact index (a batch axis that vmap maps over).
 */
export function mapCoordinates(
  input: tf.Tensor,
  coordinates: readonly tf.Tensor[],
  order: number,
  mode: string,
  fill: number,
  exact: ReadonlySet<number> = new Set(),
): tf.Tensor {
  if (order !== 0 && order !== 1)
    throw new Error(`map_coordinates with order=${order} is not evaluated: Keras raises (order must be 0 or 1)`);
  if (!fillModes.includes(mode)) throw new Error(`map_coordinates with fill_mode='${mode}' is not evaluated: Keras raises`);
  const values = input.dtype === 'float32' ? input : tf.cast(input, 'float32');
  const perAxis: Node[][] = coordinates.map((c, axis) => {
    const size = input.shape[axis]!;
    if (exact.has(axis)) return [{ index: tf.cast(c, 'int32'), weight: null, valid: null }];
    const nodes: [tf.Tensor, tf.Tensor | null][] = [];
    if (order === 0) nodes.push([tf.cast(roundHalfAway(c), 'int32'), null]);
    else {
      const lower = tf.floor(c);
      const upper = tf.sub(c, lower);
      const index = tf.cast(lower, 'int32');
      nodes.push([index, tf.sub(1, upper)], [tf.add(index, int(1)), upper]);
    }
    return nodes.map(([index, weight]) => ({
      index: fixIndex(index, size, mode),
      weight,
      valid: mode === 'constant' ? tf.logicalAnd(tf.greaterEqual(index, int(0)), tf.less(index, int(size))) : null,
    }));
  });
  let result: tf.Tensor | null = null;
  const combos = perAxis.reduce<Node[][]>((acc, nodes) => acc.flatMap((combo) => nodes.map((n) => [...combo, n])), [[]]);
  for (const combo of combos) {
    const indices = tf.stack(
      combo.map((n, axis) => clipInt(n.index, 0, input.shape[axis]! - 1)),
      -1,
    );
    let contribution = tf.gatherND(values, indices);
    const validities = combo.map((n) => n.valid).filter((v): v is tf.Tensor => v !== null);
    if (validities.length > 0) {
      const valid = validities.reduce((a, b) => tf.logicalAnd(a, b));
      contribution = tf.where(valid, contribution, tf.fill(contribution.shape, fill));
    }
    const weights = combo.map((n) => n.weight).filter((w): w is tf.Tensor => w !== null);
    const term =
      weights.length === 0
        ? contribution
        : tf.mul(
            weights.reduce((a, b) => tf.mul(a, b)),
            contribution,
          );
    result = result === null ? term : tf.add(result, term);
  }
  const out = result!;
  return input.dtype === 'float32' ? out : castTo(roundHalfAway(out), input.dtype as 'int32' | 'bool');
}

const interpolations: Readonly<Record<string, number>> = { nearest: 0, bilinear: 1 };

function interpolationOrder(call: KernelCall): number {
  const interpolation = call.value('interpolation');
  const order = typeof interpolation === 'string' ? interpolations[interpolation] : undefined;
  if (order === undefined)
    throw new Error(`${call.path} with interpolation=${JSON.stringify(interpolation)} is not evaluated: Keras raises`);
  return order;
}

function fillValue(call: KernelCall): number {
  const fill = call.value('fill_value');
  if (typeof fill !== 'number') throw new Error(`${call.path}: fill_value ${JSON.stringify(fill)} is not a number`);
  return fill;
}

const channelsFirst = (call: KernelCall): boolean => {
  const format = call.value('data_format');
  return typeof format === 'string' && format.toLowerCase() === 'channels_first';
};

/** images as a batch in channels_last, and how to give the result back in the layout it came in. */
function asBatchNHWC(images: tf.Tensor, first: boolean): [tf.Tensor, (t: tf.Tensor) => tf.Tensor] {
  if (images.rank !== 3 && images.rank !== 4) throw new Error(`an image op of a rank-${images.rank} tensor is not evaluated`);
  const unbatched = images.rank === 3;
  let x = unbatched ? tf.expandDims(images, 0) : images;
  if (first) x = tf.transpose(x, [0, 2, 3, 1]);
  return [
    x,
    (t) => {
      let y = first ? tf.transpose(t, [0, 3, 1, 2]) : t;
      if (unbatched) y = tf.squeeze(y, [0]);
      return y;
    },
  ];
}

export const mapCoordinatesKernel: Kernel = (call) => {
  const inputs = call.tensor('inputs');
  const coordinates = call.cast('coordinates', 'float32');
  if (coordinates.shape[0] !== inputs.rank) throw new Error(`${call.path}: the first axis of coordinates must be the rank of inputs`);
  const mode = call.value('fill_mode');
  return mapCoordinates(inputs, tf.unstack(coordinates, 0), call.number('order'), String(mode), fillValue(call));
};

export const affineTransform: Kernel = (call) => {
  const mode = call.value('fill_mode');
  if (typeof mode !== 'string' || !fillModes.includes(mode))
    throw new Error(`${call.path} with fill_mode=${JSON.stringify(mode)} is not evaluated: Keras raises`);
  const order = interpolationOrder(call);
  const [images, back] = asBatchNHWC(call.tensor('images'), channelsFirst(call));
  let transform = call.cast('transform', 'float32');
  if (transform.rank === 1) transform = tf.expandDims(transform, 0);
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  if (transform.rank !== 2 || transform.shape[1] !== 8) throw new Error(`${call.path}: transform must be (8,) or (N, 8)`);
  if (transform.shape[0] !== batch) {
    throw new Error(
      `${call.path} of ${batch} images with ${transform.shape[0]} transforms is not evaluated: JAX raises (one transform per image)`,
    );
  }
  // Keras swaps a0/b1 and a2/b2 and reads the result as a 3x3 matrix M applied to (h, w, c): the row coordinate is
  // h·b1 + w·b0 + c·c0 + b2, the column one h·a1 + w·a0 + c·c1 + a2, the channel one c (c0 and c1 scale the channel).
  const t = tf.unstack(transform, 1).map((v) => tf.reshape(v, [batch, 1, 1, 1]));
  const [a0, a1, a2, b0, b1, b2, c0, c1] = t as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const grid = (axis: number, size: number) => {
    const shape = [1, 1, 1, 1];
    shape[axis] = size;
    return tf.reshape(tf.range(0, size, 1, 'float32'), shape);
  };
  const h = grid(1, height);
  const w = grid(2, width);
  const c = grid(3, channels);
  const full = [batch, height, width, channels];
  const rowCoordinate = tf.add(tf.add(tf.add(tf.mul(h, b1), tf.mul(w, b0)), tf.mul(c, c0)), b2);
  const colCoordinate = tf.add(tf.add(tf.add(tf.mul(h, a1), tf.mul(w, a0)), tf.mul(c, c1)), a2);
  const coordinates = [
    tf.broadcastTo(grid(0, batch), full),
    tf.broadcastTo(rowCoordinate, full),
    tf.broadcastTo(colCoordinate, full),
    tf.broadcastTo(c, full),
  ];
  return back(mapCoordinates(images, coordinates, order, mode, fillValue(call), new Set([0])));
};

// ---- perspective_transform -------------------------------------------------------------------------------------------

const f32 = Math.fround;

/** compute_homography_matrix: the 8 coefficients solving the 8x8 system, as jnp.linalg.solve gives them. */
function homography(start: Float32Array, end: Float32Array): Float32Array {
  const sx = [0, 1, 2, 3].map((i) => start[i * 2]!);
  const sy = [0, 1, 2, 3].map((i) => start[i * 2 + 1]!);
  const ex = [0, 1, 2, 3].map((i) => end[i * 2]!);
  const ey = [0, 1, 2, 3].map((i) => end[i * 2 + 1]!);
  const a = new Float32Array(64);
  for (let i = 0; i < 4; i++) {
    a.set([ex[i]!, ey[i]!, 1, 0, 0, 0, f32(-sx[i]! * ex[i]!), f32(-sx[i]! * ey[i]!)], i * 8);
    a.set([0, 0, 0, ex[i]!, ey[i]!, 1, f32(-sy[i]! * ex[i]!), f32(-sy[i]! * ey[i]!)], (i + 4) * 8);
  }
  const b = Float32Array.from([...sx, ...sy]);
  const ipiv = getrf(view(a, 8, 8));
  luSolve(view(a, 8, 8), ipiv, view(b, 8, 1));
  return b;
}

export const perspectiveTransform: Kernel = (call) => {
  const order = interpolationOrder(call);
  const [images, back] = asBatchNHWC(call.tensor('images'), channelsFirst(call));
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  const points = (name: string) => {
    const p = call.cast(name, 'float32');
    return p.rank === 2 ? tf.expandDims(p, 0) : p;
  };
  const start = points('start_points');
  const end = points('end_points');
  if (start.shape[0] !== batch) {
    throw new Error(
      `${call.path} of ${batch} images with ${start.shape[0]} sets of points is not evaluated: JAX raises (one set per image)`,
    );
  }
  const startData = start.dataSync() as Float32Array;
  const endData = end.dataSync() as Float32Array;
  const transforms = Array.from({ length: batch }, (_, i) =>
    homography(startData.slice(i * 8, i * 8 + 8), endData.slice(i * 8, i * 8 + 8)),
  );
  const m = tf.tensor2d(
    transforms.flatMap((t) => [...t]),
    [batch, 8],
  );
  const t = tf.unstack(m, 1).map((v) => tf.reshape(v, [batch, 1, 1]));
  const x = tf.reshape(tf.range(0, width, 1, 'float32'), [1, 1, width]);
  const y = tf.reshape(tf.range(0, height, 1, 'float32'), [1, height, 1]);
  const denom = tf.add(tf.add(tf.mul(t[6]!, x), tf.mul(t[7]!, y)), 1);
  const xIn = tf.div(tf.add(tf.add(tf.mul(t[0]!, x), tf.mul(t[1]!, y)), t[2]!), denom);
  const yIn = tf.div(tf.add(tf.add(tf.mul(t[3]!, x), tf.mul(t[4]!, y)), t[5]!), denom);
  const full = [batch, height, width, channels];
  const expand = (v: tf.Tensor) => tf.broadcastTo(tf.expandDims(v, -1), full);
  const coordinates = [
    tf.broadcastTo(tf.reshape(tf.range(0, batch, 1, 'float32'), [batch, 1, 1, 1]), full),
    expand(yIn),
    expand(xIn),
    tf.broadcastTo(tf.reshape(tf.range(0, channels, 1, 'float32'), [1, 1, 1, channels]), full),
  ];
  return back(mapCoordinates(images, coordinates, order, 'constant', fillValue(call), new Set([0, 3])));
};
