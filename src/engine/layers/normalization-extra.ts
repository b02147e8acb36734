// TensorFlow.js implementations of the Keras layers of src/analysis/keras/rules/normalization-extra.ts that tfjs-layers lacks, registered under their Keras class names.
//
// Each computes Keras 3's inference math with the same operations in the same order (keras/src/ops/nn.py
// `_normalize` and `_rms_normalization`, keras/src/layers/normalization/group_normalization.py), creates its weights
// in Keras's order and shapes, and passes on or drops a mask as Keras does (a Keras layer that does not support
// masking drops the mask with a warning; TensorFlow.js's default would throw).

import * as tf from '@tensorflow/tfjs';
import { configValue, resolveInitializer, singleShape, singleTensor, type ConfigValue, type KerasLayerClass } from './common.js';

type Args = Record<string, unknown> & { name?: string; trainable?: boolean; dtype?: tf.DataType };
type Kwargs = Record<string, unknown>;
/** "No mask" (tfjs types computeMask's result as a tensor, but its own layers return null there too). */
const noMask = null as unknown as tf.Tensor;

/** Axes of a Keras `axis` argument (an int or a list), counted from the front of a rank-`rank` tensor. */
function resolveAxes(axis: unknown, rank: number, layer: string): number[] {
  const list = Array.isArray(axis) ? (axis as unknown[]) : [axis ?? -1];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a >= rank || a < -rank) {
      throw new Error(`${layer}: axis ${JSON.stringify(axis)} is out of bounds for a rank-${rank} input.`);
    }
    return a < 0 ? rank + a : a;
  });
}

/** Python truthiness of a call keyword's value. */
const pythonTruth = (value: unknown): boolean =>
  Array.isArray(value) ? value.length > 0 : value !== null && value !== undefined && value !== false && value !== 0 && value !== '';

type Inputs = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
type Outputs = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];

const isSymbolic = (inputs: Inputs): boolean => (Array.isArray(inputs) ? inputs[0] : inputs) instanceof tf.SymbolicTensor;

/**
 * TensorFlow.js runs a model with one keyword object for every layer and sets its `mask` only for a layer whose
 * input has one: left there, it reaches later layers whose inputs have none (an LSTM after a layer that drops the
 * mask would still skip steps). These layers clear it once run; the next layer with a masked input gets its own.
 */
abstract class MaskClearingLayer extends tf.layers.Layer {
  override apply(inputs: Inputs, kwargs?: Kwargs): Outputs {
    const outputs = super.apply(inputs, kwargs);
    if (kwargs && !isSymbolic(inputs)) delete kwargs['mask'];
    return outputs;
  }
}

const isFloat = (x: tf.Tensor): boolean => x.dtype === 'float32';

/** Keras's UnitNormalization: x · min(rsqrt(Σ x²), 1/1e-12) over `axis`. */
export class UnitNormalization extends MaskClearingLayer {
  static className = 'UnitNormalization';
  private readonly axis: number | number[];

