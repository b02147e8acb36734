// TensorFlow.js implementations of the Keras preprocessing and augmentation layers (see
// src/analysis/keras/rules/preprocessing.ts), as Keras 3.15 computes them at inference (training=False):
// the random augmentation layers return their input, cast to float32 where Keras casts it; AutoContrast and
// CenterCrop transform it; Normalization, CategoryEncoding, Discretization, Hashing and HashedCrossing (TensorFlow's
// FarmHash, SipHash and hash crossing, on numbers)
// and IntegerLookup compute from the state their config gives. Classes tfjs-layers already registers under the Keras name (CategoryEncoding, CenterCrop), and
// gets wrong, are registered as TensorLens<Name>, which the rules' `evaluation` names.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { type KerasLayerClass, type LayerArgs, normalizeDataFormat, singleShape, singleTensor } from './common.js';

type Args = LayerArgs & Record<string, unknown>;

/** A config string value as tfjs hands it over: snake_case from Keras, camel-cased by tfjs's deserialization. */
function option(value: unknown, fallback: string): string {
  return (typeof value === 'string' ? value : fallback).replace(/_/g, '').toLowerCase();
}

/** Keras's spelling of an output mode read by `option`. */
const modeName = (mode: string): string => ({ onehot: 'one_hot', multihot: 'multi_hot', tfidf: 'tf_idf' })[mode] ?? mode;

/** A Keras layer that only needs its config back from getConfig. */
abstract class ConfiguredLayer extends tf.layers.Layer {
  protected readonly args: Record<string, unknown>;

  constructor(args: Args) {
    // Keras dtypes tfjs lacks (int64) stay out of the base layer; the subclasses read the dtype they need.
    super({ ...args, dtype: undefined });
    const base = new Set(['name', 'trainable', 'dtype', 'batchInputShape', 'inputShape']);
    this.args = Object.fromEntries(Object.entries(args).filter(([key]) => !base.has(key)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.args as tf.serialization.ConfigDict) };
  }
}

// ---- Augmentation layers: the identity at inference -----------------------------------------------------------------

/** `BaseImagePreprocessingLayer._is_batched`: every image layer's call raises on another rank, at inference too. */
function checkImageRank(x: tf.Tensor): void {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(
      `Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: data.shape=(${x.shape.join(', ')})`,
    );
  }
}

/**
 * An augmentation layer at inference: its input, checked to be an image or a batch of images, cast to float32 when
 * Keras's `transform_images` casts it to the compute dtype (`cast`) and left as it is otherwise.
 */
function identityAtInference(className: string, cast: boolean): KerasLayerClass {
  const cls = class extends ConfiguredLayer {
    static className = className;

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return singleShape(inputShape);
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() => {
        const x = singleTensor(inputs);
        checkImageRank(x);
        return cast && x.dtype !== 'float32' ? tf.cast(x, 'float32') : tf.clone(x);
      });
    }
  };
  return cls as unknown as KerasLayerClass;
}

// Cast to the compute dtype before (not) transforming; the others return their input unchanged when not training.
const castingAugmentations = [
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomShear',
  'RandomPerspective',
  'RandomElasticTransform',
  'RandomErasing',
  'RandomGaussianBlur',
  'RandomSharpness',
  'Solarization',
  'CutMix',
  'AugMix',
  'RandAugment',
];
const passingAugmentations = [
  'RandomContrast',
  'RandomBrightness',
  'RandomGrayscale',
  'RandomHue',
  'RandomSaturation',
  'RandomInvert',
  'RandomPosterization',
  'RandomColorDegeneration',
  'RandomColorJitter',
  'MixUp',
  'MaxNumBoundingBoxes',
  'Equalization',
];

// ---- Image layers applied at inference ------------------------------------------------------------------------------

/** Bilinear resize with half-pixel centres (jax.image.resize without antialiasing, tf.image.resize), either layout. */
function resizeBilinear(x: tf.Tensor, size: [number, number], channelsFirst: boolean): tf.Tensor {
  if (!channelsFirst) return tf.image.resizeBilinear(x as tf.Tensor4D, size, false, true);
  const perm = x.rank === 4 ? [0, 2, 3, 1] : [1, 2, 0];
  const back = x.rank === 4 ? [0, 3, 1, 2] : [2, 0, 1];
  return tf.transpose(tf.image.resizeBilinear(tf.transpose(x, perm) as tf.Tensor4D, size, false, true), back);
}

/** A crop of the height and width axes of an image or a batch of images. */
function cropHW(x: tf.Tensor, channelsFirst: boolean, top: number, left: number, height: number, width: number): tf.Tensor {
  const hAxis = x.rank - (channelsFirst ? 2 : 3);
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  begin[hAxis] = top;
  begin[hAxis + 1] = left;
  size[hAxis] = height;
  size[hAxis + 1] = width;
  return tf.slice(x, begin, size);
}

