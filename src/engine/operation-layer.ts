// Evaluates the tensor operations of a model file, exported by the graph as
// layers of this class: keras.ops calls (and the operators that make them,
// `x + y`, `x > 0`) by the kernel of their op (ops/), `x[:, 0]` by a strided slice.

import * as tf from '@tensorflow/tfjs';
import { sliceShape } from '../analysis/tensor-ops.js';
import type { Value } from '../analysis/values.js';
import type { JsonValue } from '../graph/ir.js';
import { decodeOperationCall, type OperationCall } from '../graph/operation-config.js';
import { opKernel } from './ops/index.js';
import type { BodyRef } from '../graph/function-body.js';
import { KernelCall, tfDtype, type BodyRunner, type Kernel } from './ops/kernel.js';

type IndexPart = { int: number } | { slice: [number | null, number | null, number | null] } | 'newaxis' | 'ellipsis';

interface OperationArgs {
  operator: string;
  index?: IndexPart[] | null;
  /** A keras.ops call, encoded (graph/operation-config.ts). */
  call?: string;
  name?: string;
}

export class TensorLensOperation extends tf.layers.Layer {
  static className = 'TensorLensOperation';
  private readonly args: OperationArgs;
  private readonly op?: { readonly call: OperationCall; readonly kernel: Kernel };

  constructor(args: OperationArgs) {
    super({ name: args.name });
    this.args = args;
    if (args.call !== undefined) {
      const call = decodeOperationCall(args.call);
      this.op = { call, kernel: opKernel(call.path) };
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const tensors = Array.isArray(inputs) ? inputs : [inputs];
      if (this.op) return callOp(this.op.call, this.op.kernel, tensors);
      return runOperation(this.args, tensors);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    if (this.op) {
      const shapes = this.op.call.outputs.map((o) => [...o.shape]);
      return shapes.length === 1 ? shapes[0]! : shapes;
    }
    // The layers after this one check their input's rank against it (MaxPooling1D after x[:, 0]).
    const shape = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    return this.args.index ? (sliceShape(shape, indexValues(this.args.index)) as tf.Shape) : shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.args as unknown as tf.serialization.ConfigDict) };
  }
}

/** One tensor operation, by its config: a keras.ops call by its kernel, `x[...]` by a strided slice. */
function runOperation(args: OperationArgs, tensors: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  if (args.call !== undefined) {
    const call = decodedCall(args.call);
    return callOp(call, opKernel(call.path), tensors);
  }
  // modelFromJSON converts snake_case string values too: get_item arrives as getItem.
  if (args.operator === 'get_item' || args.operator === 'getItem') return getItem(tensors[0]!, args.index ?? null);
  throw new Error(`operation ${args.operator} cannot be evaluated`);
}

const decodedCalls = new Map<string, OperationCall>();

/** A body's op calls decoded once, not once per iteration of the loop running them. */
function decodedCall(encoded: string): OperationCall {
  let call = decodedCalls.get(encoded);
  if (!call) {
    call = decodeOperationCall(encoded);
    if (decodedCalls.size > 10_000) decodedCalls.clear();
    decodedCalls.set(encoded, call);
  }
  return call;
}

/** A function body's ops run in order on its arguments; what it captures are the op's own inputs. */
const runBody: BodyRunner = (body, args, inputs) => {
  const results: tf.Tensor[][] = [];
  const resolve = (ref: BodyRef): tf.Tensor => {
    if ('argument' in ref) return args[ref.argument]!;
    if ('tensor' in ref) return inputs[ref.tensor]!;
    return results[ref.node]![ref.output]!;
  };
  for (const node of body.nodes) {
    const out = runOperation(node.config as unknown as OperationArgs, node.inputs.map(resolve));
    results.push(Array.isArray(out) ? out : [out]);
  }
  return body.outputs.map(resolve);
};

/** The kernel's outputs, each cast to the dtype TensorFlow.js holds Keras's output dtype in. */
function callOp(call: OperationCall, kernel: Kernel, tensors: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  const resolved = { ...call, arguments: resolveSizes(call.arguments, tensors) as OperationCall['arguments'] };
  const result = kernel(new KernelCall(resolved, tensors, runBody));
  const outputs = (Array.isArray(result) ? result : [result]).map((t, i) => {
    const dtype = tfDtype(call.outputs[i]!.dtype);
    return t.dtype === dtype ? t : tf.cast(t, dtype);
  });
  return call.outputs.length === 1 && !Array.isArray(result) ? outputs[0]! : outputs;
}

/** The arguments with each size read when it runs (`{size: [input, axis]}`) as the size that input has now. */
function resolveSizes(json: JsonValue, tensors: readonly tf.Tensor[]): JsonValue {
  if (Array.isArray(json)) return json.map((item) => resolveSizes(item, tensors));
  if (json === null || typeof json !== 'object') return json;
  const size = json['size'];
  if (Array.isArray(size) && Object.keys(json).length === 1) {
    const [input, axis] = size as [number, number];
    const dim = tensors[input]?.shape[axis];
    if (dim === undefined) throw new Error(`a size read from input ${input}, axis ${axis}, which it does not have`);
    return dim;
  }
  return Object.fromEntries(Object.entries(json).map(([key, value]) => [key, resolveSizes(value, tensors)]));
}

/** The tensor a keras.ops call on Python values alone computes (`ops.cast(8, "float32")`), by its kernel. */
export function operationValues(encoded: string): tf.Tensor {
  const call = decodeOperationCall(encoded);
  return tf.tidy(() => callOp(call, opKernel(call.path), []) as tf.Tensor);
}

/** The index as the analysis's values, so that its shape rule (tensor-ops) computes the shape here too. */
function indexValues(index: IndexPart[]): Value[] {
  const part = (n: number | null): Value => (n === null ? { kind: 'none' } : { kind: 'int', value: n });
  return index.map((p): Value => {
    if (p === 'newaxis') return { kind: 'none' };
    if (p === 'ellipsis') return { kind: 'ellipsis' };
    if ('int' in p) return { kind: 'int', value: p.int };
    const [start, stop, step] = p.slice;
    return { kind: 'slice', start: part(start), stop: part(stop), step: part(step) };
  });
}

/** NumPy-style indexing through one strided slice with Python's masks. */
function getItem(x: tf.Tensor, index: IndexPart[] | null): tf.Tensor {
  if (!index) throw new Error('this index is not known statically, so it cannot be evaluated');
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let ellipsisMask = 0;
  let newAxisMask = 0;
  let shrinkAxisMask = 0;
  const axis = (from: number, to: number, step: number): void => {
    begin.push(from);
    end.push(to);
    strides.push(step);
  };
  index.forEach((part, i) => {
    const bit = 1 << i;
    if (part === 'ellipsis') {
      ellipsisMask |= bit;
      axis(0, 0, 1);
    } else if (part === 'newaxis') {
      newAxisMask |= bit;
      axis(0, 0, 1);
    } else if ('int' in part) {
      shrinkAxisMask |= bit;
      // x[..., -1] ends past the last element: an end of 0 would select nothing.
      if (part.int === -1) endMask |= bit;
      axis(part.int, part.int + 1, 1);
    } else {
      const [start, stop, step] = part.slice;
      if (start === null) beginMask |= bit;
      if (stop === null) endMask |= bit;
      axis(start ?? 0, stop ?? 0, step ?? 1);
    }
  });
  return tf.stridedSlice(x, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
}

let registered = false;

export function registerOperationLayer(): void {
  if (registered) return;
  tf.serialization.registerClass(TensorLensOperation);
  registered = true;
}