  constructor(args: Args) {
    super(args);
    this.axis = (args['axis'] as number | number[] | undefined) ?? -1;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      // Keras's rsqrt refuses integer inputs (a KerasTensor of them is typed float32, but running it fails).
      if (!isFloat(x)) throw new Error(`UnitNormalization of ${x.dtype} inputs fails in Keras: rsqrt does not accept integer dtypes.`);
      const axes = resolveAxes(this.axis, x.rank, 'UnitNormalization');
      const squareSum = tf.sum(tf.square(x), axes, true);
      const inverseNorm = tf.minimum(tf.rsqrt(squareSum), 1 / 1e-12);
      return tf.mul(x, inverseNorm);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Keras's RMSNormalization: x · rsqrt(mean(x²) + ε) · scale, computed in float32 and cast back to the input's dtype. */
export class RMSNormalization extends MaskClearingLayer {
  static className = 'RMSNormalization';
  private readonly axis: number | number[];
  private readonly epsilon: number;
  private scale: tf.LayerVariable | null = null;

  constructor(args: Args) {
    super(args);
    this.axis = (args['axis'] as number | number[] | undefined) ?? -1;
    this.epsilon = (args['epsilon'] as number | undefined) ?? 1e-6;
    // Keras's RMSNormalization does not support masking: a mask stops here.
    this.supportsMasking = true;
  }

  private sortedAxes(rank: number): number[] {
    const axes = Array.isArray(this.axis) ? [...this.axis].sort((a, b) => a - b) : [this.axis];
    resolveAxes(axes, rank, 'RMSNormalization');
    return axes;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    // Keras's scale has the sizes of the axes in sorted order, as Python indexes them (negative from the end).
    const scaleShape = this.sortedAxes(shape.length).map((a) => shape.at(a));
    if (scaleShape.some((d) => d === null || d === undefined)) throw new Error('RMSNormalization: the normalized axes must be known.');
    this.scale = this.addWeight('scale', scaleShape as number[], 'float32', tf.initializers.ones(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override computeMask(): tf.Tensor {
    return noMask;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const input = singleTensor(inputs);
      const x = tf.cast(input, 'float32');
      const axes = resolveAxes(this.sortedAxes(x.rank), x.rank, 'RMSNormalization');
      const rrms = tf.rsqrt(tf.add(tf.mean(tf.square(x), axes, true), this.epsilon));
      // The scale broadcasts against the trailing axes, as NumPy does, whichever axes were normalized.
      const outputs = tf.mul(tf.mul(x, rrms), this.scale!.read());
      return tf.cast(outputs, input.dtype);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon };
  }
}

/** Keras's GroupNormalization: channels split into `groups`, each normalized over it and the other non-batch axes. */
export class GroupNormalization extends MaskClearingLayer {
  static className = 'GroupNormalization';
  private readonly groups: number;
  private readonly axis: number;
  private readonly epsilon: number;
  private readonly center: boolean;
  private readonly scale: boolean;
  private readonly betaInitializer: ConfigValue;
  private readonly gammaInitializer: ConfigValue;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: Args) {
    super(args);
    this.groups = (args['groups'] as number | undefined) ?? 32;
    this.axis = (args['axis'] as number | undefined) ?? -1;
    this.epsilon = (args['epsilon'] as number | undefined) ?? 1e-3;
    this.center = (args['center'] as boolean | undefined) ?? true;
    this.scale = (args['scale'] as boolean | undefined) ?? true;
    this.betaInitializer = configValue(args['betaInitializer'] ?? 'zeros');
    this.gammaInitializer = configValue(args['gammaInitializer'] ?? 'ones');
    this.supportsMasking = true;
  }

  private geometry(shape: readonly (number | null)[]): { axis: number; groups: number; size: number } {
    const [axis] = resolveAxes(this.axis, shape.length, 'GroupNormalization') as [number];
    const size = shape[axis];
    if (size === null || size === undefined) throw new Error('GroupNormalization: the channel axis must be known.');
    const groups = this.groups === -1 ? size : this.groups;
    if (groups <= 0 || size % groups !== 0) throw new Error(`GroupNormalization: ${groups} groups do not divide ${size} channels.`);
    return { axis, groups, size };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const { size } = this.geometry(singleShape(inputShape));
    if (this.scale) {
      const init = resolveInitializer(this.gammaInitializer, () => tf.initializers.ones());
      this.gamma = this.addWeight('gamma', [size], 'float32', init, undefined, true);
    }
    if (this.center) {
      const init = resolveInitializer(this.betaInitializer, () => tf.initializers.zeros());
      this.beta = this.addWeight('beta', [size], 'float32', init, undefined, true);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const input = singleTensor(inputs);
      const shape = input.shape;
      const { axis, groups, size } = this.geometry(shape);
      // Keras `_reshape_into_groups`: the channel axis becomes (groups, channels / groups).
      const grouped = [...shape];
      grouped[axis] = size / groups;
      grouped.splice(axis, 0, groups);
      const x = tf.reshape(tf.cast(input, 'float32'), grouped);
      const reduction = Array.from({ length: shape.length }, (_, i) => i + 1).filter((i) => i !== axis);
      const broadcast = Array<number>(shape.length).fill(1);
      broadcast[axis] = size / groups;
      broadcast.splice(axis, 0, groups);
      const { mean, variance } = tf.moments(x, reduction, true);
      let inv = tf.rsqrt(tf.add(variance, this.epsilon));
      if (this.gamma) inv = tf.mul(inv, tf.reshape(this.gamma.read(), broadcast));
      let res = tf.mul(tf.neg(mean), inv);
      if (this.beta) res = tf.add(res, tf.reshape(this.beta.read(), broadcast));
      return tf.reshape(tf.add(tf.mul(x, inv), res), shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.betaInitializer,
      gammaInitializer: this.gammaInitializer,
    };
  }
}

interface SerializedLayer {
  className: string;
  config: tf.serialization.ConfigDict;
}

/** A layer from its serialized form, through the classes registered with tf.serialization (tfjs's own and ours). */
function deserializeLayer(value: unknown): tf.layers.Layer {
  const serialized = value as SerializedLayer | undefined;
  if (!serialized || typeof serialized.className !== 'string') throw new Error('SpectralNormalization needs a layer to wrap.');
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[serialized.className];
  if (!entry) throw new Error(`SpectralNormalization: unknown layer class ${serialized.className}.`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...serialized.config }) as tf.layers.Layer;
}

/**
 * Keras's SpectralNormalization at inference: the wrapped layer as it is (the kernel is only renormalized in
 * training), its output cast to the input's dtype. Its weights are those of Keras's weight file: its own copy of the
 * wrapped kernel and the power-iteration vector `vector_u` (1, kernel columns), then the wrapped layer's.
 */
export class SpectralNormalization extends MaskClearingLayer {
  static className = 'SpectralNormalization';
  private readonly layer: tf.layers.Layer;
  private readonly powerIterations: number;
  private vectorU: tf.LayerVariable | null = null;
  /** Keras's wrapper keeps the wrapped kernel as its own `kernel` too: saved, read back, never used at inference. */
  private kernelCopy: tf.LayerVariable | null = null;

  constructor(args: Args) {
    super(args);
    this.layer = deserializeLayer(args['layer']);
    this.powerIterations = (args['powerIterations'] as number | undefined) ?? 1;
    // Keras's wrapper does not support masking: a mask stops here.
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    if (!this.layer.built) {
      this.layer.build(shape);
      this.layer.built = true;
    }
    const kernel = this.layer.weights[0];
    if (!kernel) throw new Error(`SpectralNormalization: ${this.layer.getClassName()} has no kernel.`);
    const columns = kernel.shape.at(-1)!;
    this.kernelCopy = this.addWeight('kernel', kernel.shape, 'float32', tf.initializers.zeros(), undefined, false);
    this.vectorU = this.addWeight('vector_u', [1, columns], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02 }), undefined, false);
    this.built = true;
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return this.layer.trainableWeights;
  }

  private get ownWeights(): tf.LayerVariable[] {
    return this.kernelCopy && this.vectorU ? [this.kernelCopy, this.vectorU] : [];
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    return [...this.ownWeights, ...this.layer.nonTrainableWeights];
  }

  /** In the order of Keras's weight file: its own (kernel, vector_u), then the wrapped layer's. */
  override get weights(): tf.LayerVariable[] {
    return [...this.ownWeights, ...this.layer.weights];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  /**
   * Keras's wrapper computes no mask, but when it runs its output is the wrapped layer's own tensor (the cast to the
   * input's dtype changes nothing for a float input), carrying the mask that layer gave it: an LSTM after it skips steps.
   */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    if (singleTensor(inputs).dtype !== 'float32' || !this.layer.supportsMasking) return noMask;
    return this.layer.computeMask(inputs, mask);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const output = this.layer.call(x, {}) as tf.Tensor | tf.Tensor[];
      return tf.cast(singleTensor(output), x.dtype);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
    };
  }
}

