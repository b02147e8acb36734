// The contract between the interpreter and the per-layer shape rules: a rule
// takes a layer's Keras config and its input shapes and returns what Keras's
// `compute_output_shape` and `build` would give, without allocating anything.

import type { JsonValue } from '../../graph/ir.js';
import type { Shape } from '../../graph/shape.js';

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

export interface LayerRule {
  /** Checked on every input before `compute`, with Keras's wording on failure. */
  inputSpec?(config: LayerConfig): InputSpec | undefined;
  /** The layer takes a list of tensors (merge layers). */
  readonly listInput?: boolean;
  /** Rewrites arguments the way the Keras constructor stores them (e.g. kernel_size 3 → [3, 3]). */
  normalize?(config: LayerConfig): LayerConfig;
  compute(config: LayerConfig, inputs: Shape[], context: RuleContext): LayerOutput;
}

/** A shape error in Keras's own words, reported as a diagnostic at the layer call. */
export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}
