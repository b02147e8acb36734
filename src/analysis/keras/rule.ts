// What a family file says of one Keras layer class beyond its signature: its
// static rule (a layer's Keras config and input shapes in, what Keras's
// `compute_output_shape` and `build` would give out, without allocating
// anything), how the engine evaluates it, and what a hover shows of it.

import type { JsonValue, LayerEvaluation } from '../../graph/ir.js';
import type { Shape } from '../../graph/shape.js';
import type { Arguments, CallSite, Value } from '../values.js';
import type { ApiContext } from './api-context.js';

export type LayerConfig = { readonly [key: string]: JsonValue };

/** Keras `InputSpec`: what a layer accepts; axes map an axis (negative from the end) to a size. */
export interface InputSpec {
  readonly ndim?: number;
  readonly minNdim?: number;
  readonly maxNdim?: number;
  readonly axes?: { readonly [axis: number]: number };
}

export interface LayerOutput {
  /** One shape per output tensor, in Keras's order (e.g. LSTM with return_state: output, h, c). */
  readonly outputs: Shape[];
  /** True when the layer returns a list even for one output. */
  readonly outputIsList?: boolean;
  /** Number of weights the layer gets when built on these inputs; null when a size is unknown. */
  readonly params: number | null;
  /** Where `params` is null because sizes are known only at run time: the count as a formula of them. */
  readonly paramsFormula?: string;
  /**
   * How many of `params` Keras makes non-trainable (`add_weight(trainable=False)`: BatchNormalization's moving
   * statistics, Normalization's mean, variance and count, the kernel LoRA freezes); 0 when not given, null when not known.
   */
  readonly nonTrainableParams?: number | null;
  /**
   * Of `nonTrainableParams`, those Keras made trainable and then froze (the kernel LoRA freezes): being in the
   * layer's trainable variables, they become trainable again when the file sets `trainable = True`. 0 when not given.
   */
  readonly restoredBySetter?: number | null;
  /** Output dtype; defaults to the layer's dtype (config `dtype`) or float32. */
  readonly dtype?: string;
  /** The spec Keras sets in `build`, checked on later calls of the same (shared) layer. */
  readonly built?: InputSpec;
  /** Legal in Keras but likely a mistake (e.g. Flatten of an unknown size): reported as warnings. */
  readonly warnings?: readonly string[];
}

export interface RuleContext {
  /** Runs the rule of a wrapped layer (Bidirectional, TimeDistributed) given in serialized form. */
  inner(layer: { readonly class_name: string; readonly config: LayerConfig }, inputs: Shape[]): LayerOutput;
}

/** How a layer with named call parameters (`callTensors`) was called: the parameter of each input, and its call options. */
export interface CallArguments {
  /** The call parameter each input shape stands for, in the order of `inputs`. */
  readonly names: readonly string[];
  /** The call keywords named in `callOptions` that the file gives, as JSON. */
  readonly options: LayerConfig;
}

/** How the engine runs a layer given in serialized form (Bidirectional's, TimeDistributed's, a Pipeline's). */
export type InnerEvaluation = (layer: { readonly class_name: string; readonly config: LayerConfig }) => LayerEvaluation;

