// keras.ops.image.resize and scale_and_translate as JAX computes them (jax/_src/image/scale.py): nearest picks
// floor((i + 0.5) · in / out); the other methods contract each resized axis with a weight matrix, the kernel (triangle,
// Keys cubic, Lanczos 3 or 5) sampled at the output pixel centres, widened by the scale when antialiasing a
// downsample, normalised per output pixel, and zero where the sample falls outside the input. The weights are
// computed in float32 as JAX computes them; the contraction is a float32 matMul (JAX's einsum sums in another order).

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { castTo, convertTo, saturationLimits } from './core-kernels.js';
import type { Kernel, KernelCall, TfDtype } from './kernel.js';

const f32 = Math.fround;
const eps32 = 1.1920928955078125e-7;

type Weight = (x: number) => number;

const triangle: Weight = (x) => Math.max(0, f32(1 - Math.abs(x)));

const keysCubic: Weight = (x) => {
  if (x >= 2) return 0;
  if (x >= 1) return f32(f32(f32(f32(f32(-0.5 * x) + 2.5) * x) - 4) * x) + 2;
  return f32(f32(f32(f32(f32(1.5 * x) - 2.5) * x) * x) + 1);
};

function lanczos(radius: number): Weight {
  return (x) => {
    if (x > radius) return 0;
    if (!(x > 1e-3)) return 1;
    const y = f32(f32(radius * f32(Math.sin(f32(Math.PI * x)))) * f32(Math.sin(f32(f32(Math.PI * x) / radius))));
    return f32(y / f32(f32(Math.PI * Math.PI) * f32(x * x)));
  };
}

/** The kernel of a jax.image method name (Keras's names: bilinear, bicubic, lanczos3, lanczos5; linear, cubic, …). */
export function resizeKernel(method: string): Weight | undefined {
  if (['linear', 'bilinear', 'trilinear', 'triangle'].includes(method)) return triangle;
  if (['cubic', 'bicubic', 'tricubic'].includes(method)) return keysCubic;
  if (method === 'lanczos3') return lanczos(3);
  if (method === 'lanczos5') return lanczos(5);
  return undefined;
}

/**
 * compute_weight_mat: the (in, out) float32 weights of one axis. `inverseScale` is 1/scale as JAX has it in float32;
 * `shift` is translation · inverseScale.
 */
export function weightMatrix(
  inSize: number,
  outSize: number,
  inverseScale: number,
  shift: number,
  kernel: Weight,
  antialias: boolean,
): Float32Array {
  const kernelScale = antialias ? Math.max(inverseScale, 1) : 1;
  const w = new Float32Array(inSize * outSize);
  for (let j = 0; j < outSize; j++) {
    const sample = f32(f32(f32(f32(j + 0.5) * inverseScale) - shift) - 0.5);
    let total = 0;
    for (let i = 0; i < inSize; i++) {
      const x = f32(Math.abs(f32(sample - i)) / kernelScale);
      const v = f32(kernel(x));
      w[i * outSize + j] = v;
      total = f32(total + v);
    }
    const inside = sample >= -0.5 && sample <= inSize - 0.5;
    for (let i = 0; i < inSize; i++) {
      const v = w[i * outSize + j]!;
      w[i * outSize + j] = inside && Math.abs(total) > 1000 * eps32 ? f32(v / (total !== 0 ? total : 1)) : 0;
    }
  }
  return w;
}

/** x contracted with the (in, out) weights along `axis`. */
function contract(x: tf.Tensor, axis: number, weights: Float32Array, outSize: number): tf.Tensor {
  const inSize = x.shape[axis]!;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const moved = tf.transpose(x, [...perm, axis]);
  const flat = tf.reshape(moved, [-1, inSize]);
  const out = tf.matMul(flat, tf.tensor2d(weights, [inSize, outSize]));
  const order = [...perm, axis];
  const back = order.map((_, i) => order.indexOf(i));
  return tf.transpose(tf.reshape(out, [...moved.shape.slice(0, -1), outSize]), back);
}

