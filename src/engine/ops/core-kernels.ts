// Kernels of keras.ops core (keras/src/ops/core.py, JAX backend): slice and slice_update (jax.lax.dynamic_slice and
// dynamic_update_slice: a negative start counts from the end, then every start is clamped so the slice fits),
// scatter and scatter_update (`.at[indices]`: negative indices count from the end, indices out of bounds are dropped,
// a repeated index is written last-wins by `set`), unstack, convert_to_tensor and saturate_cast.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { truth, type Kernel, type KernelCall, type TfDtype } from './kernel.js';

/** A cast that gives bools as `x != 0` on every backend. */
export function castTo(t: tf.Tensor, dtype: TfDtype): tf.Tensor {
  if (t.dtype === dtype) return t;
  return dtype === 'bool' ? truth(t) : tf.cast(t, dtype);
}

/** A list of ints given as a Python value or as a (small) int tensor. */
function intList(call: KernelCall, name: string): number[] {
  const value: JsonValue = call.value(name);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) return value as number[];
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value['tensor'] === 'number') {
    const t = call.tensor(name, 'int32');
    if (t.dtype !== 'int32') throw new Error(`${call.path}: \`${name}\` is a ${t.dtype} tensor, not an int one (JAX raises)`);
    return Array.from(t.dataSync());
  }
  throw new Error(`${call.path}: \`${name}\` ${JSON.stringify(value)} is not a list of ints`);
}

/** lax.dynamic_slice's starts: negative ones from the end, then clamped into [0, dim - size]. */
function clampedStarts(starts: readonly number[], shape: readonly number[], sizes: readonly number[]): number[] {
  return starts.map((s, i) => {
    const dim = shape[i]!;
    const start = s < 0 ? s + dim : s;
    return Math.min(Math.max(start, 0), dim - sizes[i]!);
  });
}

const slice: Kernel = (call) => {
  const x = call.tensor('inputs');
  const starts = intList(call, 'start_indices');
  const shape = intList(call, 'shape');
  if (starts.length !== x.rank || shape.length !== x.rank) {
    throw new Error(`${call.path}: start_indices and shape need ${x.rank} entries, one for each axis of inputs`);
  }
  // The backend's -1: the rest of the axis after the start as given (before any clamping).
  const sizes = shape.map((s, i) => (s === -1 ? x.shape[i]! - starts[i]! : s));
  if (sizes.some((s, i) => s < 0 || s > x.shape[i]!)) {
    throw new Error(
      `${call.path} of shape ${JSON.stringify(sizes)} from inputs of shape ${JSON.stringify(x.shape)} is not evaluated: JAX raises (slice larger than the operand)`,
    );
  }
  return tf.slice(x, clampedStarts(starts, x.shape, sizes), sizes);
};

const sliceUpdate: Kernel = (call) => {
  const x = call.cast('inputs');
  const updates = call.cast('updates');
  const starts = intList(call, 'start_indices');
  if (updates.rank !== x.rank || starts.length !== x.rank || updates.shape.some((d, i) => d > x.shape[i]!)) {
    throw new Error(
      `${call.path} of updates ${JSON.stringify(updates.shape)} into inputs ${JSON.stringify(x.shape)} at ${JSON.stringify(starts)} is not evaluated: JAX raises`,
    );
  }
  const begin = clampedStarts(starts, x.shape, updates.shape);
  const padding = begin.map((b, i): [number, number] => [b, x.shape[i]! - b - updates.shape[i]!]);
  const mask = tf.pad(tf.ones(updates.shape, 'int32'), padding);
  const placed = tf.pad(updates.dtype === 'bool' ? tf.cast(updates, 'int32') : updates, padding);
  return tf.where(tf.cast(mask, 'bool'), castTo(placed, x.dtype as TfDtype), x);
};

