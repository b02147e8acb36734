// Keras nearest-neighbour up-sampling layers missing from tfjs-layers: UpSampling1D, UpSampling3D.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { normalizeDataFormat, normalizeInt, normalizeTuple, singleShape, singleTensor } from './common.js';
import type { DataFormat, LayerArgs } from './common.js';

type Kwargs = Record<string, unknown>;

/** `ops.repeat(x, times, axis)`: every element along `axis` repeated `times` times in place. */
function repeatAxis(x: tf.Tensor, times: number, axis: number): tf.Tensor {
  if (times === 1) return x;
  const reps = x.shape.map(() => 1);
  reps.splice(axis + 1, 0, times);
  const tiled = tf.tile(tf.expandDims(x, axis + 1), reps);
  const shape = x.shape.slice();
  shape[axis] = (shape[axis] ?? 0) * times;
  return tiled.reshape(shape);
}

abstract class UpSamplingBase extends tf.layers.Layer {
  protected abstract readonly rankExpected: number;
  protected abstract readonly dataFormat: DataFormat;
  protected abstract readonly sizes: number[];

  private axes(): number[] {
    const first = this.dataFormat === 'channelsFirst' ? 2 : 1;
    return this.sizes.map((_, i) => first + i);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    if (shape.length !== this.rankExpected)
      throw new Error(`${this.getClassName()} expects a rank-${this.rankExpected} input, got shape [${shape.join(', ')}].`);
    const out = shape.slice();
    this.axes().forEach((axis, i) => {
      const size = out[axis] ?? null;
      out[axis] = size === null ? null : size * (this.sizes[i] ?? 1);
    });
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.axes().reduce((x, axis, i) => repeatAxis(x, this.sizes[i] ?? 1, axis), singleTensor(inputs)));
  }
}

export interface UpSampling1DArgs extends LayerArgs {
  size?: number | number[];
}

export class UpSampling1D extends UpSamplingBase {
  static className = 'UpSampling1D';
  protected readonly rankExpected = 3;
  // Keras's UpSampling1D has no data_format: it always repeats axis 1.
  protected readonly dataFormat: DataFormat = 'channelsLast';
  protected readonly sizes: number[];

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    this.sizes = [normalizeInt(args.size ?? 2, 'size')];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.sizes[0] ?? 2 };
  }
}

export interface UpSampling3DArgs extends LayerArgs {
  size?: number | number[];
  dataFormat?: string | null;
}

export class UpSampling3D extends UpSamplingBase {
  static className = 'UpSampling3D';
  protected readonly rankExpected = 5;
  protected readonly dataFormat: DataFormat;
  protected readonly sizes: number[];

  constructor(args: UpSampling3DArgs = {}) {
    super(args);
    this.sizes = normalizeTuple(args.size ?? 2, 3, 'size');
    if (this.sizes.some((s) => s <= 0)) throw new Error(`size must be positive, got ${JSON.stringify(args.size)}`);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.sizes, dataFormat: this.dataFormat };
  }
}