/** Keras's CenterCrop: a centred crop when the image is large enough both ways, else `smart_resize` (crop to the aspect ratio, bilinear resize). */
export class CenterCrop extends ConfiguredLayer {
  static className = 'TensorLensCenterCrop';
  private readonly height: number;
  private readonly width: number;
  private readonly channelsFirst: boolean;

  constructor(args: Args) {
    super(args);
    this.height = args['height'] as number;
    this.width = args['width'] as number;
    this.channelsFirst = normalizeDataFormat(args['dataFormat']) === 'channelsFirst';
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = [...singleShape(inputShape)];
    const hAxis = shape.length - (this.channelsFirst ? 2 : 3);
    shape[hAxis] = this.height;
    shape[hAxis + 1] = this.width;
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(singleTensor(inputs), 'float32');
      checkImageRank(x);
      const hAxis = x.rank - (this.channelsFirst ? 2 : 3);
      const [h, w] = [x.shape[hAxis]!, x.shape[hAxis + 1]!];
      const [H, W] = [this.height, this.width];
      if (h >= H && w >= W) return cropHW(x, this.channelsFirst, Math.floor((h - H) / 2), Math.floor((w - W) / 2), H, W);
      const cropH = Math.max(Math.min(h, Math.trunc((w * H) / W)), 1);
      const cropW = Math.max(Math.min(w, Math.trunc((h * W) / H)), 1);
      const cropped = cropHW(x, this.channelsFirst, Math.trunc((h - cropH) / 2), Math.trunc((w - cropW) / 2), cropH, cropW);
      return resizeBilinear(cropped, [H, W], this.channelsFirst);
    });
  }
}

/** Keras's AutoContrast: each image and channel stretched to the value range (its min and max over height and width). */
export class AutoContrast extends ConfiguredLayer {
  static className = 'AutoContrast';
  private readonly low: number;
  private readonly high: number;

  constructor(args: Args) {
    super(args);
    const range = ((args['valueRange'] as number[] | undefined) ?? [0, 255]).slice().sort((a, b) => a - b);
    [this.low, this.high] = [range[0]!, range[1]!];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const given = singleTensor(inputs);
      checkImageRank(given);
      const original = tf.cast(given, 'float32');
      // An unbatched image is transformed as a batch of one.
      const batch = given.rank === 3 ? tf.expandDims(original, 0) : original;
      const identity = this.low === 0 && this.high === 255;
      const toPixels = identity ? batch : tf.add(tf.mul(tf.div(tf.sub(batch, this.low), this.high - this.low), 255), 0);
      const low = tf.min(toPixels, [1, 2], true);
      const high = tf.max(toPixels, [1, 2], true);
      const scale = tf.div(255, tf.sub(high, low));
      const offset = tf.mul(tf.neg(low), scale);
      const stretched = tf.add(tf.mul(toPixels, scale), offset);
      const clipped = tf.clipByValue(stretched, 0, 255);
      const back = identity ? clipped : tf.add(tf.mul(tf.div(tf.sub(clipped, 0), 255), this.high - this.low), this.low);
      // A flat channel (high == low) divides by zero: Keras keeps the input there.
      const result = tf.where(tf.isNaN(stretched), given.rank === 3 ? tf.expandDims(original, 0) : original, back);
      return given.rank === 3 ? tf.squeeze(result, [0]) : result;
    });
  }
}

/** `_transform_value_range`: the identity when the ranges agree. */
function rescaleRange(x: tf.Tensor, from: readonly [number, number], to: readonly [number, number]): tf.Tensor {
  if (from[0] === to[0] && from[1] === to[1]) return x;
  return tf.add(tf.mul(tf.div(tf.sub(tf.cast(x, 'float32'), from[0]), from[1] - from[0]), to[1] - to[0]), to[0]);
}

/** NumPy's `pad(mode="symmetric")` after the end of one axis, reflecting again when the padding exceeds the axis. */
function symmetricPad(x: tf.Tensor, axis: number, pad: number): tf.Tensor {
  if (pad === 0) return x;
  const size = x.shape[axis]!;
  const indices = Array.from({ length: size + pad }, (_, i) => {
    const folded = i % (2 * size);
    return folded < size ? folded : 2 * size - 1 - folded;
  });
  return tf.gather(x, tf.tensor1d(indices, 'int32'), axis);
}

/**
 * Keras's ContrastLimitedAdaptiveHistogramEqualization, step by step as its `_clahe`: per tile and channel a 256-bin
 * histogram, clipped and redistributed, its normalized CDF looked up for each pixel and interpolated between the
 * four nearest tiles. Applied at inference too; the result is cast back to the input's dtype.
 */
export class ContrastLimitedAdaptiveHistogramEqualization extends ConfiguredLayer {
  static className = 'ContrastLimitedAdaptiveHistogramEqualization';
  private readonly range: [number, number];
  private readonly clipLimit: number;
  private readonly grid: [number, number];
  private readonly channelsFirst: boolean;

