// Small helpers shared by the layer rules: reading config values and the
// arithmetic Keras uses for convolution and pooling windows.

import type { JsonValue } from '../../../graph/ir.js';
import { isKnown, symbolic, type Dim } from '../../../graph/shape.js';
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
