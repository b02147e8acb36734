// Small helpers shared by the layer rules: reading config values and the
// arithmetic Keras uses for convolution and pooling windows.

import type { JsonValue } from '../../../graph/ir.js';
import {
  dependsOnTrace,
  formatShape,
  isKnown,
  isSymbolic,
  symbolic,
  type Dim,
  type Shape,
  type SymbolicDim,
} from '../../../graph/shape.js';
import { paramsFormula } from '../../../graph/params-formula.js';
import { termArithmetic } from '../../../graph/size-terms.js';
import { hasLora } from './lora.js';
import { LayerError, type LayerConfig } from '../rule.js';

export function int(config: LayerConfig, key: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new LayerError(`Expected \`${key}\` to be an integer. Received: ${key}=${pythonRepr(value)}`, key);
  }
  return value;
}

/**
 * A size argument (`units`, `filters`) that may be data-dependent: a number, or
 * the name of a size known only at run time (`x_train.shape[1]`), as a symbolic dim.
 */
export function sizeArgument(config: LayerConfig, key: string): Dim {
  const value = config[key];
  if (typeof value === 'string') return symbolic(value);
  return int(config, key);
}

/** `{ paramsFormula }` for weights of these shapes, when their count is a formula of sizes known only at run time. */
export function optionalFormula(weights: readonly (readonly Dim[])[], config?: LayerConfig): { paramsFormula?: string } {
  // LoRA's factors are not in the weights given: no formula rather than one that misses them.
  if (config && hasLora(config)) return {};
  const formula = paramsFormula(weights);
  return formula === undefined ? {} : { paramsFormula: formula };
}

export function str(config: LayerConfig, key: string): string {
  const value = config[key];
  if (typeof value !== 'string') {
    throw new LayerError(`Expected \`${key}\` to be a string. Received: ${key}=${pythonRepr(value)}`, key);
  }
  return value;
}

export function bool(config: LayerConfig, key: string): boolean {
  return config[key] === true;
}

/** Keras `standardize_tuple`: an int or a sequence of `n` ints. */
export function intTuple(config: LayerConfig, key: string, n: number): number[] {
  const value = config[key];
  if (typeof value === 'number' && Number.isInteger(value)) return Array<number>(n).fill(value);
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    return value as number[];
  }
  throw new LayerError(`The \`${key}\` argument must be a tuple of ${n} integers. Received ${key}=${pythonRepr(value)}`, key);
}

/** `data_format` resolved to whether channels come last (Keras default "channels_last"). */
export function channelsLast(config: LayerConfig): boolean {
  return (config['data_format'] ?? 'channels_last') !== 'channels_first';
}

/** Keras `compute_conv_output_shape` for one spatial dimension. */
export function convLength(length: Dim, kernel: number, stride: number, padding: string, dilation = 1): Dim {
  if (isRunTimeSize(length)) return runTimeConvLength(length, kernel, stride, padding, dilation);
  if (!isKnown(length)) return null;
  const effective = (kernel - 1) * dilation + 1;
  const out = padding === 'same' ? Math.floor((length - 1) / stride) + 1 : Math.floor((length - effective) / stride) + 1;
  return out;
}

/** Keras `compute_conv_transpose_output_shape` for one spatial dimension. */
export function deconvLength(
  length: Dim,
  kernel: number,
  stride: number,
  padding: string,
  outputPadding: number | null,
  dilation = 1,
): Dim {
  if (isRunTimeSize(length) && outputPadding === null) {
    // Keras's `deconv_output_length` without output_padding, written out.
    const effective = kernel + (kernel - 1) * (dilation - 1);
    const scaled = sizeArithmetic(length, '*', stride);
    const extra = padding === 'valid' ? Math.max(effective - stride, 0) : 0;
    return isRunTimeSize(scaled) ? sizeArithmetic(scaled, '+', extra) : scaled;
  }
  if (!isKnown(length)) return null;
  const effective = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) {
    return padding === 'valid' ? length * stride + Math.max(effective - stride, 0) : length * stride;
  }
  const pad = padding === 'same' ? Math.floor(effective / 2) : 0;
  return (length - 1) * stride + effective - 2 * pad + outputPadding;
}