  constructor(args: Args) {
    super(args);
    const range = (args['valueRange'] as number[] | undefined) ?? [0, 255];
    this.range = [range[0]!, range[1]!];
    this.clipLimit = typeof args['clipLimit'] === 'number' ? args['clipLimit'] : 4;
    const grid = (args['tileGridSize'] as number[] | undefined) ?? [8, 8];
    this.grid = [grid[0]!, grid[1]!];
    this.channelsFirst = normalizeDataFormat(args['dataFormat']) === 'channelsFirst';
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const given = singleTensor(inputs);
      checkImageRank(given);
      let images = given;
      if (this.channelsFirst) images = tf.transpose(images, images.rank === 4 ? [0, 2, 3, 1] : [1, 2, 0]);
      const batched = images.rank === 4 ? images : tf.expandDims(images, 0);
      const equalized = this.equalize(tf.cast(rescaleRange(batched, this.range, [0, 255]), 'float32'));
      let result = rescaleRange(equalized, [0, 255], this.range);
      if (images.rank === 3) result = tf.squeeze(result, [0]);
      if (this.channelsFirst) result = tf.transpose(result, result.rank === 4 ? [0, 3, 1, 2] : [2, 0, 1]);
      return tf.cast(result, given.dtype);
    });
  }

  private equalize(images: tf.Tensor): tf.Tensor {
    const [batch, height, width, channels] = images.shape as [number, number, number, number];
    const [gridH, gridW] = this.grid;
    const [tileH, tileW] = [Math.ceil(height / gridH), Math.ceil(width / gridW)];
    const [padH, padW] = [tileH * gridH - height, tileW * gridW - width];
    const padded = symmetricPad(symmetricPad(images, 1, padH), 2, padW);
    const tiles = tf.reshape(tf.transpose(tf.reshape(padded, [batch, gridH, tileH, gridW, tileW, channels]), [0, 1, 3, 5, 2, 4]), [
      batch,
      gridH,
      gridW,
      channels,
      tileH * tileW,
    ]);
    // Keras casts to int32, then clips to [0, 255]; the same clipped first, as wasm's clipByValue leaves int32 tensors unclipped.
    const binOf = (x: tf.Tensor): tf.Tensor => tf.cast(tf.clipByValue(tf.cast(x, 'float32'), 0, 255), 'int32');
    // Positive axes: tfjs's min and sum with keepDims mishandle a negative axis.
    // wasm's oneHot writes a float32 result as int bits: it is made int32 and cast.
    let histograms = tf.sum(tf.cast(tf.oneHot(binOf(tiles), 256), 'float32'), 4);
    const tileSize = tileH * tileW;
    if (this.clipLimit > 0) {
      const clipped = tf.clipByValue(histograms, 0, (this.clipLimit * tileSize) / 256);
      const excess = tf.sum(tf.sub(histograms, clipped), 4, true);
      histograms = tf.add(clipped, tf.div(excess, 256));
    }
    const cdf = tf.cumsum(histograms, 4);
    const cdfMin = tf.min(cdf, 4, true);
    const denominator = tf.sub(tileSize, cdfMin);
    const safe = tf.where(tf.equal(denominator, 0), tf.onesLike(denominator), denominator);
    const normalized = tf.clipByValue(tf.div(tf.mul(tf.sub(cdf, cdfMin), 255), safe), 0, 255);
    // The tiles' CDFs with a border row and column repeated on each side.
    const rows = tf.concat([tf.slice(normalized, [0, 0], [-1, 1]), normalized, tf.slice(normalized, [0, gridH - 1], [-1, 1])], 1);
    const table = tf.concat([tf.slice(rows, [0, 0, 0], [-1, -1, 1]), rows, tf.slice(rows, [0, 0, gridW - 1], [-1, -1, 1])], 2);
    const flat = tf.reshape(table, [-1]);
    const axis = (tile: number, grid: number): { low: tf.Tensor; high: tf.Tensor; weight: tf.Tensor } => {
      const position = tf.add(tf.div(tf.sub(tf.range(0, tile * grid, 1, 'float32'), tile / 2), tile), 1);
      const low = tf.floor(position);
      const weight = tf.sub(position, low);
      return {
        low: tf.cast(tf.clipByValue(low, 0, grid + 1), 'int32'),
        high: tf.cast(tf.clipByValue(tf.add(low, 1), 0, grid + 1), 'int32'),
        weight,
      };
    };
    const y = axis(tileH, gridH);
    const x = axis(tileW, gridW);
    const strideX = 256 * channels;
    const strideY = strideX * (gridW + 2);
    const strideB = strideY * (gridH + 2);
    const pixels = binOf(tf.clipByValue(padded, 0, 255));
    const base = tf.add(
      tf.add(
        tf.reshape(tf.mul(tf.range(0, batch, 1, 'int32'), strideB), [batch, 1, 1, 1]),
        tf.reshape(tf.mul(tf.range(0, channels, 1, 'int32'), 256), [1, 1, 1, channels]),
      ),
      pixels,
    );
    const rowsAt = (t: tf.Tensor): tf.Tensor => tf.reshape(t, [1, -1, 1, 1]);
    const columnsAt = (t: tf.Tensor): tf.Tensor => tf.reshape(t, [1, 1, -1, 1]);
    const look = (row: tf.Tensor, column: tf.Tensor): tf.Tensor =>
      tf.gather(flat, tf.cast(tf.add(tf.add(base, rowsAt(tf.mul(row, strideY))), columnsAt(tf.mul(column, strideX))), 'int32'));
    const [wy, wx] = [rowsAt(y.weight), columnsAt(x.weight)];
    const top = tf.add(tf.mul(look(y.low, x.low), tf.sub(1, wx)), tf.mul(look(y.low, x.high), wx));
    const bottom = tf.add(tf.mul(look(y.high, x.low), tf.sub(1, wx)), tf.mul(look(y.high, x.high), wx));
    const result = tf.add(tf.mul(top, tf.sub(1, wy)), tf.mul(bottom, wy));
    return tf.slice(result, [0, 0, 0, 0], [-1, height, width, -1]);
  }
}