/**
 * Keras's ReversibleEmbedding: an Embedding, or with the call keyword `reverse=True` a projection back to
 * `input_dim` by the transposed embeddings (or by `reverse_embeddings` when `tie_weights=False`), soft-capped
 * by tanh(logits / cap) · cap when `logit_soft_cap` is set.
 */
export class ReversibleEmbedding extends MaskClearingLayer {
  static className = 'ReversibleEmbedding';
  private readonly inputDim: number;
  private readonly outputDim: number;
  private readonly tieWeights: boolean;
  private readonly maskZero: boolean;
  private readonly reverseDtype: string | null;
  private readonly logitSoftCap: number | null;
  private readonly embeddingsInitializer: ConfigValue;
  private embeddings: tf.LayerVariable | null = null;
  private reverseEmbeddings: tf.LayerVariable | null = null;
  /** Whether the call being run is a reverse one: tfjs asks for the shape and the mask right after, without its keywords. */
  private reversing = false;
  /** Each call of the model (node): whether it is a reverse one, and its input's shape. */
  private readonly calls: { readonly reverse: boolean; readonly shape: readonly (number | null)[] }[] = [];

  constructor(args: Args) {
    super(args);
    this.inputDim = args['inputDim'] as number;
    this.outputDim = args['outputDim'] as number;
    this.tieWeights = (args['tieWeights'] as boolean | undefined) ?? true;
    this.maskZero = (args['maskZero'] as boolean | undefined) ?? false;
    this.reverseDtype = (args['reverseDtype'] as string | undefined) ?? null;
    this.logitSoftCap = (args['logitSoftCap'] as number | undefined) ?? null;
    this.embeddingsInitializer = configValue(args['embeddingsInitializer'] ?? 'randomUniform');
    this.supportsMasking = true;
  }

