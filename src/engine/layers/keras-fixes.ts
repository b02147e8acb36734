// Keras behaviour that TensorFlow.js 4.22's own layers get wrong, fixed in
// subclasses registered under the same names: global pooling with keepdims,
// Resizing (half-pixel centres, one input tensor, both layouts), Conv1D (causal padding, groups, channels_first),
// merge layers given a list of one tensor, Flatten of a rank-2 input, ReLU's negative_slope and threshold,
// LeakyReLU's negative_slope.

import * as tf from '@tensorflow/tfjs';
import { convolutionLayer } from './conv-extra.js';

type Args = Record<string, unknown>;
type LayerClass = new (args: Args) => tf.layers.Layer;

const one = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

/** A global pooling layer that keeps the pooled axes as size 1 when `keepdims` is set. */
function keepingDims(base: LayerClass, name: string, rank: number): LayerClass {
  const cls = class extends base {
    static className = name;
    private readonly keepdims: boolean;
    private readonly channelsFirst: boolean;

    constructor(args: Args) {
      super(args);
      this.keepdims = args['keepdims'] === true;
      this.channelsFirst = args['dataFormat'] === 'channelsFirst' || args['dataFormat'] === 'channels_first';
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      const pooled = super.computeOutputShape(inputShape) as tf.Shape;
      if (!this.keepdims) return pooled;
      const ones = Array<number>(rank).fill(1);
      return this.channelsFirst ? [pooled[0]!, pooled[1]!, ...ones] : [pooled[0]!, ...ones, pooled[1]!];
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
      return tf.tidy(() => {
        const pooled = super.call(inputs, kwargs) as tf.Tensor;
        return this.keepdims ? tf.reshape(pooled, this.computeOutputShape(one(inputs).shape) as number[]) : pooled;
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), keepdims: this.keepdims };
    }
  };
  return cls;
}

const base = (make: () => tf.layers.Layer): LayerClass => make().constructor as LayerClass;

export const GlobalAveragePooling1D = keepingDims(
  base(() => tf.layers.globalAveragePooling1d({})),
  'GlobalAveragePooling1D',
  1,
);
export const GlobalMaxPooling1D = keepingDims(
  base(() => tf.layers.globalMaxPooling1d({})),
  'GlobalMaxPooling1D',
  1,
);
export const GlobalAveragePooling2D = keepingDims(
  base(() => tf.layers.globalAveragePooling2d({})),
  'GlobalAveragePooling2D',
  2,
);
export const GlobalMaxPooling2D = keepingDims(
  base(() => tf.layers.globalMaxPooling2d({})),
  'GlobalMaxPooling2D',
  2,
);

/** Keras's Resizing: tf.image.resize semantics (half-pixel centres); a rank-3 input is one image, as Keras takes it. */
export class Resizing extends tf.layers.Layer {
  static className = 'Resizing';
  private readonly height: number;
  private readonly width: number;
  private readonly interpolation: string;
  private readonly channelsFirst: boolean;

  constructor(args: Args) {
    super(args);
    this.height = args['height'] as number;
    this.width = args['width'] as number;
    this.interpolation = (args['interpolation'] as string | undefined) ?? 'bilinear';
    if (this.interpolation !== 'bilinear' && this.interpolation !== 'nearest') {
      throw new Error(`Resizing with interpolation "${this.interpolation}" cannot be evaluated (bilinear and nearest can)`);
    }
    for (const option of ['cropToAspectRatio', 'padToAspectRatio']) {
      if (args[option] === true)
        throw new Error(
          `Resizing with ${option === 'cropToAspectRatio' ? 'crop_to_aspect_ratio' : 'pad_to_aspect_ratio'}=True cannot be evaluated yet`,
        );
    }
    this.channelsFirst = args['dataFormat'] === 'channelsFirst' || args['dataFormat'] === 'channels_first';
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const batch = shape.length === 4 ? [shape[0]!] : [];
    const channels = shape[this.channelsFirst ? batch.length : shape.length - 1]!;
    return this.channelsFirst ? [...batch, channels, this.height, this.width] : [...batch, this.height, this.width, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = one(inputs);
      if (images.rank !== 3 && images.rank !== 4) {
        throw new Error(
          `Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: images.shape=(${images.shape.join(', ')})`,
        );
      }
      // tf.image resizes channels-last images: a channels_first input is resized as its transpose.
      const lead = images.rank === 4 ? [0] : [];
      const c = lead.length;
      const last = this.channelsFirst ? tf.transpose(images, [...lead, c + 1, c + 2, c]) : images;
      const size: [number, number] = [this.height, this.width];
      const resized =
        this.interpolation === 'bilinear'
          ? tf.image.resizeBilinear(last as tf.Tensor3D | tf.Tensor4D, size, false, true)
          : tf.image.resizeNearestNeighbor(last as tf.Tensor3D | tf.Tensor4D, size, false, true);
      return this.channelsFirst ? tf.transpose(resized, [...lead, c + 2, c, c + 1]) : resized;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      dataFormat: this.channelsFirst ? 'channelsFirst' : 'channelsLast',
    };
  }
}