// ---- Normalization ----------------------------------------------------------------------------------------------

/** Keras's Normalization: (x - mean) / max(sqrt(variance), epsilon), or its inverse; the statistics given, or weights mean, variance, count. */
export class Normalization extends ConfiguredLayer {
  static className = 'Normalization';
  private readonly axes: number[];
  private readonly invert: boolean;
  private readonly given: { readonly mean: number | number[]; readonly variance: number | number[] } | null;
  private weightsOf: { mean: tf.LayerVariable; variance: tf.LayerVariable } | null = null;
  private keep: number[] = [];
  private broadcastShape: number[] = [];

  constructor(args: Args) {
    super(args);
    const axis = args['axis'];
    this.axes = axis === null || axis === undefined ? [] : Array.isArray(axis) ? (axis as number[]) : [axis as number];
    this.invert = args['invert'] === true;
    const mean = args['mean'];
    this.given = mean === null || mean === undefined ? null : { mean: mean as number[], variance: args['variance'] as number[] };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape);
    this.keep = [...new Set(this.axes.map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
    this.broadcastShape = shape.map((d, i) => (this.keep.includes(i) ? d! : 1));
    if (this.given === null) {
      const statistics = this.keep.map((d) => shape[d]!);
      this.weightsOf = {
        mean: this.addWeight('mean', statistics, 'float32', tf.initializers.zeros(), undefined, false),
        variance: this.addWeight('variance', statistics, 'float32', tf.initializers.ones(), undefined, false),
      };
      // An int in Keras; weights files are read as float32, and it is not used at inference.
      this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  /** A given mean or variance: its axes put on the kept axes from the last one, broadcast to the kept sizes. */
  private statistic(value: number | number[]): tf.Tensor {
    const t = tf.tensor(value, undefined, 'float32');
    if (t.rank === 0) return tf.broadcastTo(t, this.broadcastShape);
    const expanded = this.broadcastShape.map(() => 1);
    for (let i = 1; i <= t.rank; i++) expanded[this.keep[this.keep.length - i]!] = t.shape[t.rank - i]!;
    return tf.broadcastTo(tf.reshape(t, expanded), this.broadcastShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(singleTensor(inputs), 'float32');
      const [mean, variance] = this.weightsOf
        ? [tf.reshape(this.weightsOf.mean.read(), this.broadcastShape), tf.reshape(this.weightsOf.variance.read(), this.broadcastShape)]
        : [this.statistic(this.given!.mean), this.statistic(this.given!.variance)];
      const scale = tf.maximum(tf.sqrt(variance), 1e-7);
      return this.invert ? tf.add(mean, tf.mul(x, scale)) : tf.div(tf.sub(x, mean), scale);
    });
  }
}

// ---- Encodings ----------------------------------------------------------------------------------------------------

/** `tf.equal(x[..., None], range(depth))`: a one-hot row per id, zeros for an id outside [0, depth). */
function oneHot(x: tf.Tensor, depth: number, dtype: tf.DataType): tf.Tensor {
  const ids = tf.range(0, depth, 1, x.dtype === 'int32' ? 'int32' : 'float32');
  return tf.cast(tf.equal(tf.expandDims(x, -1), ids), dtype);
}

/**
 * `numerical_utils.encode_categorical_inputs` with JAX's one_hot and multi_hot: one_hot drops a last axis of 1,
 * multi_hot (ids truncated to ints) and count reduce axis 1 (axis 0 of a rank-1 input).
 */
function encode(x: tf.Tensor, mode: string, depth: number, dtype: tf.DataType): tf.Tensor {
  if (mode === 'int') return tf.cast(x, dtype);
  let ids = x.rank === 0 ? tf.expandDims(x, -1) : x;
  if (mode === 'onehot') {
    if (ids.rank > 1 && ids.shape.at(-1) === 1) ids = tf.squeeze(ids, [ids.rank - 1]);
    return oneHot(ids, depth, dtype);
  }
  const axis = ids.rank > 1 ? 1 : 0;
  if (mode === 'multihot') return tf.max(oneHot(tf.cast(ids, 'int32'), depth, dtype), axis);
  return tf.sum(oneHot(ids, depth, dtype), axis);
}

/** Keras reduces axis 1 of a rank-3 input, which disagrees with the shape it declares unless axes 1 and 2 agree. */
function checkReducedAxes(className: string, x: tf.Tensor, mode: string): void {
  if ((mode === 'multihot' || mode === 'count' || mode === 'tfidf') && x.rank > 2 && x.shape[1] !== x.shape[2]) {
    throw new Error(
      `${className} with output_mode="${modeName(mode)}" reduces axis 1 of a rank-${x.rank} input at run time, while the shape it declares keeps it: not evaluated`,
    );
  }
}

const dtypeOf = (value: unknown, fallback: tf.DataType): tf.DataType => {
  if (typeof value !== 'string') return fallback;
  if (/^u?int/.test(value)) return 'int32';
  if (value === 'bool') return 'bool';
  return 'float32';
};

/** Keras's CategoryEncoding (tfjs's asks for camel-cased modes, refuses ids out of range and ranks above 2). */
export class CategoryEncoding extends ConfiguredLayer {
  static className = 'TensorLensCategoryEncoding';
  private readonly depth: number;
  private readonly mode: string;
  private readonly outputDtype: tf.DataType;

  constructor(args: Args) {
    super(args);
    this.depth = args['numTokens'] as number;
    this.mode = option(args['outputMode'], 'multi_hot');
    this.outputDtype = dtypeOf(args.dtype, 'float32');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    if (shape.length === 0) return [this.depth];
    if (this.mode === 'onehot') {
      return shape.at(-1) !== 1 || shape.length === 1 ? [...shape, this.depth] : [...shape.slice(0, -1), this.depth];
    }
    return [...shape.slice(0, -1), this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      checkReducedAxes('CategoryEncoding', x, this.mode);
      return encode(x, this.mode, this.depth, this.outputDtype);
    });
  }
}

/** Keras's Discretization with `bin_boundaries`: the bin of each value (`np.digitize`), encoded like CategoryEncoding. */
export class Discretization extends ConfiguredLayer {
  static className = 'Discretization';
  private readonly boundaries: number[];
  private readonly mode: string;
  private readonly outputDtype: tf.DataType;

