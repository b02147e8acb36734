// Shared helpers for the custom Keras layers: config normalisation, shapes, activations and initializers.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';

export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type Initializer = ReturnType<typeof tf.initializers.ones>;
export type ConfigValue = tf.serialization.ConfigDictValue;
export type DataFormat = 'channelsLast' | 'channelsFirst';
/** A layer class registered with tf.serialization under its Keras class name. */
export type KerasLayerClass = tf.serialization.SerializableConstructor<tf.layers.Layer> & { readonly className: string };

/** The single tensor of a one-input layer (tfjs may hand it over wrapped in an array). */
export function singleTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (x === undefined) throw new Error('Expected one input tensor, got none.');
  return x;
}

/** The single shape of a one-input layer. */
export function singleShape(inputShape: Shape | Shape[]): Shape {
  const first = inputShape[0];
  if (Array.isArray(first)) {
    if (inputShape.length !== 1) throw new Error(`Expected one input shape, got ${inputShape.length}.`);
    return first;
  }
  return inputShape as Shape;
}

/** Keras `channels_last`/`channels_first` (already camel-cased by tfjs or not); Keras's default is channels_last. */
export function normalizeDataFormat(value: unknown): DataFormat {
  if (value === undefined || value === null) return 'channelsLast';
  if (value === 'channelsLast' || value === 'channels_last') return 'channelsLast';
  if (value === 'channelsFirst' || value === 'channels_first') return 'channelsFirst';
  throw new Error(`Unsupported data_format: ${String(value)}`);
}

function toInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Keras `standardize_tuple`: an int becomes n copies, a list of n ints is kept. */
export function normalizeTuple(value: unknown, n: number, what: string): number[] {
  if (typeof value === 'number') return new Array<number>(n).fill(toInt(value, what));
  if (Array.isArray(value) && value.length === n) return value.map((v) => toInt(v, what));
  throw new Error(`${what} must be an integer or a list of ${n} integers, got ${JSON.stringify(value)}`);
}

/** Single-integer argument given as int or 1-tuple (Keras configs store `kernel_size: [3]`). */
export function normalizeInt(value: unknown, what: string, positive = true): number {
  const v = normalizeTuple(value, 1, what)[0] ?? 0;
  if (positive && v <= 0) throw new Error(`${what} must be positive, got ${v}`);
  return v;
}

/** Per-axis (before, after) pairs from the Keras forms: int, (sym1, sym2, ...), ((b1, a1), (b2, a2), ...). */
export function normalizePairs(value: unknown, axes: number, what: string): [number, number][] {
  if (typeof value === 'number') {
    const v = toInt(value, what);
    return Array.from({ length: axes }, (): [number, number] => [v, v]);
  }
  if (!Array.isArray(value) || value.length !== axes) {
    throw new Error(`${what} must be an integer or a list of ${axes} entries, got ${JSON.stringify(value)}`);
  }
  return value.map((entry: unknown): [number, number] => {
    const pair = normalizeTuple(entry, 2, what);
    return [pair[0] ?? 0, pair[1] ?? 0];
  });
}

export type ConvPadding = 'valid' | 'same' | 'causal';