const unstack: Kernel = (call) => {
  const x = call.tensor('x');
  const given = call.number('axis');
  const axis = given < 0 ? given + x.rank : given;
  // JAX gives one tensor per entry of the axis, whatever `num` says.
  if (x.shape[axis] !== call.call.outputs.length) {
    throw new Error(
      `${call.path} of an axis of ${x.shape[axis]} into ${call.call.outputs.length} tensors is not evaluated: Keras gives ${x.shape[axis]} tensors`,
    );
  }
  return tf.unstack(x, axis);
};

// ---- casts as XLA converts: saturate_cast, convert_to_tensor ----------------------------------------------------------

const intRanges: Readonly<Record<string, [number, number]>> = {
  bool: [0, 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-9223372036854775808, 9223372036854775807],
  uint64: [0, 18446744073709551615],
};

const floatMax: Readonly<Record<string, number>> = {
  float16: 65504,
  bfloat16: 3.3895313892515355e38,
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
};

const int32Min = -2147483648;
const int32Max = 2147483647;

/** A double rounded to a float dtype (float16's limits are exact; bfloat16 keeps 8 significant bits). */
function roundTo(dtype: string, v: number): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'bfloat16') {
    if (v === 0 || !Number.isFinite(v)) return v;
    const e = Math.floor(Math.log2(Math.abs(v)));
    const q = 2 ** (e - 7);
    return Math.round(v / q) * q;
  }
  return v;
}

/** numpy's float → int32 astype on x86: out of range (or NaN) gives INT_MIN. */
const toInt32 = (v: number): number => (Number.isNaN(v) || v < int32Min || v > int32Max ? int32Min : Math.trunc(v));

/**
 * Keras's `_saturate_cast` limits: the target's range in the input's dtype, computed with NumPy's promotion (an int
 * range meeting a float one becomes that float, then `astype` back, which overflows to INT_MIN for int32 against
 * float32), and nudged towards 0 where a float limit rounds out of the target's range.
 */
export function saturationLimits(inDtype: TfDtype, outDtype: string): [number, number] {
  const inInt = inDtype !== 'float32';
  const outInt = intRanges[outDtype] !== undefined;
  if (!outInt && floatMax[outDtype] === undefined) throw new Error(`keras.ops.saturate_cast to ${outDtype} is not evaluated`);
  const [outMin, outMax] = outInt ? intRanges[outDtype]! : [-floatMax[outDtype]!, floatMax[outDtype]!];
  if (inInt) {
    const [inMin, inMax] = inDtype === 'bool' ? [0, 1] : [int32Min, int32Max];
    if (outInt) return [Math.max(inMin, outMin), Math.min(inMax, outMax)];
    return [toInt32(roundTo(outDtype, Math.max(inMin, outMin))), toInt32(roundTo(outDtype, Math.min(inMax, outMax)))];
  }
  const fmax = floatMax['float32']!;
  let low = Math.fround(Math.max(-fmax, outMin));
  let high = Math.fround(Math.min(fmax, outMax));
  const toward0 = (v: number) => {
    const bits = new Float32Array([v]);
    new Int32Array(bits.buffer)[0]! -= 1;
    return bits[0]!;
  };
  if (low < outMin) low = toward0(low);
  if (high > outMax) high = toward0(high);
  return [low, high];
}

/**
 * XLA's convert of a tensor to a Keras dtype, held in the TensorFlow.js dtype `dtype`: floats to integers truncate
 * and saturate (NaN to 0), integers to narrower integers wrap, anything to bool is `!= 0`.
 */