  constructor(args: Args) {
    super(args);
    const boundaries = args['binBoundaries'];
    if (!Array.isArray(boundaries)) throw new Error('Discretization needs bin_boundaries to be evaluated');
    this.boundaries = boundaries as number[];
    this.mode = option(args['outputMode'], 'int');
    this.outputDtype = this.mode === 'int' ? 'int32' : dtypeOf(args.dtype, 'float32');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const depth = this.boundaries.length + 1;
    if (this.mode === 'int') return shape;
    if (this.mode === 'onehot') return shape.length > 1 && shape.at(-1) === 1 ? [...shape.slice(0, -1), depth] : [...shape, depth];
    return shape.length >= 2 ? [shape[0]!, ...shape.slice(2), depth] : [depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(singleTensor(inputs), 'float32');
      // np.digitize, increasing bins: the number of boundaries at or below the value.
      const bins =
        this.boundaries.length === 0
          ? tf.zeros(x.shape, 'int32')
          : tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(x, -1), tf.tensor1d(this.boundaries, 'float32')), 'int32'), -1);
      return encode(bins, this.mode, this.boundaries.length + 1, this.outputDtype);
    });
  }
}

// ---- TensorFlow's string hashes ---------------------------------------------------------------------------------

const mask64 = (1n << 64n) - 1n;
const [k0, k2] = [0xc3a5c85c97cb3127n, 0x9ae16a3b2f90404fn];
const mul64 = (a: bigint, b: bigint): bigint => (a * b) & mask64;
const rotate64 = (v: bigint, shift: bigint): bigint => (shift === 0n ? v : ((v >> shift) | (v << (64n - shift))) & mask64);
const littleEndian = (bytes: Uint8Array, at: number, size: number): bigint => {
  let v = 0n;
  for (let j = size - 1; j >= 0; j--) v = (v << 8n) | BigInt(bytes[at + j]!);
  return v;
};

function hashLen16(u: bigint, v: bigint, mul: bigint): bigint {
  let a = mul64(u ^ v, mul);
  a ^= a >> 47n;
  let b = mul64(v ^ a, mul);
  b ^= b >> 47n;
  return mul64(b, mul);
}

