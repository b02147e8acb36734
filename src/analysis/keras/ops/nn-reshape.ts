// keras.ops of the nn family that move sizes between axes: depth_to_space, space_to_depth, unfold and fold, as their
// compute_output_spec gives them (keras/src/ops/nn.py). The dtype is the input's.

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, type OpCall, type OpRule } from './op-rule.js';
import { floorDivide, intValue, multiplyDims, sizeValue, standardizeDataFormat, symbolicOperand } from './nn-util.js';

/** The block size of depth_to_space and space_to_depth, checked as the public functions do. */
function blockSize(call: OpCall): number {
  const size = intValue(argument(call, 'block_size'), 'block_size');
  if (size < 2) throw new LayerError(`\`block_size\` must be at least 2. Received: block_size=${size}`);
  return size;
}

/** The (batch, height, width, channels) of a 4-D input, and how to put them back in the data format's order. */
function image(call: OpCall, op: string): { dims: Dim[]; dtype: string; assemble: (dims: Dim[]) => Dim[] } {
  const format = standardizeDataFormat(argument(call, 'data_format'));
  blockSize(call);
  const x = symbolicOperand(call, 'x');
  if (x.shape.length !== 4) throw new LayerError(`\`${op}\` requires a 4D input tensor. Received: x.shape=${formatShape(x.shape)}`);
  const [b, first, second, third] = x.shape as [Dim, Dim, Dim, Dim];
  if (format === 'channels_last') return { dims: [b, first, second, third], dtype: x.dtype, assemble: (d) => d };
  return { dims: [b, second, third, first], dtype: x.dtype, assemble: ([n, h, w, c]) => [n!, c!, h!, w!] };
}

const depthToSpace: OpRule = {
  compute(call) {
    const { dims, dtype, assemble } = image(call, 'depth_to_space');
    const block = blockSize(call);
    const [b, h, w, c] = dims;
    if (isKnown(c!) && c % block ** 2 !== 0) {
      throw new LayerError(`The number of channels (${c}) must be divisible by block_size**2 (${block ** 2}).`);
    }
    return { shape: assemble([b!, multiplyDims(h!, block), multiplyDims(w!, block), floorDivide(c!, block ** 2)]), dtype };
  },
};

const spaceToDepth: OpRule = {
  compute(call) {
    const { dims, dtype, assemble } = image(call, 'space_to_depth');
    const block = blockSize(call);
    const [b, h, w, c] = dims;
    if (isKnown(h!) && h % block !== 0) throw new LayerError(`Height (${h}) must be divisible by block_size (${block}).`);
    if (isKnown(w!) && w % block !== 0) throw new LayerError(`Width (${w}) must be divisible by block_size (${block}).`);
    return { shape: assemble([b!, floorDivide(h!, block), floorDivide(w!, block), multiplyDims(c!, block ** 2)]), dtype };
  },
};

/** Keras's `_pair` unpacked: an int for both spatial axes, or a pair of them (Python's errors for another length). */
function unpackPair(value: JsonValue, what: string): [JsonValue, JsonValue] {
  if (!Array.isArray(value)) return [value, value];
  if (value.length !== 2) {
    throw new LayerError(
      value.length > 2 ? 'too many values to unpack (expected 2)' : `not enough values to unpack (expected 2, got ${value.length})`,
    );
  }
  if (typeof value[0] === 'object' || typeof value[1] === 'object')
    throw new OpNotKnown(`\`${what}\`=${pythonRepr(value)} is not analysed`);
  return [value[0]!, value[1]!];
}

function pair(value: JsonValue, what: string): [number, number] {
  const [a, b] = unpackPair(value, what);
  return [intValue(a, what), intValue(b, what)];
}

/** Python arithmetic on a None size is a TypeError. */
function noneOperand(operator: string): LayerError {
  return new LayerError(`unsupported operand type(s) for ${operator}: 'NoneType' and 'int'`);
}

/** `unfold(x, kernel_size, …)`: (N, C, H, W) to (N, C·kH·kW, outH·outW), the sliding blocks of torch's Unfold. */
const unfold: OpRule = {
  compute(call) {
    const x = symbolicOperand(call, 'x');
    if (x.shape.length !== 4) throw new LayerError(`Input must be a 4D tensor. Received: input.shape=${formatShape(x.shape)}`);
    const [n, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
    const [kernel, dilation, padding, stride] = (['kernel_size', 'dilation', 'padding', 'stride'] as const).map((name) =>
      pair(argument(call, name), name),
    );
    const outSize = (length: Dim, i: number): Dim => {
      if (length === null) throw noneOperand('+');
      if (!isKnown(length)) return null;
      const size = Math.floor((length + 2 * padding![i]! - dilation![i]! * (kernel![i]! - 1) - 1) / stride![i]!) + 1;
      if (size < 0) throw new OpNotKnown(`a negative output size (${size}) is not analysed`);
      return size;
    };
    const [outH, outW] = [outSize(h, 0), outSize(w, 1)];
    if (c === null) throw new LayerError("unsupported operand type(s) for *: 'NoneType' and 'int'");
    const blocks = isKnown(outH) && isKnown(outW) ? outH * outW : null;
    return { shape: [n, multiplyDims(c, kernel![0]! * kernel![1]!), blocks], dtype: x.dtype };
  },
};

/** The output size of fold: an int for both axes or a pair, each an int or a size known only at run time. */
function outputSize(value: JsonValue): [Dim, Dim] {
  const [h, w] = unpackPair(value, 'output_size');
  return [sizeValue(h, 'output_size'), sizeValue(w, 'output_size')];
}

/** `fold(x, output_size, kernel_size, …)`: (N, C·kH·kW, L) back to (N, C, oH, oW). */
const fold: OpRule = {
  compute(call) {
    const x = symbolicOperand(call, 'x');
    if (x.shape.length !== 3) throw new LayerError(`Input must be a 3D tensor. Received: input.shape=${formatShape(x.shape)}`);
    const [n, blocks] = x.shape as [Dim, Dim];
    const [kH, kW] = pair(argument(call, 'kernel_size'), 'kernel_size');
    const [oH, oW] = outputSize(argument(call, 'output_size'));
    const product = kH * kW;
    if (isKnown(blocks) && blocks % product !== 0) {
      throw new LayerError(`The second dimension of the input (${blocks}) must be divisible by kernel_size product (${product}).`);
    }
    const shape: Shape = [n, floorDivide(blocks, product), oH, oW];
    return { shape, dtype: x.dtype };
  },
};

export const reshapeOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.depth_to_space': depthToSpace,
  'keras.ops.space_to_depth': spaceToDepth,
  'keras.ops.unfold': unfold,
  'keras.ops.fold': fold,
};
