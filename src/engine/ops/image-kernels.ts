// Kernels of keras.ops.image (keras/src/ops/image.py, JAX backend): colour conversions, crop_images and pad_images,
// extract_patches, gaussian_blur and sobel_edges; resize and scale_and_translate are in image-resize.ts, the ops that
// sample coordinates (map_coordinates, affine_transform, perspective_transform) in image-sample.ts.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { castTo } from './core-kernels.js';
import { resize, scaleAndTranslate } from './image-resize.js';
import { affineTransform, mapCoordinatesKernel, perspectiveTransform } from './image-sample.js';
import type { Kernel, KernelCall } from './kernel.js';

const f32 = Math.fround;

/** data_format as the op standardizes it (None is channels_last). */
function channelsFirst(call: KernelCall): boolean {
  const format = call.value('data_format');
  return typeof format === 'string' && format.toLowerCase() === 'channels_first';
}

function imageRank(x: tf.Tensor, path: string): void {
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`${path} of a rank-${x.rank} tensor is not evaluated: Keras expects rank 3 or 4`);
}

// ---- colour ---------------------------------------------------------------------------------------------------------

const rgbToGrayscale: Kernel = (call) => {
  const images = call.tensor('images');
  imageRank(images, call.path);
  const axis = images.rank - (channelsFirst(call) ? 3 : 1);
  if (images.shape[axis] === 1) return images;
  if (images.shape[axis] !== 3) throw new Error(`${call.path}: images need 1 or 3 channels`);
  const shape = images.shape.map((_, i) => (i === axis ? 3 : 1));
  const weights = tf.reshape(tf.tensor1d([0.2989, 0.587, 0.114], 'float32'), shape);
  const gray = tf.sum(tf.mul(castTo(images, 'float32'), weights), axis, true);
  return castTo(gray, images.dtype as 'float32' | 'int32');
};

/** The three channel planes of an image (squeezed) and how to stack three planes back. */
function planes(call: KernelCall): [tf.Tensor[], (p: tf.Tensor[]) => tf.Tensor] {
  const images = call.tensor('images', 'float32');
  imageRank(images, call.path);
  if (images.dtype !== 'float32')
    throw new Error(`${call.path} of ${images.dtype} images is not evaluated: Keras raises (float images only)`);
  const axis = images.rank - (channelsFirst(call) ? 3 : 1);
  if (images.shape[axis] !== 3) throw new Error(`${call.path}: images need 3 channels`);
  return [tf.unstack(images, axis), (p) => tf.stack(p, axis)];
}

