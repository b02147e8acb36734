// The function a keras.ops control-flow op runs (the `f` of `map`, the `body` of `while_loop`, each branch of `cond`),
// as the analysis traced it: the ops it ran on placeholder arguments, in order, each with the config the engine runs a
// tensor operation with (src/engine/operation-layer.ts). The engine runs it once per iteration (src/engine/ops/control-flow.ts).

import type { JsonValue } from './ir.js';

/** Where a tensor of the body comes from: an argument of the function, an input of the op, or an earlier node's output. */
export type BodyRef = { readonly argument: number } | { readonly tensor: number } | { readonly node: number; readonly output: number };

export interface BodyNode {
  /** The TensorLensOperation config of the op: `operator`, and its encoded `call` or `index`. */
  readonly config: { readonly [key: string]: JsonValue };
  readonly inputs: readonly BodyRef[];
}

export interface FunctionBody {
  /** How many tensors the function is given, flattened. */
  readonly arguments: number;
  readonly nodes: readonly BodyNode[];
  /** The function's result, flattened. */
  readonly outputs: readonly BodyRef[];
}

/** The body as an op argument: `{function: body}`, JSON the encoded op call carries. */
export function bodyArgument(body: FunctionBody): JsonValue {
  return { function: body as unknown as JsonValue };
}

export function isBodyArgument(value: JsonValue | undefined): value is { function: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'function' in value;
}
