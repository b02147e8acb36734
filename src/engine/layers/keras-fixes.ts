// Keras behaviour that TensorFlow.js 4.22's own layers get wrong, fixed in
// subclasses registered under the same names: global pooling with keepdims,
// Resizing (half-pixel centres, one input tensor), Conv1D with causal padding,
// merge layers given a list of one tensor, Flatten of a rank-2 input.

import * as tf from '@tensorflow/tfjs';

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

/** Keras's Resizing: tf.image.resize semantics (half-pixel centres), channels last. */
export class Resizing extends tf.layers.Layer {
  static className = 'Resizing';
  private readonly height: number;
  private readonly width: number;
  private readonly interpolation: string;

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
    if (args['dataFormat'] === 'channelsFirst' || args['dataFormat'] === 'channels_first') {
      throw new Error('Resizing with data_format="channels_first" cannot be evaluated yet');
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return shape.length === 4 ? [shape[0]!, this.height, this.width, shape[3]!] : [this.height, this.width, shape[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = one(inputs) as tf.Tensor4D;
      const size: [number, number] = [this.height, this.width];
      return this.interpolation === 'bilinear'
        ? tf.image.resizeBilinear(images, size, false, true)
        : tf.image.resizeNearestNeighbor(images, size, false, true);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation };
  }
}

const TfjsConv1D = base(() => tf.layers.conv1d({ filters: 1, kernelSize: 1 }));

/** Conv1D whose causal padding runs: the input padded on the left by dilation·(kernel − 1), then a valid convolution. */
export class Conv1D extends TfjsConv1D {
  static className = 'Conv1D';
  private readonly leftPad: number;

  constructor(args: Args) {
    const causal = args['padding'] === 'causal';
    super(causal ? { ...args, padding: 'valid' } : args);
    const kernel = Array.isArray(args['kernelSize']) ? (args['kernelSize'] as number[])[0]! : (args['kernelSize'] as number);
    const dilation = Array.isArray(args['dilationRate'])
      ? (args['dilationRate'] as number[])[0]!
      : ((args['dilationRate'] as number | undefined) ?? 1);
    this.leftPad = causal ? dilation * (kernel - 1) : 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape)];
    if (this.leftPad > 0 && shape[1] != null) shape[1] = shape[1] + this.leftPad;
    return super.computeOutputShape(shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
    if (this.leftPad === 0) return super.call(inputs, kwargs);
    return tf.tidy(
      () =>
        super.call(
          tf.pad(one(inputs), [
            [0, 0],
            [this.leftPad, 0],
            [0, 0],
          ]),
          kwargs,
        ) as tf.Tensor,
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.leftPad > 0 ? { ...super.getConfig(), padding: 'causal' } : super.getConfig();
  }
}

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