/**
 * FarmHash's Fingerprint64 (farmhashna::Hash64), which `tf.strings.to_hash_bucket_fast` uses, for strings of up to 16
 * bytes: every int32 written in decimal. Checked against TensorFlow 2.21 in test/unit/layers-preprocessing.test.ts.
 */
function fingerprint64(text: string): bigint {
  const s = new TextEncoder().encode(text);
  const len = BigInt(s.length);
  if (s.length > 16) throw new Error(`hashing "${text}" (over 16 bytes) is not computed by Tensor Lens`);
  if (s.length >= 8) {
    const mul = (k2 + len * 2n) & mask64;
    const a = (littleEndian(s, 0, 8) + k2) & mask64;
    const b = littleEndian(s, s.length - 8, 8);
    const c = (mul64(rotate64(b, 37n), mul) + a) & mask64;
    const d = mul64((rotate64(a, 25n) + b) & mask64, mul);
    return hashLen16(c, d, mul);
  }
  if (s.length >= 4) {
    const mul = (k2 + len * 2n) & mask64;
    return hashLen16((len + (littleEndian(s, 0, 4) << 3n)) & mask64, littleEndian(s, s.length - 4, 4), mul);
  }
  if (s.length > 0) {
    const y = BigInt(s[0]!) + (BigInt(s[s.length >> 1]!) << 8n);
    const z = len + (BigInt(s[s.length - 1]!) << 2n);
    const mixed = mul64(y, k2) ^ mul64(z, k0);
    return mul64(mixed ^ (mixed >> 47n), k2);
  }
  return k2;
}

/** SipHash-2-4 keyed by `key`, which `tf.strings.to_hash_bucket_strong` uses. */
function sipHash(key: readonly [bigint, bigint], text: string): bigint {
  const m = new TextEncoder().encode(text);
  let [v0, v1, v2, v3] = [
    key[0] ^ 0x736f6d6570736575n,
    key[1] ^ 0x646f72616e646f6dn,
    key[0] ^ 0x6c7967656e657261n,
    key[1] ^ 0x7465646279746573n,
  ];
  const round = (): void => {
    v0 = (v0 + v1) & mask64;
    v1 = rotate64(v1, 51n) ^ v0;
    v0 = rotate64(v0, 32n);
    v2 = (v2 + v3) & mask64;
    v3 = rotate64(v3, 48n) ^ v2;
    v0 = (v0 + v3) & mask64;
    v3 = rotate64(v3, 43n) ^ v0;
    v2 = (v2 + v1) & mask64;
    v1 = rotate64(v1, 47n) ^ v2;
    v2 = rotate64(v2, 32n);
  };
  const whole = m.length - (m.length % 8);
  const absorb = (word: bigint): void => {
    v3 ^= word;
    round();
    round();
    v0 ^= word;
  };
  for (let i = 0; i < whole; i += 8) absorb(littleEndian(m, i, 8));
  absorb((BigInt(m.length & 0xff) << 56n) | littleEndian(m, whole, m.length - whole));
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/** `tf.strings.to_hash_bucket_fast`, or `_strong` with a salt, of a number written as `tf.strings.as_string` writes an int64. */
function hashBucket(value: number, buckets: number, salt: readonly [bigint, bigint] | null): number {
  const text = String(Math.trunc(value));
  const hash = salt ? sipHash(salt, text) : fingerprint64(text);
  return Number(hash % BigInt(buckets));
}

const saltOf = (value: unknown): [bigint, bigint] | null =>
  Array.isArray(value) && value.length === 2
    ? [BigInt(value[0] as number), BigInt(value[1] as number)]
    : typeof value === 'number'
      ? [BigInt(value), BigInt(value)]
      : null;

/** Keras's Hashing of numbers (strings cannot reach a TensorFlow.js model): the bin of each value's decimal string. */
export class Hashing extends ConfiguredLayer {
  static className = 'Hashing';
  private readonly bins: number;
  private readonly mode: string;
  private readonly maskValue: number | null;
  private readonly salt: [bigint, bigint] | null;
  private readonly outputDtype: tf.DataType;

  constructor(args: Args) {
    super(args);
    this.bins = args['numBins'] as number;
    this.mode = option(args['outputMode'], 'int');
    this.maskValue = typeof args['maskValue'] === 'number' ? args['maskValue'] : null;
    this.salt = saltOf(args['salt']);
    this.outputDtype = dtypeOf(args.dtype, this.mode === 'int' ? 'int32' : 'float32');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    return this.mode === 'int' ? shape : [...shape.slice(0, -1), this.bins];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = singleTensor(inputs);
    const squeezed = this.mode === 'onehot' && x.rank >= 2 && x.shape.at(-1) === 1;
    // one_hot of a last axis other than 1, and multi_hot or count of a rank above 2, come out in another shape than Keras declares.
    const declared = this.mode === 'int' || (this.mode === 'onehot' ? squeezed : x.rank <= 2);
    if (!declared) {
      throw new Error(
        `Hashing with output_mode="${modeName(this.mode)}" on a tensor of shape (${x.shape.join(', ')}) computes another shape than the one Keras declares: not evaluated`,
      );
    }
    const masked = this.maskValue !== null && this.bins > 1;
    const buckets = masked ? this.bins - 1 : this.bins;
    const ids = Array.from(x.dataSync()).map((v) => {
      if (masked && v === this.maskValue) return 0;
      return hashBucket(v, buckets, this.salt) + (masked ? 1 : 0);
    });
    return tf.tidy(() => {
      const hashed = tf.tensor(ids, squeezed ? x.shape.slice(0, -1) : x.shape, 'int32');
      return encode(hashed, this.mode, this.bins, this.outputDtype);
    });
  }
}

/** `FingerprintCat64` of TensorFlow's hash crossing. */
function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  const kMul = 0xc6a4a7935bd1e995n;
  const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);
  let result = fp1 ^ kMul;
  result ^= mul64(shiftMix(mul64(fp2, kMul)), kMul);
  result = mul64(result, kMul);
  result = mul64(shiftMix(result), kMul);
  return shiftMix(result);
}

