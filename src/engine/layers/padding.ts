// Keras zero-padding and cropping layers missing from tfjs-layers: ZeroPadding1D/3D, Cropping1D/3D.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { normalizeDataFormat, normalizePairs, normalizeTuple, singleShape, singleTensor } from './common.js';
import type { DataFormat, LayerArgs } from './common.js';

type Kwargs = Record<string, unknown>;

/** Indices of the spatial axes of a rank-r input. */
function spatialAxes(rank: number, dataFormat: DataFormat): number[] {
  const first = dataFormat === 'channelsFirst' ? 2 : 1;
  return Array.from({ length: rank - 2 }, (_, i) => first + i);
}

function checkRank(layer: tf.layers.Layer, shape: Shape, rank: number): void {
  if (shape.length !== rank) throw new Error(`${layer.getClassName()} expects a rank-${rank} input, got shape [${shape.join(', ')}].`);
}

/** Pads (amount > 0) or crops (amount < 0) each spatial axis by its (before, after) pair. */
abstract class SpatialResizeBase extends tf.layers.Layer {
  protected abstract readonly rankExpected: number;
  protected abstract readonly dataFormat: DataFormat;
  protected abstract readonly pairs: [number, number][];
  protected abstract readonly sign: 1 | -1;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    checkRank(this, shape, this.rankExpected);
    const out = shape.slice();
    spatialAxes(this.rankExpected, this.dataFormat).forEach((axis, i) => {
      const size = out[axis] ?? null;
      const [before, after] = this.pairs[i] ?? [0, 0];
      if (size === null) return;
      const next = size + this.sign * (before + after);
      if (next <= 0) throw new Error(`${this.getClassName()}: cropping (${before}, ${after}) leaves nothing of an axis of length ${size}.`);
      out[axis] = next;
    });
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const axes = spatialAxes(x.rank, this.dataFormat);
      if (this.sign > 0) {
        const paddings = x.shape.map((): [number, number] => [0, 0]);
        axes.forEach((axis, i) => (paddings[axis] = this.pairs[i] ?? [0, 0]));
        return tf.pad(x, paddings);
      }
      const begin = x.shape.map(() => 0);
      const size = x.shape.slice();
      axes.forEach((axis, i) => {
        const [before, after] = this.pairs[i] ?? [0, 0];
        const length = (x.shape[axis] ?? 0) - before - after;
        if (length <= 0)
          throw new Error(`${this.getClassName()}: cropping (${before}, ${after}) leaves nothing of an axis of length ${x.shape[axis]}.`);
        begin[axis] = before;
        size[axis] = length;
      });
      return tf.slice(x, begin, size);
    });
  }
}

export interface ZeroPadding1DArgs extends LayerArgs {
  padding?: number | number[];
  dataFormat?: string | null;
}

export class ZeroPadding1D extends SpatialResizeBase {
  static className = 'ZeroPadding1D';
  protected readonly rankExpected = 3;
  protected readonly dataFormat: DataFormat;
  protected readonly pairs: [number, number][];
  protected readonly sign = 1;

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    const [before, after] = normalizeTuple(args.padding ?? 1, 2, 'padding');
    this.pairs = [[before ?? 0, after ?? 0]];
    this.dataFormat = normalizeDataFormat(args.dataFormat);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.pairs[0] ?? [0, 0], dataFormat: this.dataFormat };
  }
}

export interface ZeroPadding3DArgs extends LayerArgs {
  padding?: number | (number | number[])[];
  dataFormat?: string | null;
}

export class ZeroPadding3D extends SpatialResizeBase {
  static className = 'ZeroPadding3D';
  protected readonly rankExpected = 5;
  protected readonly dataFormat: DataFormat;
  protected readonly pairs: [number, number][];
  protected readonly sign = 1;

  constructor(args: ZeroPadding3DArgs = {}) {
    super(args);
    this.pairs = normalizePairs(args.padding ?? 1, 3, 'padding');
    this.dataFormat = normalizeDataFormat(args.dataFormat);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.pairs, dataFormat: this.dataFormat };
  }
}

export interface Cropping1DArgs extends LayerArgs {
  cropping?: number | number[];
}

export class Cropping1D extends SpatialResizeBase {
  static className = 'Cropping1D';
  protected readonly rankExpected = 3;
  // Keras's Cropping1D has no data_format: it always crops axis 1.
  protected readonly dataFormat: DataFormat = 'channelsLast';
  protected readonly pairs: [number, number][];
  protected readonly sign = -1;

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    const [before, after] = normalizeTuple(args.cropping ?? 1, 2, 'cropping');
    this.pairs = [[before ?? 0, after ?? 0]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.pairs[0] ?? [0, 0] };
  }
}

export interface Cropping3DArgs extends LayerArgs {
  cropping?: number | (number | number[])[];
  dataFormat?: string | null;
}

export class Cropping3D extends SpatialResizeBase {
  static className = 'Cropping3D';
  protected readonly rankExpected = 5;
  protected readonly dataFormat: DataFormat;
  protected readonly pairs: [number, number][];
  protected readonly sign = -1;

  constructor(args: Cropping3DArgs = {}) {
    super(args);
    this.pairs = normalizePairs(args.cropping ?? 1, 3, 'cropping');
    this.dataFormat = normalizeDataFormat(args.dataFormat);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.pairs, dataFormat: this.dataFormat };
  }
}