export interface LayerRule {
  /** Checked on every input before `compute`, with Keras's wording on failure. */
  inputSpec?(config: LayerConfig): InputSpec | undefined;
  /** The layer takes a list of tensors (merge layers). */
  readonly listInput?: boolean;
  /** Rewrites arguments the way the Keras constructor stores them (e.g. kernel_size 3 → [3, 3]). */
  normalize?(config: LayerConfig): LayerConfig;
  compute(config: LayerConfig, inputs: Shape[], context: RuleContext, call: CallArguments): LayerOutput;
  /**
   * The call's tensor parameters in Keras's positional order (MultiHeadAttention: query, value, key, …). Without it
   * the layer takes one `inputs`: a tensor, or a list (merge layers).
   */
  readonly callTensors?: readonly string[];
  /** Call keywords that change what the layer returns (`return_attention_scores`, `use_causal_mask`). */
  readonly callOptions?: readonly string[];
  /**
   * Why the layer computes something else in training than at inference (Dropout's random drops, BatchNormalization's
   * batch statistics), or undefined when it does not: a call that runs in training (`training=True`, or an eager call
   * of a layer whose `call` defaults to training, as the augmentation layers' does) is then not evaluated.
   */
  training?(config: LayerConfig): string | undefined;
  /** Call keywords the engine is not given, each with why: a layer called with one is not evaluated. */
  readonly unevaluatedCallKeywords?: Readonly<Record<string, string>>;
  /**
   * Set for a class Tensor Lens cannot model (it wraps another framework, or is an abstract base): why, in one
   * sentence. It is reported where the layer is made; its outputs are unknown with this reason and `compute` is never run.
   */
  readonly unsupported?: string;
  /**
   * How the engine runs the layer; by default the TensorFlow.js layer (tfjs-layers' own, or ours in src/engine/layers/)
   * registered under the same Keras class name, with the same config.
   */
  evaluation?(config: LayerConfig, inner: InnerEvaluation): LayerEvaluation | undefined;
  /** The config keys a hover shows, in this order; by default the common ones (`units`, `filters`, `kernel_size`, …). */
  readonly hoverKeys?: readonly string[];
  /** The layer looks up integer inputs in a table whose size is this config key (Embedding's `input_dim`): sample ids stay below it. */
  readonly idBound?: string;
  /**
   * The constructor parameter holding a Python function that the layer calls on its inputs (Lambda's `function`):
   * the interpreter follows that function on the call's tensors instead of running `compute`.
   */
  readonly followsFunction?: string;
  /**
   * The layer applies its `activation` to its result as the last step of its call (Dense, Conv2D, Activation): a
   * Python function given there is followed on the layer's output, and the engine runs the layer without it.
   */
  readonly activatesLast?: boolean;
  /**
   * The class keeps its weights in sublayers that it makes without passing on its own `trainable` (Bidirectional's
   * copies, TimeDistributed's and SpectralNormalization's layer, MultiHeadAttention's projections, an RNN's cell given
   * to it): made with `trainable=False`, the layer counts them as non-trainable, but a model holding it still counts
   * those that are trainable weights of the sublayers as trainable.
   */
  readonly sublayersKeepTrainable?: boolean;
  /** Replaces construction for classes that make a tensor when constructed (InputLayer). */
  construct?(context: ApiContext, args: Arguments, site: CallSite): Value;
}

/** The config keys a hover shows for a class whose rule names none, when the layer has them. */
export const commonHoverKeys: readonly string[] = [
  'units',
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'dilation_rate',
  'pool_size',
  'depth_multiplier',
  'output_dim',
  'input_dim',
  'target_shape',
  'rate',
  'axis',
  'return_sequences',
  'return_state',
  'merge_mode',
  'activation',
];

/** The non-trainable part of a rule's count: 0 when the rule gives none, null when the count is not known. */
export function nonTrainableOf(output: Pick<LayerOutput, 'params' | 'nonTrainableParams'>): number | null {
  if (output.params === null) return null;
  return output.nonTrainableParams === undefined ? 0 : output.nonTrainableParams;
}

/** The `restoredBySetter` part of a rule's count: 0 when the rule gives none, null when the count is not known. */
export function restoredOf(output: Pick<LayerOutput, 'params' | 'restoredBySetter'>): number | null {
  if (output.params === null) return null;
  return output.restoredBySetter === undefined ? 0 : output.restoredBySetter;
}

/** Adds up counts that may be unknown (null). */
export function sumKnown(...counts: (number | null)[]): number | null {
  return counts.some((c) => c === null) ? null : (counts as number[]).reduce((a, b) => a + b, 0);
}

/** A shape error in Keras's own words, reported as a diagnostic at the layer call. */
export class LayerError extends Error {
  /** The constructor argument Keras rejects, when the error is about one: the diagnostic goes on it. */
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = 'LayerError';
  }
}

/** Constructor arguments that change no output shape, dtype or parameter count of any Keras layer. */
const shapeNeutral = /(_initializer|_regularizer|_constraint)$|^(activation|recurrent_activation|name|seed|trainable)$/;

export function shapeNeutralArgument(argument: string): boolean {
  return shapeNeutral.test(argument);
}