/** Keras's Conv1D (src/engine/layers/conv-extra.ts): causal padding, groups, channels_first, Keras's activations. */
export const Conv1D = convolutionLayer(
  base(() => tf.layers.conv1d({ filters: 1, kernelSize: 1 })),
  'Conv1D',
  1,
);

/** One input of a merge layer: tfjs passes a list of one as the shape or tensor itself. */
const isOneShape = (shape: tf.Shape | tf.Shape[]): boolean => !Array.isArray(shape[0]) || shape.length === 1;
const isOneTensor = (inputs: tf.Tensor | tf.Tensor[]): boolean => !Array.isArray(inputs) || inputs.length === 1;

/** A merge layer that, like Keras 3's, takes a list of one tensor and returns it; tfjs asks for two. */
function acceptingOne(base: LayerClass, name: string): LayerClass {
  return class extends base {
    static className = name;

    override build(inputShape: tf.Shape | tf.Shape[]): void {
      if (isOneShape(inputShape)) this.built = true;
      else super.build(inputShape);
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      if (!isOneShape(inputShape)) return super.computeOutputShape(inputShape);
      return Array.isArray(inputShape[0]) ? (inputShape[0] as tf.Shape) : inputShape;
    }

    override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
      // The one input's mask, which may be absent (tfjs's own layers return null there too).
      return isOneTensor(inputs) ? ((Array.isArray(mask) ? mask[0] : mask) as tf.Tensor) : super.computeMask(inputs, mask);
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
      return isOneTensor(inputs) ? tf.clone(one(inputs)) : super.call(inputs, kwargs);
    }
  };
}

export const Concatenate = acceptingOne(
  base(() => tf.layers.concatenate({})),
  'Concatenate',
);
export const Add = acceptingOne(
  base(() => tf.layers.add({})),
  'Add',
);
export const Multiply = acceptingOne(
  base(() => tf.layers.multiply({})),
  'Multiply',
);
export const Average = acceptingOne(
  base(() => tf.layers.average({})),
  'Average',
);
export const Maximum = acceptingOne(
  base(() => tf.layers.maximum({})),
  'Maximum',
);
export const Minimum = acceptingOne(
  base(() => tf.layers.minimum({})),
  'Minimum',
);

const TfjsFlatten = base(() => tf.layers.flatten({}));

/** Keras 3's Flatten takes a rank-2 input too (and returns it as it is); tfjs asks for rank 3. */
export class Flatten extends TfjsFlatten {
  static className = 'Flatten';

  constructor(args: Args) {
    super(args);
    this.inputSpec = [{ minNDim: 2 }];
  }
}

const TfjsMaxPooling3D = base(() => tf.layers.maxPooling3d({ poolSize: 2 }));

/**
 * The wasm backend's 3-D max pooling starts its maximum at the smallest positive float instead of −∞, so a window of
 * negative values gives 1.2e-38: pooled on the input shifted to be ≥ 0, then shifted back.
 */
export class MaxPooling3D extends TfjsMaxPooling3D {
  static className = 'MaxPooling3D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const low = tf.min(x);
      const pooled = super.call(tf.sub(x, low), kwargs) as tf.Tensor;
      return tf.add(pooled, low);
    });
  }
}

const TfjsReLU = base(() => tf.layers.reLU({}));

/**
 * Keras's ReLU with its negative_slope and threshold, which tfjs's ReLU drops (it reads max_value only): x above the
 * threshold, else 0, clipped to max_value, less negative_slope · relu(threshold − x) (keras.activations.relu).
 */
export class ReLU extends TfjsReLU {
  static className = 'ReLU';
  private readonly maxValue: number | null;
  private readonly negativeSlope: number;
  private readonly threshold: number;

  constructor(args: Args) {
    super(args);
    this.maxValue = (args['maxValue'] as number | null | undefined) ?? null;
    this.negativeSlope = (args['negativeSlope'] as number | undefined) ?? 0;
    this.threshold = (args['threshold'] as number | undefined) ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const { maxValue, negativeSlope, threshold } = this;
      if (negativeSlope !== 0 && maxValue === null && threshold === 0) return tf.leakyRelu(x, negativeSlope);
      let y = threshold === 0 ? tf.relu(x) : tf.where(tf.greater(x, threshold), x, tf.zerosLike(x));
      if (maxValue !== null) y = tf.clipByValue(y, 0, maxValue);
      return negativeSlope === 0 ? y : tf.sub(y, tf.mul(negativeSlope, tf.relu(tf.sub(threshold, x))));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}

const TfjsLeakyReLU = base(() => tf.layers.leakyReLU({}));

/** Keras 3's LeakyReLU names its slope negative_slope; tfjs reads alpha (Keras's deprecated name, which wins there too). */
export class LeakyReLU extends TfjsLeakyReLU {
  static className = 'LeakyReLU';

  constructor(args: Args) {
    super({ ...args, alpha: args['alpha'] ?? args['negativeSlope'] ?? 0.3 });
  }
}