export function convertTo(t: tf.Tensor, kerasDtype: string, dtype: TfDtype): tf.Tensor {
  if (dtype !== 'int32' || kerasDtype === 'bool') return castTo(t, dtype);
  const range = intRanges[kerasDtype];
  if (!range) return castTo(t, dtype);
  const [low, high] = range;
  const beyond = high > int32Max || low < int32Min;
  if (t.dtype === 'float32') {
    const clipped = tf.where(tf.isNaN(t), tf.zerosLike(t), tf.clipByValue(t, low, high));
    if (beyond && tf.any(tf.logicalOr(tf.greater(clipped, int32Max), tf.less(clipped, int32Min))).dataSync()[0]) {
      throw new Error(`a cast to ${kerasDtype} of values beyond int32 is not evaluated: TensorFlow.js's int32 cannot hold them`);
    }
    // Within int32 now: truncate towards zero (tf.cast does); 2**31 (int32's top as a float32) saturates.
    const top = tf.greaterEqual(clipped, 2147483648);
    return tf.where(top, tf.fill(clipped.shape, int32Max, 'int32'), tf.cast(tf.where(top, tf.zerosLike(clipped), clipped), 'int32'));
  }
  const ints = t.dtype === 'int32' ? t : tf.cast(t, 'int32');
  if (kerasDtype === 'int32' || kerasDtype === 'int64') return ints;
  if (beyond) {
    // uint32 / uint64: a negative int32 wraps past int32.
    if (tf.any(tf.less(ints, tf.scalar(0, 'int32'))).dataSync()[0]) {
      throw new Error(`a cast to ${kerasDtype} of negative values is not evaluated: TensorFlow.js's int32 cannot hold them`);
    }
    return ints;
  }
  const width = high - low + 1;
  // Two's complement wrap into [low, high].
  const shifted = tf.sub(ints, tf.scalar(low, 'int32'));
  return tf.add(tf.mod(shifted, tf.scalar(width, 'int32')), tf.scalar(low, 'int32'));
}

const convertToTensor: Kernel = (call) => {
  if (call.value('ragged') === true) throw new Error(`${call.path} with ragged=True is not evaluated: JAX raises`);
  return convertTo(call.tensor('x'), call.call.outputs[0]!.dtype, call.outputDtype);
};

const saturateCast: Kernel = (call) => {
  const x = call.tensor('x');
  const outDtype = call.call.outputs[0]!.dtype;
  const [low, high] = saturationLimits(x.dtype as TfDtype, outDtype);
  // Keras clips unconditionally (which also turns ±inf into the limits), then casts.
  const source = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  const clipped = tf.minimum(tf.maximum(source, tf.scalar(low, source.dtype)), tf.scalar(high, source.dtype));
  return convertTo(clipped, outDtype, call.outputDtype);
};

// ---- scatter, scatter_update -------------------------------------------------------------------------------------------

/** The rows of `indices` (…, k) that address `shape`, normalized; out-of-bounds rows as null (JAX drops them). */
function scatterTargets(indices: tf.Tensor, shape: readonly number[], path: string): { k: number; flat: (number | null)[] } {
  if (indices.dtype !== 'int32')
    throw new Error(`${path} with ${indices.dtype} indices is not evaluated: JAX raises (indices must be integers)`);
  if (indices.rank < 1) throw new Error(`${path}: indices must have rank >= 1`);
  const k = indices.shape[indices.rank - 1]!;
  if (k > shape.length) throw new Error(`${path}: indices address ${k} axes of a tensor of rank ${shape.length}`);
  const data = indices.dataSync();
  const count = k === 0 ? 0 : data.length / k;
  const flat: (number | null)[] = [];
  for (let r = 0; r < count; r++) {
    let offset = 0;
    let inBounds = true;
    for (let a = 0; a < k; a++) {
      let i = data[r * k + a]!;
      if (i < 0) i += shape[a]!;
      if (i < 0 || i >= shape[a]!) inBounds = false;
      offset = offset * shape[a]! + i;
    }
    flat.push(inBounds ? offset : null);
  }
  return { k, flat };
}

/** The updates as one row per index row: (count, prod(shape[k:])) after broadcasting to indices.shape[:-1] + shape[k:]. */
function updateRows(updates: tf.Tensor, indices: tf.Tensor, shape: readonly number[], k: number, path: string): tf.Tensor {
  const target = [...indices.shape.slice(0, -1), ...shape.slice(k)];
  let u: tf.Tensor;
  try {
    u = tf.broadcastTo(updates, target);
  } catch {
    throw new Error(`${path}: updates of shape ${JSON.stringify(updates.shape)} do not fit ${JSON.stringify(target)}`);
  }
  const inner = shape.slice(k).reduce((a, b) => a * b, 1);
  return tf.reshape(u, [-1, inner]);
}