/** jax.image.resize's nearest: the input index floor((i + 0.5) · in / out) in float32, per resized axis. */
function resizeNearest(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  let out = x;
  shape.forEach((n, axis) => {
    const m = out.shape[axis]!;
    if (m === n) return;
    const indices = Array.from({ length: n }, (_, i) => Math.min(m - 1, Math.floor(f32(f32(f32(i + 0.5) * m) / n))));
    out = tf.gather(out, indices, axis);
  });
  return out;
}

/** jax.image.resize(x, shape, method, antialias) for the methods Keras offers. */
export function jaxResize(x: tf.Tensor, shape: readonly number[], method: string, antialias: boolean): tf.Tensor {
  if (method === 'nearest') return resizeNearest(x, shape);
  const kernel = resizeKernel(method);
  if (!kernel) throw new Error(`keras.ops.image.resize with interpolation='${method}' is not evaluated`);
  let out = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  shape.forEach((n, axis) => {
    const m = out.shape[axis]!;
    if (m === n) return;
    // scale = n / m in Python floats; 1 / scale becomes a float32 constant.
    const inverseScale = n === 0 ? 1 : f32(1 / (n / m));
    out = contract(out, axis, weightMatrix(m, n, inverseScale, 0, kernel, antialias), n);
  });
  return out;
}

// ---- keras.ops.image.resize ------------------------------------------------------------------------------------------

const methods = ['bilinear', 'nearest', 'lanczos3', 'lanczos5', 'bicubic'];

function ints(value: JsonValue, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new Error(`keras.ops.image.resize: ${what} ${JSON.stringify(value)} is not a tuple of ints`);
  }
  return value as number[];
}

function channelsFirst(call: KernelCall): boolean {
  const format = call.value('data_format');
  return typeof format === 'string' && format.toLowerCase() === 'channels_first';
}

/** The backend's crop_to_aspect_ratio: a centred crop of the largest box of the target's aspect ratio. */
function cropToAspect(x: tf.Tensor, hAxis: number, targetH: number, targetW: number): tf.Tensor {
  const height = x.shape[hAxis]!;
  const width = x.shape[hAxis + 1]!;
  const cropH = Math.max(Math.min(height, Math.trunc((width * targetH) / targetW)), 1);
  const cropW = Math.max(Math.min(width, Math.trunc((height * targetW) / targetH)), 1);
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  begin[hAxis] = Math.trunc((height - cropH) / 2);
  begin[hAxis + 1] = Math.trunc((width - cropW) / 2);
  size[hAxis] = cropH;
  size[hAxis + 1] = cropW;
  return tf.slice(x, begin, size);
}

/** The backend's pad_to_aspect_ratio: the same number of fill rows (or else columns) on both sides. */
function padToAspect(x: tf.Tensor, hAxis: number, targetH: number, targetW: number, fill: number): tf.Tensor {
  const height = x.shape[hAxis]!;
  const width = x.shape[hAxis + 1]!;
  const padH = Math.max(height, Math.trunc((width * targetH) / targetW));
  const padW = Math.max(width, Math.trunc((height * targetW) / targetH));
  const hStart = Math.trunc((padH - height) / 2);
  const wStart = Math.trunc((padW - width) / 2);
  const axis = hStart > 0 ? hAxis : wStart > 0 ? hAxis + 1 : -1;
  if (axis < 0) return x;
  const amount = hStart > 0 ? hStart : wStart;
  const paddings = x.shape.map((_, i): [number, number] => (i === axis ? [amount, amount] : [0, 0]));
  const floats = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  return tf.pad(floats, paddings, fill);
}