/** Python's repr of a config value, for messages in Keras's words. */
export function pythonRepr(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${pythonRepr(value[0])},)` : `(${value.map(pythonRepr).join(', ')})`;
  return `{${Object.entries(value)
    .map(([k, v]) => `'${k}': ${pythonRepr(v)}`)
    .join(', ')}}`;
}

/** Python's str of a numpy integer array, as Keras's messages print one: `[2 2]`, `[10  2]` (numpy aligns the widths). */
export function numpyArray(values: readonly number[]): string {
  const width = Math.max(0, ...values.map((v) => String(v).length));
  return `[${values.map((v) => String(v).padStart(width)).join(' ')}]`;
}

/**
 * Keras `standardize_padding` of a padding given as a string. Its message prints a Python set, whose order follows
 * the string hashes: this is the order under PYTHONHASHSEED=0, with which the references are recorded.
 */
export function standardizePadding(value: JsonValue | undefined, allowCausal = false): string {
  const padding = String(value).toLowerCase();
  const allowed = allowCausal ? ['same', 'causal', 'valid'] : ['same', 'valid'];
  if (!allowed.includes(padding)) {
    const set = allowed.map((p) => `'${p}'`).join(', ');
    throw new LayerError(`The \`padding\` argument must be a list/tuple or one of {${set}}. Received: ${padding}`, 'padding');
  }
  return padding;
}

/** Keras `add_weight`'s error for a shape with a None; `path` is the variable's (`<layer name>/<variable>`). */
export function undefinedWeightShapeMessage(shape: Shape, path: string): string {
  return `Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=${formatShape(shape)} for variable path='${path}'`;
}

/** Keras `add_weight` refuses a shape with a None (the layer's name is the path's start in a functional model). */
export function checkWeightShape(config: LayerConfig, variable: string, shape: Shape): void {
  if (shape.includes(null)) throw new LayerError(undefinedWeightShapeMessage(shape, `${String(config['name'])}/${variable}`));
}

/** Keras `RNN.build`: a stateful RNN needs a static batch size. */
export function checkStateful(config: LayerConfig, sequences: Shape): void {
  if (bool(config, 'stateful') && sequences[0] === null) {
    throw new LayerError(
      `When using \`stateful=True\` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=${formatShape(sequences)}`,
    );
  }
}

/** Keras's quantized dtype policies are named `<mode>_from_<source policy>` (`int8_from_mixed_bfloat16`). */
const quantizedPolicy = /^[a-z0-9/]+_from_/;

export function isQuantizedPolicy(dtype: JsonValue | undefined): boolean {
  return typeof dtype === 'string' && quantizedPolicy.test(dtype);
}

/**
 * The compute dtype of a layer's dtype policy: `dtype="mixed_float16"` computes in float16, a quantized
 * `int8_from_mixed_bfloat16` in bfloat16.
 */
export function computeDtype(config: LayerConfig, fallback = 'float32'): string {
  const dtype = config['dtype'];
  if (typeof dtype !== 'string') return fallback;
  const source = dtype.replace(quantizedPolicy, '');
  return source.startsWith('mixed_') ? source.slice('mixed_'.length) : source;
}

/** The dtype a layer's policy makes its variables in: float32 for a mixed policy, else its compute dtype. */
export function variableDtype(config: LayerConfig): string {
  const dtype = config['dtype'];
  return typeof dtype === 'string' && dtype.replace(quantizedPolicy, '').startsWith('mixed_') ? 'float32' : computeDtype(config);
}

/** A size known only at run time that is not the traced size (`x_train.shape[1]`, not JAX's `dynamic_dimension`). */
export function isRunTimeSize(dim: Dim): dim is SymbolicDim {
  return isSymbolic(dim) && !dependsOnTrace(dim);
}

/** A size known only at run time, as an operand of arithmetic written out: in parentheses when it is a sum. */
function operand(dim: SymbolicDim): string {
  return /[ +-]/.test(dim.symbol) ? `(${dim.symbol})` : dim.symbol;
}

/** A size known only at run time with a number added, taken away or multiplied: a product stays a term (`2*n`). */
export function sizeArithmetic(dim: SymbolicDim, operator: '+' | '-' | '*', n: number): Dim {
  if (operator === '*') return termArithmetic(dim, '*', n) ?? symbolic(`${operand(dim)} * ${n}`);
  return n === 0 ? dim : symbolic(`${operand(dim)} ${operator} ${n}`);
}

/** `compute_conv_output_shape` for a size known only at run time, written out as Python computes it. */
function runTimeConvLength(length: SymbolicDim, kernel: number, stride: number, padding: string, dilation: number): Dim {
  const effective = (kernel - 1) * dilation + 1;
  const n = operand(length);
  if (padding === 'same') return stride === 1 ? length : symbolic(`(${n} - 1) // ${stride} + 1`);
  if (stride === 1) return effective === 1 ? length : symbolic(`${n} - ${effective - 1}`);
  return symbolic(`(${n} - ${effective}) // ${stride} + 1`);
}