const rgbToHsv: Kernel = (call) => {
  const eps = 1.1920928955078125e-7;
  const [rgb, stack] = planes(call);
  const [r, g, b] = rgb.map((p) => tf.where(tf.less(tf.abs(p), eps), tf.zerosLike(p), p)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const value = tf.maximum(tf.maximum(r, g), b);
  const minimum = tf.minimum(tf.minimum(r, g), b);
  const range = tf.sub(value, minimum);
  const safeValue = tf.where(tf.greater(value, 0), value, tf.onesLike(value));
  const safeRange = tf.where(tf.greater(range, 0), range, tf.onesLike(range));
  const saturation = tf.where(tf.greater(value, 0), tf.div(range, safeValue), tf.zerosLike(value));
  const norm = tf.div(1, tf.mul(6, safeRange));
  let hue = tf.where(tf.equal(value, g), tf.add(tf.mul(norm, tf.sub(b, r)), 2 / 6), tf.add(tf.mul(norm, tf.sub(r, g)), 4 / 6));
  hue = tf.where(tf.equal(value, r), tf.mul(norm, tf.sub(g, b)), hue);
  hue = tf.add(tf.where(tf.greater(range, 0), hue, tf.zerosLike(hue)), tf.cast(tf.less(hue, 0), 'float32'));
  return stack([hue, saturation, value]);
};

const hsvToRgb: Kernel = (call) => {
  const [[hue, saturation, value], stack] = planes(call) as [[tf.Tensor, tf.Tensor, tf.Tensor], (p: tf.Tensor[]) => tf.Tensor];
  const dh = tf.mul(tf.mod(hue, 1), 6);
  const dr = tf.clipByValue(tf.sub(tf.abs(tf.sub(dh, 3)), 1), 0, 1);
  const dg = tf.clipByValue(tf.sub(2, tf.abs(tf.sub(dh, 2))), 0, 1);
  const db = tf.clipByValue(tf.sub(2, tf.abs(tf.sub(dh, 4))), 0, 1);
  const oneMinusS = tf.sub(1, saturation);
  const channel = (d: tf.Tensor) => tf.mul(value, tf.add(oneMinusS, tf.mul(saturation, d)));
  return stack([channel(dr), channel(dg), channel(db)]);
};

// ---- crop_images, pad_images --------------------------------------------------------------------------------------

function optionalInt(call: KernelCall, name: string): number | null {
  const value = call.value(name);
  if (value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new Error(`${call.path}: \`${name}\` ${JSON.stringify(value)} is not an int`);
}

function exactlyTwo(call: KernelCall, names: [string, string, string]): (number | null)[] {
  const values = names.map((n) => optionalInt(call, n));
  if (values.filter((v) => v === null).length !== 1) throw new Error(`${call.path}: give exactly two of ${names.join(', ')}`);
  return values;
}

const cropImages: Kernel = (call) => {
  const images = call.tensor('images');
  imageRank(images, call.path);
  const hAxis = images.rank - (channelsFirst(call) ? 2 : 3);
  const [top, bottom, height] = exactlyTwo(call, ['top_cropping', 'bottom_cropping', 'target_height']);
  const [left, right, width] = exactlyTwo(call, ['left_cropping', 'right_cropping', 'target_width']);
  const h = images.shape[hAxis]!;
  const w = images.shape[hAxis + 1]!;
  const t = top ?? h - height! - bottom!;
  const th = height ?? h - bottom! - t;
  const l = left ?? w - width! - right!;
  const tw = width ?? w - right! - l;
  if ([t, th, l, tw].some((v) => v < 0)) throw new Error(`${call.path}: a cropping or target size is negative (Keras raises)`);
  if (th > h || tw > w) throw new Error(`${call.path}: the crop is larger than the images (JAX raises)`);
  // ops.slice: jax.lax.dynamic_slice clamps the start so that the crop fits.
  const begin = images.shape.map(() => 0);
  const size = [...images.shape];
  begin[hAxis] = Math.min(t, h - th);
  begin[hAxis + 1] = Math.min(l, w - tw);
  size[hAxis] = th;
  size[hAxis + 1] = tw;
  return tf.slice(images, begin, size);
};

const padImages: Kernel = (call) => {
  const images = call.tensor('images');
  imageRank(images, call.path);
  const hAxis = images.rank - (channelsFirst(call) ? 2 : 3);
  const [top, bottom, height] = exactlyTwo(call, ['top_padding', 'bottom_padding', 'target_height']);
  const [left, right, width] = exactlyTwo(call, ['left_padding', 'right_padding', 'target_width']);
  const h = images.shape[hAxis]!;
  const w = images.shape[hAxis + 1]!;
  const t = top ?? height! - bottom! - h;
  const b = bottom ?? height! - t - h;
  const l = left ?? width! - right! - w;
  const r = right ?? width! - l - w;
  if ([t, b, l, r].some((v) => v < 0)) throw new Error(`${call.path}: a padding is negative (Keras raises)`);
  const paddings = images.shape.map((_, i): [number, number] => (i === hAxis ? [t, b] : i === hAxis + 1 ? [l, r] : [0, 0]));
  return tf.pad(images.dtype === 'bool' ? tf.cast(images, 'int32') : images, paddings);
};

// ---- extract_patches ------------------------------------------------------------------------------------------------

function perAxis(value: JsonValue, axes: number, what: string, path: string): number[] {
  const list = typeof value === 'number' ? Array<number>(axes).fill(value) : value;
  if (!Array.isArray(list) || list.length !== axes || !list.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not an int or ${axes} ints`);
  }
  return list as number[];
}

/**
 * The patches of a channels_last batch (N, *spatial, C): a conv with an identity kernel, so output channel
 * (p_1, …, p_d, c) flattened in that order holds input pixel (stride·o + dilation·p, c), zero-padded for 'same'.
 */
function patches(x: tf.Tensor, size: number[], strides: number[], dilation: number[], padding: string, path: string): tf.Tensor {
  const d = size.length;
  const spatial = x.shape.slice(1, 1 + d);
  let out: number[];
  let padded = x;
  if (padding === 'valid') {
    out = spatial.map((n, i) => Math.floor((n - dilation[i]! * (size[i]! - 1) - 1) / strides[i]!) + 1);
  } else if (padding === 'same') {
    out = spatial.map((n, i) => Math.ceil(n / strides[i]!));
    const pads = spatial.map((n, i) => Math.max((out[i]! - 1) * strides[i]! + (size[i]! - 1) * dilation[i]! + 1 - n, 0));
    padded = tf.pad(x, [[0, 0], ...pads.map((p): [number, number] => [Math.floor(p / 2), p - Math.floor(p / 2)]), [0, 0]]);
  } else {
    throw new Error(`${path} with padding='${padding}' is not evaluated`);
  }
  if (out.some((o) => o <= 0)) throw new Error(`${path}: the patches would have a size of zero or less (Keras raises)`);
  const offsets = size.reduce<number[][]>((acc, k) => acc.flatMap((o) => Array.from({ length: k }, (_, p) => [...o, p])), [[]]);
  const pieces = offsets.map((o) => {
    const begin = [0, ...o.map((p, i) => p * dilation[i]!), 0];
    const end = [x.shape[0]!, ...o.map((p, i) => p * dilation[i]! + (out[i]! - 1) * strides[i]! + 1), x.shape[x.rank - 1]!];
    return tf.stridedSlice(padded, begin, end, [1, ...strides, 1]);
  });
  return tf.concat(pieces, -1);
}

function extractPatches(dims: 2 | 3, imagesName: string): Kernel {
  return (call) => {
    const images = call.tensor(imagesName);
    const sizeValue = call.value('size');
    const size = perAxis(sizeValue, dims, '`size`', call.path);
    const stridesValue = call.value('strides');
    const strides =
      stridesValue === null || (Array.isArray(stridesValue) && stridesValue.length === 0)
        ? size
        : perAxis(stridesValue, dims, '`strides`', call.path);
    const dilation = perAxis(call.value('dilation_rate'), dims, '`dilation_rate`', call.path);
    const padding = String(call.value('padding')).toLowerCase();
    const first = channelsFirst(call);
    if (images.rank !== dims + 1 && images.rank !== dims + 2)
      throw new Error(`${call.path} of a rank-${images.rank} tensor is not evaluated`);
    const unbatched = images.rank === dims + 1;
    let x = unbatched ? tf.expandDims(images, 0) : images;
    const toLast = [0, ...Array.from({ length: dims }, (_, i) => i + 2), 1];
    const toFirst = [0, dims + 1, ...Array.from({ length: dims }, (_, i) => i + 1)];
    if (first) x = tf.transpose(x, toLast);
    let y = patches(x, size, strides, dilation, padding, call.path);
    if (first) y = tf.transpose(y, toFirst);
    return unbatched ? tf.squeeze(y, [0]) : y;
  };
}

// ---- gaussian_blur, sobel_edges ---------------------------------------------------------------------------------------

/** A small float pair given as a Python sequence or a tensor. */
function pair(call: KernelCall, name: string): number[] {
  const value = call.value(name);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  if (typeof value === 'number') return [value, value];
  return Array.from(call.tensor(name, 'float32').dataSync());
}

/** The normalised 1-D Gaussian of `size` taps, in float32. */
function gaussian1d(size: number, sigma: number): number[] {
  const s = f32(sigma);
  const centre = f32((size - 1) / 2);
  const k = Array.from({ length: size }, (_, i) => f32(Math.exp(f32(-0.5 * f32(f32(f32(i - centre) / s) ** 2)))));
  const total = k.reduce((a, b) => f32(a + b), 0);
  return k.map((v) => f32(v / total));
}

/** A depthwise 'same' cross-correlation of a channels_last batch with one (kh, kw) kernel for every channel. */
function depthwise(x: tf.Tensor4D, kernel: number[][]): tf.Tensor4D {
  const kh = kernel.length;
  const kw = kernel[0]!.length;
  const channels = x.shape[3];
  const filter = tf.tile(tf.reshape(tf.tensor2d(kernel, [kh, kw], 'float32'), [kh, kw, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
  // XLA's SAME puts the extra row and column of an even kernel after, as TensorFlow does.
  return tf.depthwiseConv2d(x, filter, 1, 'same');
}

const gaussianBlur: Kernel = (call) => {
  const images = call.cast('images', 'float32');
  imageRank(images, call.path);
  const size = pair(call, 'kernel_size');
  const sigma = pair(call, 'sigma');
  if (size.length !== 2 || sigma.length !== 2 || !size.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`${call.path}: kernel_size and sigma must be pairs`);
  }
  // outer(kernel1d(size[1], sigma[1]), kernel1d(size[0], sigma[0])): size[1] rows by size[0] columns.
  const ky = gaussian1d(size[1]!, sigma[1]!);
  const kx = gaussian1d(size[0]!, sigma[0]!);
  const kernel = ky.map((a) => kx.map((b) => f32(a * b)));
  const unbatched = images.rank === 3;
  let x = unbatched ? tf.expandDims(images, 0) : images;
  const first = channelsFirst(call);
  if (first) x = tf.transpose(x, [0, 2, 3, 1]);
  let y: tf.Tensor = depthwise(x as tf.Tensor4D, kernel);
  if (first) y = tf.transpose(y, [0, 3, 1, 2]);
  return unbatched ? tf.squeeze(y, [0]) : y;
};

const sobelEdges: Kernel = (call) => {
  const images = call.cast('images', 'float32');
  if (images.rank !== 4) throw new Error(`${call.path} of a rank-${images.rank} tensor is not evaluated: Keras expects a batch of images`);
  const first = channelsFirst(call);
  const x = (first ? tf.transpose(images, [0, 2, 3, 1]) : images) as tf.Tensor4D;
  const dx = depthwise(x, [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]);
  const dy = depthwise(x, [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ]);
  const back = (t: tf.Tensor) => (first ? tf.transpose(t, [0, 3, 1, 2]) : t);
  return tf.stack([back(dy), back(dx)], -1);
};

export const imageKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.image.rgb_to_grayscale': rgbToGrayscale,
  'keras.ops.image.rgb_to_hsv': rgbToHsv,
  'keras.ops.image.hsv_to_rgb': hsvToRgb,
  'keras.ops.image.crop_images': cropImages,
  'keras.ops.image.pad_images': padImages,
  'keras.ops.image.extract_patches': extractPatches(2, 'images'),
  'keras.ops.image.gaussian_blur': gaussianBlur,
  'keras.ops.image.resize': resize,
  'keras.ops.image.scale_and_translate': scaleAndTranslate,
  'keras.ops.image.map_coordinates': mapCoordinatesKernel,
  'keras.ops.image.affine_transform': affineTransform,
  'keras.ops.image.perspective_transform': perspectiveTransform,
  'keras.ops.image.sobel_edges': sobelEdges,
  'keras.ops.image.extract_patches_3d': extractPatches(3, 'volumes'),
};

/**
 * keras.ops.image.ssim (keras/src/ops/image.py's _ssim): per channel, Gaussian-weighted means, variances and covariance
 * by a "valid" convolution with the filter_size² kernel (outer product of the normalized 1-D Gaussian), the SSIM map
 * averaged over space, then over channels.
 */
const ssim: Kernel = (call) => {
  let a = call.cast('image1', 'float32');
  let b = call.cast('image2', 'float32');
  if ((a.rank !== 3 && a.rank !== 4) || a.shape.join(',') !== b.shape.join(','))
    throw new Error(
      `${call.path} of images of shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)} is not evaluated: Keras expects one 3-D or 4-D shape`,
    );
  const unbatched = a.rank === 3;
  if (unbatched) [a, b] = [tf.expandDims(a, 0), tf.expandDims(b, 0)];
  if (channelsFirst(call)) [a, b] = [tf.transpose(a, [0, 2, 3, 1]), tf.transpose(b, [0, 2, 3, 1])];
  const size = call.number('filter_size');
  const sigma = call.number('filter_sigma');
  const maxVal = call.number('max_val');
  const [k1, k2] = [call.number('k1'), call.number('k2')];
  const [batch, height, width, channels] = a.shape as [number, number, number, number];
  if (!Number.isInteger(size) || size < 1 || size > height || size > width)
    throw new Error(`${call.path} with filter_size ${size} on ${height}x${width} images is not evaluated`);
  const f32 = Math.fround;
  const gauss = Array.from({ length: size }, (_, i) => {
    const x = f32(i - (size - 1) / 2);
    return f32(Math.exp(f32(-f32(x * x) / f32(2 * sigma * sigma))));
  });
  const total = gauss.reduce((s, v) => f32(s + v), 0);
  const g = gauss.map((v) => f32(v / total));
  const kernel = tf.tensor4d(
    g.flatMap((u) => g.map((v) => f32(u * v))),
    [size, size, 1, 1],
  );
  const perChannel = (t: tf.Tensor) => tf.reshape(tf.transpose(t, [0, 3, 1, 2]), [-1, height, width, 1]) as tf.Tensor4D;
  const x = perChannel(a);
  const y = perChannel(b);
  const blur = (t: tf.Tensor4D) => tf.conv2d(t, kernel as tf.Tensor4D, 1, 'valid');
  const mu1 = blur(x);
  const mu2 = blur(y);
  const mu1Sq = tf.mul(mu1, mu1);
  const mu2Sq = tf.mul(mu2, mu2);
  const mu12 = tf.mul(mu1, mu2);
  const s1 = tf.sub(blur(tf.mul(x, x)), mu1Sq);
  const s2 = tf.sub(blur(tf.mul(y, y)), mu2Sq);
  const s12 = tf.sub(blur(tf.mul(x, y)), mu12);
  const c1 = (k1 * maxVal) ** 2;
  const c2 = (k2 * maxVal) ** 2;
  const numerator = tf.mul(tf.add(tf.mul(2, mu12), c1), tf.add(tf.mul(2, s12), c2));
  const denominator = tf.mul(tf.add(tf.add(mu1Sq, mu2Sq), c1), tf.add(tf.add(s1, s2), c2));
  const perImage = tf.mean(tf.reshape(tf.mean(tf.div(numerator, denominator), [1, 2, 3]), [batch, channels]), -1);
  return unbatched ? tf.squeeze(perImage, [0]) : perImage;
};

export const ssimKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.image.ssim': ssim,
};