export const resize: Kernel = (call) => {
  const images = call.tensor('images');
  const method = call.value('interpolation');
  if (typeof method !== 'string' || !methods.includes(method)) {
    throw new Error(`keras.ops.image.resize with interpolation=${JSON.stringify(method)} is not evaluated: Keras raises`);
  }
  if (call.value('fill_mode') !== 'constant')
    throw new Error(`keras.ops.image.resize with fill_mode other than 'constant' is not evaluated: Keras raises`);
  const crop = call.value('crop_to_aspect_ratio') === true;
  const pad = call.value('pad_to_aspect_ratio') === true;
  if (crop && pad) throw new Error('keras.ops.image.resize: only one of pad_to_aspect_ratio and crop_to_aspect_ratio can be True');
  const [targetH, targetW] = ints(call.value('size'), '`size`');
  if (images.rank !== 3 && images.rank !== 4) throw new Error(`keras.ops.image.resize of a rank-${images.rank} tensor is not evaluated`);
  const hAxis = images.rank - (channelsFirst(call) ? 2 : 3);
  const fill = call.value('fill_value');
  let x = images;
  if (crop) x = cropToAspect(x, hAxis, targetH!, targetW!);
  else if (pad) x = padToAspect(x, hAxis, targetH!, targetW!, typeof fill === 'number' ? fill : 0);
  const shape = [...x.shape];
  shape[hAxis] = targetH!;
  shape[hAxis + 1] = targetW!;
  const antialias = call.value('antialias') === true;
  const resized = jaxResize(x, shape, method, antialias);
  if (images.dtype === 'float32') return resized;
  // Keras's _resize: integer images are rounded (half to even) and saturated to their dtype.
  return saturated(tf.round(castTo(resized, 'float32')), call.call.outputs[0]!.dtype, call.outputDtype);
};

function saturated(x: tf.Tensor, kerasDtype: string, dtype: TfDtype): tf.Tensor {
  const [low, high] = saturationLimits('float32', kerasDtype);
  return convertTo(tf.clipByValue(x, low, high), kerasDtype, dtype);
}

// ---- keras.ops.image.scale_and_translate ---------------------------------------------------------------------------

const scaleAndTranslateMethods = ['linear', 'bilinear', 'trilinear', 'cubic', 'bicubic', 'tricubic', 'lanczos3', 'lanczos5'];

/** Two small float vectors (scale, translation), given as tensors or Python sequences. */
function floats(call: KernelCall, name: string): number[] {
  const value = call.value(name);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return (value as number[]).map(f32);
  return Array.from(call.tensor(name, 'float32').dataSync(), f32);
}

export const scaleAndTranslate: Kernel = (call) => {
  const images = call.cast('images', 'float32');
  const method = call.value('method');
  if (typeof method !== 'string' || !scaleAndTranslateMethods.includes(method)) {
    throw new Error(`keras.ops.image.scale_and_translate with method=${JSON.stringify(method)} is not evaluated: Keras raises`);
  }
  const kernel = resizeKernel(method)!;
  const outputShape = call.value('output_shape');
  const dims = call.value('spatial_dims');
  if (!Array.isArray(outputShape) || !outputShape.every((d) => typeof d === 'number') || outputShape.length !== images.rank) {
    throw new Error(
      `keras.ops.image.scale_and_translate: output_shape ${JSON.stringify(outputShape)} is not a shape of rank ${images.rank}`,
    );
  }
  if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number')) {
    throw new Error(`keras.ops.image.scale_and_translate: spatial_dims ${JSON.stringify(dims)} is not a tuple of ints`);
  }
  const scale = floats(call, 'scale');
  const translation = floats(call, 'translation');
  if (scale.length !== dims.length || translation.length !== dims.length) {
    throw new Error('keras.ops.image.scale_and_translate: scale and translation need one value per spatial dim');
  }
  const antialias = call.value('antialias') !== false;
  let out: tf.Tensor = images;
  (dims as number[]).forEach((d, i) => {
    const axis = d < 0 ? d + images.rank : d;
    const n = outputShape[axis] as number;
    const inverseScale = f32(1 / scale[i]!);
    const shift = f32(translation[i]! * inverseScale);
    out = contract(out, axis, weightMatrix(out.shape[axis]!, n, inverseScale, shift, kernel, antialias), n);
  });
  // Axes that are not spatial keep their size (Keras's output_shape repeats them).
  return out;
};
