// Keras's BatchNormalization with renorm=True: three more non-trainable weights (moving_stddev, renorm_mean,
// renorm_stddev), which only training reads; inference normalizes with moving_mean and moving_variance as without renorm.
// Keras's LayerNormalization with the deprecated rms_scaling=True: gamma only, and x · rsqrt(variance + epsilon) · gamma
// (the input is scaled by its variance, not centred).

import * as tf from '@tensorflow/tfjs';
import { singleShape, singleTensor } from './common.js';

type Args = Record<string, unknown>;
type LayerClass = new (args: Args) => tf.layers.Layer;

const TfjsBatchNormalization = tf.layers.batchNormalization({}).constructor as LayerClass;

export class BatchNormalization extends TfjsBatchNormalization {
  static className = 'BatchNormalization';
  private readonly renorm: boolean;

  constructor(args: Args) {
    super(args);
    this.renorm = args['renorm'] === true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    if (!this.renorm) return;
    const shape = singleShape(inputShape);
    const rawAxis = (this.getConfig()['axis'] as number | undefined) ?? -1;
    const size = shape.at(rawAxis);
    if (typeof size !== 'number') throw new Error('BatchNormalization: the normalized axis must be known.');
    // Keras's order, after moving_variance: the weight file lists them so.
    for (const name of ['moving_stddev', 'renorm_mean', 'renorm_stddev']) {
      this.addWeight(name, [size], 'float32', tf.initializers.zeros(), undefined, false);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), renorm: this.renorm };
  }
}

const TfjsLayerNormalization = tf.layers.layerNormalization({}).constructor as LayerClass;

export class LayerNormalization extends TfjsLayerNormalization {
  static className = 'LayerNormalization';
  private readonly rmsScaling: boolean;

  constructor(args: Args) {
    const rms = args['rmsScaling'] === true;
    // Keras makes gamma when scale or rms_scaling is set, beta only without rms_scaling.
    super(rms ? { ...args, scale: true, center: false } : args);
    this.rmsScaling = rms;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
    if (!this.rmsScaling) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const axes = this.getConfig()['axis'] as number | number[];
      const axis = (Array.isArray(axes) ? axes : [axes]).map((a) => (a < 0 ? a + x.rank : a));
      const { variance } = tf.moments(x, axis, true);
      const normalized = tf.mul(x, tf.rsqrt(tf.add(variance, this.getConfig()['epsilon'] as number)));
      const gamma = this.weights[0]!.read();
      const broadcast = x.shape.map((d, i) => (axis.includes(i) ? d : 1));
      return tf.mul(normalized, gamma.rank === x.rank ? gamma : tf.reshape(gamma, broadcast));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rmsScaling: this.rmsScaling };
  }
}