/**
 * Keras's HashedCrossing of two integer features (`tf.sparse.cross_hashed`): per example, the default hash key
 * 0xDECAFCAFFE combined with each value as an unsigned 64-bit integer, modulo the bins. Checked against TensorFlow 2.21.
 */
export class HashedCrossing extends ConfiguredLayer {
  static className = 'HashedCrossing';
  private readonly bins: number;
  private readonly mode: string;
  private readonly outputDtype: tf.DataType;

  constructor(args: Args) {
    super(args);
    this.bins = args['numBins'] as number;
    this.mode = option(args['outputMode'], 'int');
    this.outputDtype = dtypeOf(args.dtype, this.mode === 'int' ? 'int32' : 'float32');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (this.mode === 'int') return first;
    return first.at(-1) !== 1 ? [...first, this.bins] : [...first.slice(0, -1), this.bins];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const tensors = Array.isArray(inputs) ? inputs : [inputs];
    const [a, b] = tensors;
    if (tensors.length !== 2 || !a || !b) throw new Error('`HashedCrossing` should be called on a list of two inputs.');
    if (a.rank > 2 || (a.rank === 2 && a.shape[1] !== 1)) {
      throw new Error('All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`.');
    }
    if (a.dtype !== 'int32' || b.dtype !== 'int32') throw new Error('All `HashedCrossing` inputs should have an integer or string dtype.');
    const [first, second] = [a.dataSync(), b.dataSync()];
    const ids = Array.from(first, (v, i) => {
      const hash = fingerprintCat64(fingerprintCat64(0xdecafcaffen, BigInt.asUintN(64, BigInt(v))), BigInt.asUintN(64, BigInt(second[i]!)));
      return Number(hash % BigInt(this.bins));
    });
    return tf.tidy(() => encode(tf.tensor(ids, a.shape, 'int32'), this.mode, this.bins, this.outputDtype));
  }
}

// ---- IntegerLookup --------------------------------------------------------------------------------------------------

/** Keras's IntegerLookup with a `vocabulary` list: ids of the tokens (mask, OOV indices, vocabulary), or the inverse. */
export class IntegerLookup extends ConfiguredLayer {
  static className = 'IntegerLookup';
  private readonly mode: string;
  private readonly invert: boolean;
  private readonly mask: number | null;
  private readonly oovToken: number;
  private readonly oovIndices: number;
  private readonly oovStart: number;
  private readonly tokens: number[];
  private readonly depth: number;
  private readonly idf: number[] | null;
  private readonly farmhash: boolean;
  private readonly salt: [bigint, bigint] | null;

