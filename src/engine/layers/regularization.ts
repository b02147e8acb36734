// Keras regularization layers missing from tfjs-layers (SpatialDropout2D/3D, ActivityRegularization): identity at inference.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { configValue, normalizeDataFormat, singleShape, singleTensor } from './common.js';
import type { ConfigValue, DataFormat, LayerArgs } from './common.js';

type Kwargs = Record<string, unknown>;

export interface SpatialDropoutArgs extends LayerArgs {
  rate?: number;
  dataFormat?: string | null;
  seed?: number | null;
  noiseShape?: unknown;
}

abstract class SpatialDropout extends tf.layers.Layer {
  protected readonly rate: number;
  protected readonly dataFormat: DataFormat;
  protected readonly seed: ConfigValue;

  constructor(
    args: SpatialDropoutArgs,
    private readonly rank: number,
  ) {
    super(args);
    if (typeof args.rate !== 'number' || args.rate < 0 || args.rate > 1) {
      throw new Error(`${this.getClassName()}: rate must be a number in [0, 1], got ${JSON.stringify(args.rate)}`);
    }
    this.rate = args.rate;
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.seed = configValue(args.seed);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    if (shape.length !== this.rank)
      throw new Error(`${this.getClassName()} expects a rank-${this.rank} input, got shape [${shape.join(', ')}].`);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.clone(singleTensor(inputs)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, dataFormat: this.dataFormat, seed: this.seed };
  }
}

export class SpatialDropout2D extends SpatialDropout {
  static className = 'SpatialDropout2D';

  constructor(args: SpatialDropoutArgs) {
    super(args, 4);
  }
}

export class SpatialDropout3D extends SpatialDropout {
  static className = 'SpatialDropout3D';

  constructor(args: SpatialDropoutArgs) {
    super(args, 5);
  }
}

export interface ActivityRegularizationArgs extends LayerArgs {
  l1?: number;
  l2?: number;
}

export class ActivityRegularization extends tf.layers.Layer {
  static className = 'ActivityRegularization';
  private readonly l1: number;
  private readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    super(args);
    this.l1 = args.l1 ?? 0;
    this.l2 = args.l2 ?? 0;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.clone(singleTensor(inputs)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
