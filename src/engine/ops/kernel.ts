// What a kernel of a keras.ops call is given: its arguments by parameter name (tensors and Python values, as the
// analysis bound them) and Keras's output shapes and dtypes, which the kernel's result is cast to.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { isBodyArgument, type FunctionBody } from '../../graph/function-body.js';
import type { OperationCall } from '../../graph/operation-config.js';

import { tfjsDtype, type TfjsDtype } from '../topology.js';

export type TfDtype = TfjsDtype;

/** The TensorFlow.js dtype that holds a Keras dtype's values: floats in float32, integers in int32. */
export function tfDtype(kerasDtype: string): TfDtype {
  const dtype = tfjsDtype(kerasDtype);
  if (typeof dtype !== 'string') throw new Error(`a ${kerasDtype} output cannot be evaluated: ${dtype.refused}`);
  return dtype;
}

/** Runs a function body on its arguments, with the op's inputs as what it captures (src/engine/operation-layer.ts). */
export type BodyRunner = (body: FunctionBody, args: readonly tf.Tensor[], inputs: readonly tf.Tensor[]) => tf.Tensor[];

export class KernelCall {
  constructor(
    readonly call: OperationCall,
    private readonly inputs: readonly tf.Tensor[],
    private readonly runner?: BodyRunner,
  ) {}

  /** Runs a function the op was given (a body the analysis traced: `f` of map, a branch of switch) on `args`. */
  runFunction(value: JsonValue | undefined, args: readonly tf.Tensor[]): tf.Tensor[] {
    if (!isBodyArgument(value) || !this.runner) throw new Error(`${this.path}: its function is not evaluated`);
    return this.runner(value.function as unknown as FunctionBody, args, this.inputs);
  }

  /** The tensors given as a list of `{tensor: i}` (the leaves of a structure the op takes). */
  leaves(name: string): tf.Tensor[] {
    const value = this.value(name);
    return Array.isArray(value) ? value.map((v) => this.asTensor(v, name, this.outputDtype)) : [];
  }

  /** A Python number given for `name`, or the value of the scalar tensor given there. */
  scalar(name: string): number {
    const value = this.value(name);
    if (typeof value === 'number' || typeof value === 'boolean') return Number(value);
    return this.asTensor(value, name, 'float32').dataSync()[0]!;
  }

  get path(): string {
    return this.call.path;
  }

  /** The op's first parameter (`x`, `x1`, `variable`): the arguments are in the order of its signature. */
  get firstParameter(): string {
    return Object.keys(this.call.arguments)[0]!;
  }

  /** The TensorFlow.js dtype of the (first) output. */
  get outputDtype(): TfDtype {
    return tfDtype(this.call.outputs[0]!.dtype);
  }

  /** The tensor given for `name`; a Python number as a scalar of `dtype` (the output's by default). */
  tensor(name: string, dtype: TfDtype = this.outputDtype): tf.Tensor {
    return this.asTensor(this.call.arguments[name], name, dtype);
  }

  /** The tensor for `name` cast to `dtype` (the output's by default): Keras promotes the operands before the op. */
  cast(name: string, dtype: TfDtype = this.outputDtype): tf.Tensor {
    const t = this.tensor(name, dtype);
    return t.dtype === dtype ? t : tf.cast(t, dtype);
  }

  /** The tensors of a list argument (`concatenate(xs)`). */
  tensors(name: string): tf.Tensor[] {
    const value = this.call.arguments[name];
    if (!Array.isArray(value)) throw new Error(`${this.path}: \`${name}\` is not a list of tensors`);
    return value.map((v) => this.asTensor(v, name, this.outputDtype));
  }

  value(name: string): JsonValue {
    return this.call.arguments[name] ?? null;
  }

  number(name: string): number {
    const value = this.value(name);
    if (typeof value !== 'number') throw new Error(`${this.path}: \`${name}\` is not a number`);
    return value;
  }

  private asTensor(value: JsonValue | undefined, name: string, dtype: TfDtype): tf.Tensor {
    if (typeof value === 'number') return tf.scalar(value, dtype);
    if (typeof value === 'boolean') return tf.scalar(value, 'bool');
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value['tensor'] === 'number') {
      return this.inputs[value['tensor']]!;
    }
    throw new Error(`${this.path}: \`${name}\` is not a tensor`);
  }
}

export type Kernel = (call: KernelCall) => tf.Tensor | tf.Tensor[];

/** A tensor as bools, true where non-zero (a cast to bool is not that on every backend: wasm keeps the float). */
export function truth(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'bool' ? t : tf.notEqual(t, tf.scalar(0, t.dtype));
}