/** Sums each update row into a zero tensor of `shape` at its target (a repeated target adds up). */
function scatterAdd(rows: tf.Tensor, flat: readonly (number | null)[], shape: readonly number[], k: number): tf.Tensor {
  const outer = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const inner = rows.shape[1]!;
  const kept = flat.map((t, r) => [t, r] as const).filter(([t]) => t !== null) as [number, number][];
  if (kept.length === 0) return tf.zeros([...shape], rows.dtype);
  const picked = tf.gather(
    rows,
    kept.map(([, r]) => r),
  );
  const summed = tf.scatterND(
    tf.tensor2d(
      kept.map(([t]) => [t]),
      [kept.length, 1],
      'int32',
    ),
    picked,
    [outer, inner],
  );
  return tf.reshape(summed, [...shape]);
}

const scatter: Kernel = (call) => {
  const indices = call.tensor('indices', 'int32');
  const values = call.cast('values');
  const shape = intList(call, 'shape');
  if (values.dtype === 'bool') throw new Error(`${call.path} of bool values is not evaluated`);
  const { k, flat } = scatterTargets(indices, shape, call.path);
  return scatterAdd(updateRows(values, indices, shape, k, call.path), flat, shape, k);
};

const scatterUpdate: Kernel = (call) => {
  const inputs = call.cast('inputs');
  const indices = call.tensor('indices', 'int32');
  const updates = call.cast('updates');
  const reduction = call.value('reduction');
  if (indices.rank !== 2) {
    throw new Error(
      `${call.path} with indices of rank ${indices.rank} is not evaluated (Keras transposes them: only (N, k) indices are read)`,
    );
  }
  if (inputs.dtype === 'bool') throw new Error(`${call.path} of bool inputs is not evaluated`);
  const shape = inputs.shape;
  const { k, flat } = scatterTargets(indices, shape, call.path);
  const rows = updateRows(updates, indices, shape, k, call.path);
  const outer = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const inner = rows.shape[1]!;
  if (reduction === 'add') return tf.add(inputs, scatterAdd(rows, flat, shape, k));
  if (reduction === null) {
    // `set`: the last row written to each target wins.
    const last = new Map<number, number>();
    flat.forEach((t, r) => t !== null && last.set(t, r));
    if (last.size === 0) return inputs;
    const targets = [...last.keys()];
    const picked = tf.gather(rows, [...last.values()]);
    const where = tf.tensor2d(
      targets.map((t) => [t]),
      [targets.length, 1],
      'int32',
    );
    const placed = tf.reshape(tf.scatterND(where, picked, [outer, inner]), shape);
    const mask = tf.reshape(tf.scatterND(where, tf.ones([targets.length, inner], 'int32'), [outer, inner]), shape);
    return tf.where(tf.cast(mask, 'bool'), placed, inputs);
  }
  const combine: Readonly<Record<string, (a: number, b: number) => number>> = {
    max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
    min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
    mul: (a, b) => a * b,
  };
  const op = typeof reduction === 'string' ? combine[reduction.toLowerCase()] : undefined;
  if (!op) throw new Error(`${call.path} with reduction=${JSON.stringify(reduction)} is not evaluated`);
  const out = Array.from(inputs.dataSync());
  const values = rows.dataSync();
  const round = inputs.dtype === 'int32' ? (v: number) => Math.trunc(v) | 0 : Math.fround;
  flat.forEach((t, r) => {
    if (t === null) return;
    for (let j = 0; j < inner; j++) out[t * inner + j] = round(op(out[t * inner + j]!, values[r * inner + j]!));
  });
  return tf.tensor(out, shape, inputs.dtype);
};

export const coreKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.slice': slice,
  'keras.ops.convert_to_tensor': convertToTensor,
  'keras.ops.slice_update': sliceUpdate,
  'keras.ops.unstack': unstack,
  'keras.ops.saturate_cast': saturateCast,
  'keras.ops.scatter': scatter,
  'keras.ops.scatter_update': scatterUpdate,
};
