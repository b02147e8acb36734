// Keras global 3-D pooling layers missing from tfjs-layers: GlobalAveragePooling3D, GlobalMaxPooling3D.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { normalizeDataFormat, singleShape, singleTensor } from './common.js';
import type { DataFormat, LayerArgs } from './common.js';

type Kwargs = Record<string, unknown>;

export interface GlobalPooling3DArgs extends LayerArgs {
  dataFormat?: string | null;
  keepdims?: boolean;
}

abstract class GlobalPooling3D extends tf.layers.Layer {
  protected readonly dataFormat: DataFormat;
  protected readonly keepdims: boolean;

  constructor(args: GlobalPooling3DArgs = {}) {
    super(args);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.keepdims = args.keepdims ?? false;
  }

  protected abstract reduce(x: tf.Tensor, axes: number[]): tf.Tensor;

  private axes(): number[] {
    return this.dataFormat === 'channelsFirst' ? [2, 3, 4] : [1, 2, 3];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    if (shape.length !== 5) throw new Error(`${this.getClassName()} expects a rank-5 input, got shape [${shape.join(', ')}].`);
    const batch = shape[0] ?? null;
    const channels = (this.dataFormat === 'channelsFirst' ? shape[1] : shape[4]) ?? null;
    if (!this.keepdims) return [batch, channels];
    return this.dataFormat === 'channelsFirst' ? [batch, channels, 1, 1, 1] : [batch, 1, 1, 1, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.reduce(singleTensor(inputs), this.axes()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling3D extends GlobalPooling3D {
  static className = 'GlobalAveragePooling3D';

  protected reduce(x: tf.Tensor, axes: number[]): tf.Tensor {
    return tf.mean(x, axes, this.keepdims);
  }
}

export class GlobalMaxPooling3D extends GlobalPooling3D {
  static className = 'GlobalMaxPooling3D';

  protected reduce(x: tf.Tensor, axes: number[]): tf.Tensor {
    return tf.max(x, axes, this.keepdims);
  }
}