  constructor(args: Args) {
    super(args);
    this.farmhash = option(args['oovMethod'], 'floormod') === 'farmhash';
    this.salt = saltOf(args['salt']);
    this.mode = option(args['outputMode'], 'int');
    this.invert = args['invert'] === true;
    this.mask = typeof args['maskToken'] === 'number' ? args['maskToken'] : null;
    this.oovToken = typeof args['oovToken'] === 'number' ? args['oovToken'] : -1;
    this.oovIndices = typeof args['numOovIndices'] === 'number' ? args['numOovIndices'] : 1;
    this.oovStart = this.mask !== null && this.mode === 'int' ? 1 : 0;
    const start = this.oovStart + this.oovIndices;
    const vocabulary = args['vocabulary'];
    if (!Array.isArray(vocabulary)) throw new Error('IntegerLookup needs a vocabulary list to be evaluated');
    const special = [...Array<number | null>(this.oovStart).fill(this.mask), ...Array<number>(this.oovIndices).fill(this.oovToken)];
    const found = vocabulary.length >= start && special.every((t, i) => vocabulary[i] === t);
    this.tokens = (found ? vocabulary.slice(start) : vocabulary) as number[];
    const maxTokens = args['maxTokens'];
    const pad = args['padToMaxTokens'] === true && typeof maxTokens === 'number';
    this.depth = pad ? maxTokens : start + this.tokens.length;
    const idf = args['idfWeights'];
    if (this.mode === 'tfidf' && Array.isArray(idf)) {
      const weights = idf as number[];
      const front = found ? [] : Array<number>(start).fill(weights.reduce((a, b) => a + b, 0) / weights.length);
      const padded = [...front, ...weights];
      this.idf = [...padded, ...Array<number>(Math.max(0, (pad ? maxTokens : padded.length) - padded.length)).fill(0)];
    } else this.idf = null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    if (this.mode === 'int') return shape;
    if (this.mode === 'onehot')
      return shape.length > 1 && shape.at(-1) === 1 ? [...shape.slice(0, -1), this.depth] : [...shape, this.depth];
    return [...shape.slice(0, -1), this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = singleTensor(inputs);
    const values = Array.from(x.dataSync());
    const start = this.oovStart + this.oovIndices;
    let ids: number[];
    if (this.invert) {
      ids = values.map((v) => {
        if (this.mask !== null && v === 0) return this.mask;
        const token = this.tokens[v - start];
        return v >= start && token !== undefined ? token : this.oovToken;
      });
    } else {
      const index = new Map(this.tokens.map((t, i) => [t, start + i]));
      const maskValue = this.mode === 'int' ? 0 : Number.MAX_SAFE_INTEGER;
      ids = values.map((v) => {
        if (this.mask !== null && v === this.mask) return maskValue;
        const found = index.get(v);
        if (found !== undefined) return found;
        if (this.oovIndices === 1) return this.oovStart;
        if (this.oovIndices === 0) {
          throw new Error(
            `When \`num_oov_indices=0\` all inputs should be in vocabulary, found OOV values [${v}], consider setting \`num_oov_indices=1\`.`,
          );
        }
        // Python's floormod, or the hash of the id's decimal string.
        if (this.farmhash) return hashBucket(v, this.oovIndices, this.salt) + this.oovStart;
        return (((v % this.oovIndices) + this.oovIndices) % this.oovIndices) + this.oovStart;
      });
    }
    return tf.tidy(() => {
      // Ids past the depth (the mask in an encoded mode) encode as zeros; int32 cannot hold int64's maximum.
      const lookups = tf.tensor(
        ids.map((v) => Math.min(v, 2 ** 31 - 1)),
        x.shape,
        'int32',
      );
      if (this.mode === 'int') return lookups;
      checkReducedAxes('IntegerLookup', lookups, this.mode);
      if (this.mode !== 'tfidf') return encode(lookups, this.mode, this.depth, 'float32');
      return tf.mul(encode(lookups, 'count', this.depth, 'float32'), tf.tensor1d(this.idf ?? [], 'float32'));
    });
  }
}

// ---- Pipeline -----------------------------------------------------------------------------------------------------

/** Keras's Pipeline: its layers (deserialized from the config) applied in turn; their weights, in order, are its own (and go with it). */
export class Pipeline extends ConfiguredLayer {
  static className = 'TensorLensPipeline';
  private readonly inner: tf.layers.Layer[];

  constructor(args: Args) {
    super(args);
    const layers = (args['layers'] as { className: string; config: tf.serialization.ConfigDict }[] | undefined) ?? [];
    const classes = tf.serialization.SerializationMap.getMap().classNameMap;
    this.inner = layers.map(({ className, config }) => {
      const entry = classes[className];
      if (!entry) throw new Error(`Unknown layer: ${className} (in a Pipeline)`);
      const [cls, fromConfig] = entry;
      return fromConfig(cls, config) as tf.layers.Layer;
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    let shape = singleShape(inputShape);
    for (const layer of this.inner) {
      if (!layer.built) layer.build(shape);
      layer.built = true;
      shape = singleShape(layer.computeOutputShape(shape));
    }
    this.built = true;
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return this.inner.flatMap((layer) => layer.trainableWeights);
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    return this.inner.flatMap((layer) => layer.nonTrainableWeights);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.inner.reduce((shape, layer) => singleShape(layer.computeOutputShape(shape)), singleShape(inputShape));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => this.inner.reduce((x, layer) => singleTensor(layer.call(x, kwargs) as tf.Tensor), singleTensor(inputs)));
  }
}

export const preprocessingLayers: readonly KerasLayerClass[] = [
  ...castingAugmentations.map((name) => identityAtInference(name, true)),
  ...passingAugmentations.map((name) => identityAtInference(name, false)),
  CenterCrop,
  AutoContrast,
  ContrastLimitedAdaptiveHistogramEqualization,
  Normalization,
  CategoryEncoding,
  Discretization,
  Hashing,
  HashedCrossing,
  IntegerLookup,
  Pipeline,
] as unknown as readonly KerasLayerClass[];