  override build(): void {
    const init = (): tf.serialization.Serializable =>
      resolveInitializer(this.embeddingsInitializer, () => tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }));
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], 'float32', init() as never, undefined, true);
    if (!this.tieWeights) {
      this.reverseEmbeddings = this.addWeight(
        'reverse_embeddings',
        [this.outputDim, this.inputDim],
        'float32',
        init() as never,
        undefined,
        true,
      );
    }
    this.built = true;
  }

  /**
   * A model's call says whether it is a reverse one in its node's keywords, which tfjs hands to `apply` when it builds
   * the model but not when it runs it (every layer then gets the same keywords): a run is matched to the call whose
   * input shape it fits, and refused when calls of both kinds fit.
   */
  override apply(inputs: Inputs, kwargs?: Kwargs): Outputs {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs && 'reverse' in kwargs) this.reversing = pythonTruth(kwargs['reverse']);
    else if (!isSymbolic(inputs)) this.reversing = this.reverseFor(input.shape as number[]);
    else this.reversing = false;
    if (isSymbolic(inputs)) this.calls.push({ reverse: this.reversing, shape: input.shape });
    return super.apply(inputs, kwargs);
  }

  private reverseFor(shape: readonly number[]): boolean {
    const fits = this.calls.filter((c) => c.shape.length === shape.length && c.shape.every((d, i) => d === null || d === shape[i]));
    const kinds = new Set(fits.map((c) => c.reverse));
    if (kinds.size === 1) return kinds.has(true);
    if (fits.length === 0 && this.calls.length === 0) return false;
    throw new Error(`ReversibleEmbedding '${this.name}': this run cannot be told from its calls with and without reverse=True.`);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = singleShape(inputShape);
    return this.reversing ? [...shape.slice(0, -1), this.inputDim] : [...shape, this.outputDim];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!this.maskZero || this.reversing) return noMask;
    return tf.notEqual(singleTensor(inputs), 0);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      if (!this.reversing) {
        const ids = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
        return tf.gather(this.embeddings!.read(), ids);
      }
      if (this.reverseDtype !== null && this.reverseDtype !== 'float32') {
        throw new Error(`ReversibleEmbedding with reverse_dtype="${this.reverseDtype}" is not evaluated (float32 is).`);
      }
      const kernel = this.tieWeights ? tf.transpose(this.embeddings!.read()) : this.reverseEmbeddings!.read();
      const features = x.shape.at(-1)!;
      const flat = tf.reshape(tf.cast(x, 'float32'), [-1, features]) as tf.Tensor2D;
      let logits: tf.Tensor = tf.reshape(tf.matMul(flat, kernel as tf.Tensor2D), [...x.shape.slice(0, -1), this.inputDim]);
      if (this.logitSoftCap !== null) logits = tf.mul(tf.tanh(tf.div(logits, this.logitSoftCap)), this.logitSoftCap);
      return logits;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      tieWeights: this.tieWeights,
      maskZero: this.maskZero,
      reverseDtype: this.reverseDtype,
      logitSoftCap: this.logitSoftCap,
      embeddingsInitializer: this.embeddingsInitializer,
    };
  }
}

export const normalizationExtraLayers: readonly KerasLayerClass[] = [
  UnitNormalization,
  RMSNormalization,
  GroupNormalization,
  SpectralNormalization,
  ReversibleEmbedding,
];
