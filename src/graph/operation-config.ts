// The engine's config of one keras.ops call, carried through the exported Keras JSON. TensorFlow.js camel-cases every
// string with an underscore when it loads a topology (`channels_last` → `channelsLast`, and keys alike), so the call
// travels as one JSON string whose underscores are written `\u005f`: JSON reads it back unchanged.

import type { JsonValue } from './ir.js';

export interface OperationCall {
  /** The canonical op path: `keras.ops.log_softmax`. */
  readonly path: string;
  /**
   * The arguments by parameter name, defaults filled in; a tensor as `{tensor: i}`, the i-th input of the layer; a size
   * read when it runs (`ops.shape(x)[0]` of a None size) as `{size: [i, axis]}`, that axis of the i-th input.
   */
  readonly arguments: { readonly [name: string]: JsonValue };
  /** Keras's output shapes and dtypes (null for a size known only at run time). */
  readonly outputs: readonly { readonly shape: readonly (number | null)[]; readonly dtype: string }[];
}

export function encodeOperationCall(call: OperationCall): string {
  return JSON.stringify(call).replaceAll('_', '\\u005f');
}

export function decodeOperationCall(text: string): OperationCall {
  return JSON.parse(text) as OperationCall;
}