export function normalizePadding(value: unknown, allowed: readonly ConvPadding[]): ConvPadding {
  const v = value === undefined || value === null ? 'valid' : String(value).toLowerCase();
  const found = allowed.find((p) => p === v);
  if (found === undefined) throw new Error(`padding must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

/** Keras `compute_conv_output_shape` for one spatial axis. */
export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: ConvPadding,
  stride: number,
  dilation: number,
): number | null {
  if (length === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = Math.floor((length - effective) / stride) + 1;
    if (out <= 0) throw new Error(`Input length ${length} is too short for an effective kernel of ${effective}.`);
    return out;
  }
  return Math.floor((length - 1) / stride) + 1;
}

/** Moves channels to the end (channels_first → channels_last) for a rank-r tensor. */
export function toChannelsLast(x: tf.Tensor): tf.Tensor {
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

/** Inverse of {@link toChannelsLast}. */
export function toChannelsFirst(x: tf.Tensor): tf.Tensor {
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}

type ActivationFn = (x: tf.Tensor) => tf.Tensor;

const relu6: ActivationFn = (x) => tf.clipByValue(x, 0, 6);
const hardSigmoid: ActivationFn = (x) => tf.div(relu6(tf.add(x, 3)), 6);

/**
 * Keras 3 activations by name, written out so their semantics are Keras's (e.g. Keras 3's hard_sigmoid is
 * relu6(x + 3) / 6, unlike tfjs's 0.2x + 0.5). Keys are lower-cased without underscores so that both
 * `hard_sigmoid` and tfjs's camel-cased `hardSigmoid` match.
 */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6,
  leakyrelu: (x) => tf.leakyRelu(x, 0.2),
  sigmoid: (x) => tf.sigmoid(x),
  hardsigmoid: hardSigmoid,
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  logsoftmax: (x) => tf.logSoftmax(x, -1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  hardsilu: (x) => tf.mul(x, hardSigmoid(x)),
  hardswish: (x) => tf.mul(x, hardSigmoid(x)),
  // Keras 3 gelu defaults to approximate=False, i.e. the erf form.
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  exponential: (x) => tf.exp(x),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  logsigmoid: (x) => tf.logSigmoid(x),
  // The rest with keras.activations' defaults: celu alpha=1, the shrinks threshold=0.5, squareplus b=4.
  celu: (x) => tf.add(tf.relu(x), tf.minimum(0, tf.expm1(x))),
  hardtanh: (x) => tf.clipByValue(x, -1, 1),
  tanhshrink: (x) => tf.sub(x, tf.tanh(x)),
  hardshrink: (x) => tf.where(tf.greater(tf.abs(x), 0.5), x, tf.zerosLike(x)),
  softshrink: (x) => tf.where(tf.greater(x, 0.5), tf.sub(x, 0.5), tf.where(tf.less(x, -0.5), tf.add(x, 0.5), tf.zerosLike(x))),
  sparseplus: (x) => tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.greaterEqual(x, 1), x, tf.div(tf.square(tf.add(x, 1)), 4))),
  sparsesigmoid: (x) => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1),
  squareplus: (x) => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), 4))), 2),
};

function activationKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** Name of the activation in a config (`"relu"`, or a serialized `{className: "relu", ...}`), null for none. */
export function activationName(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'className' in value && typeof value.className === 'string') return value.className;
  throw new Error(`Unsupported activation: ${JSON.stringify(value)}`);
}

export function getActivation(name: string | null): ActivationFn {
  if (name === null) return ACTIVATIONS['linear'] as ActivationFn;
  const fn = ACTIVATIONS[activationKey(name)];
  if (fn === undefined) throw new Error(`Unsupported activation: ${name}`);
  return fn;
}

function lookupInsensitive<T>(table: Record<string, T>, name: string): T | undefined {
  const key = activationKey(name);
  for (const [k, v] of Object.entries(table)) if (activationKey(k) === key) return v;
  return undefined;
}

// tfjs does not export its Initializer base class; Zeros derives from it directly.
const INITIALIZER_BASE = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => object;

type InitializerFactory = (args: Record<string, unknown>) => Initializer;

/**
 * A tfjs initializer for a Keras initializer identifier: a name (`glorot_uniform`, camel-cased by tfjs to
 * `glorotUniform`) or a serialized `{className, config}`. Unknown identifiers fall back to the Keras default,
 * since initial values only matter until real weights are loaded.
 */
export function resolveInitializer(identifier: unknown, fallback: () => Initializer): Initializer {
  try {
    if (typeof identifier === 'string') {
      const factory = lookupInsensitive(tf.initializers as unknown as Record<string, InitializerFactory>, identifier);
      if (factory !== undefined) return factory({});
    } else if (identifier !== null && typeof identifier === 'object' && 'className' in identifier) {
      const className = String(identifier.className);
      const config = 'config' in identifier && identifier.config !== null && typeof identifier.config === 'object' ? identifier.config : {};
      const classMap = tf.serialization.SerializationMap.getMap().classNameMap;
      const entry = lookupInsensitive(classMap, className);
      if (entry !== undefined) {
        const [cls, fromConfig] = entry;
        const init = fromConfig(cls, { ...config } as tf.serialization.ConfigDict) as unknown;
        if (init instanceof INITIALIZER_BASE) return init as Initializer;
      }
    }
  } catch {
    // Fall through to the default.
  }
  return fallback();
}

/** Config value as stored for getConfig (undefined becomes null). */
export function configValue(value: unknown): ConfigValue {
  return value === undefined ? null : (value as ConfigValue);
}
