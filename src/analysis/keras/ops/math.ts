// keras.ops of the math family (keras/src/ops/math.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.
// Complex numbers travel as (real, imaginary) pairs of tensors: fft, rfft and stft return such a tuple, the inverses take one.

import { formatShape, type Dim, type Shape } from '../../../graph/shape.js';
import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { unary } from './elementwise.js';
import {
  kerasTensor,
  pythonStr,
  raiseWhere,
  shapesDiffer,
  sizeArgument,
  sizeArithmetic,
  sizesDiffer,
  truthy,
  type Size,
} from './linalg.js';
import { argument, isOperand, OpNotKnown, operand, type OpArgument, type OpCall, type Operand, type OpRule } from './op-rule.js';
import { binaryDtype } from './signatures.js';

const indexError = 'tuple index out of range';

/** An int argument that may be None. */
function optionalSize(call: OpCall, name: string): Size | null {
  return call.arguments.get(name) === null ? null : sizeArgument(call, name);
}

/** `1 + (size - window) // stride`: how many windows fit, for a size that may be None. */
function windows(size: Dim, window: Size, stride: Size): Dim {
  if (size === null) return null;
  return sizeArithmetic(1, '+', sizeArithmetic(sizeArithmetic(size, '-', window), '//', stride));
}

const halfPlusOne = (size: Size): Size => sizeArithmetic(sizeArithmetic(size, '//', 2), '+', 1);

// --- segment reductions, top_k, in_top_k, cdist ---------------------------------------

/** `_segment_reduce_validation`, which the function runs before its symbolic call. */
function validateSegments(data: Operand, ids: Operand): void {
  if (ids.shape.length > 1) {
    throw new LayerError(
      `Argument \`segment_ids\` should be an 1-D vector, got shape: ${ids.shape.length}. Consider either flatten input with ` +
        'segment_ids.reshape((-1)) and data.reshape((-1, ) + data.shape[len(segment_ids.shape):]) or vectorize with vmap.',
    );
  }
  if (ids.shape.length === 0) throw new LayerError(indexError);
  if (ids.shape[0] === null) return;
  if (data.shape.length === 0) throw new LayerError(indexError);
  if (data.shape[0] === null) return;
  raiseWhere(
    sizesDiffer(ids.shape[0]!, data.shape[0]!),
    `Argument \`segment_ids\` and \`data\` should have same leading dimension. Got ${formatShape(ids.shape)} v.s. ${formatShape(data.shape)}.`,
  );
}

/** segment_sum, segment_max, …: `(num_segments,) + data.shape[1:]`, None segments when not given. */
const segmentReduction: OpRule = {
  compute(call) {
    const data = operand(call, 'data');
    validateSegments(data, operand(call, 'segment_ids'));
    return kerasTensor([optionalSize(call, 'num_segments'), ...data.shape.slice(1)], data.dtype);
  },
};

/** `top_k(x, k)`: the k largest values and their indices along the last axis. */
const topK: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    if (x.shape.length === 0) throw new LayerError('list assignment index out of range');
    const shape = [...x.shape.slice(0, -1), sizeArgument(call, 'k')];
    return { tuple: [kerasTensor(shape, x.dtype), kerasTensor(shape, 'int32')] };
  },
};

const inTopK: OpRule = {
  compute(call) {
    return kerasTensor(operand(call, 'targets').shape, 'bool');
  },
};

const cdist: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const y = operand(call, 'y');
    const shapes = `Received shapes: x.shape=${formatShape(x.shape)}, y.shape=${formatShape(y.shape)}`;
    if (x.shape.length < 2 || y.shape.length < 2) throw new LayerError(`Inputs to \`cdist\` must have rank >= 2. ${shapes}`);
    const [p, q] = [x.shape.at(-1)!, y.shape.at(-1)!];
    if (p !== null && q !== null) raiseWhere(sizesDiffer(p, q), `The last dimension of inputs to \`cdist\` must match. ${shapes}`);
    let batch: Shape;
    try {
      batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2));
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      throw new LayerError(`Batch dimensions of inputs to \`cdist\` must be broadcastable. ${shapes}`);
    }
    const dtype = binaryDtype(call.path, x, y);
    if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on ${x.dtype} and ${y.dtype} tensors is not known`);
    return kerasTensor([...batch, x.shape.at(-2)!, y.shape.at(-2)!], dtype);
  },
};

// --- sequences and Fourier transforms -------------------------------------------------

const extractSequences: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    if (x.shape.length < 1) throw new LayerError(`Input should have rank >= 1. Received: input.shape = ${formatShape(x.shape)}`);
    const length = sizeArgument(call, 'sequence_length');
    const count = windows(x.shape.at(-1)!, length, sizeArgument(call, 'sequence_stride'));
    return kerasTensor([...x.shape.slice(0, -1), count, length], x.dtype);
  },
};

/** `x` of the inverse transforms: a tuple of two tensors of one shape, the real and imaginary parts. */
function complexPair(call: OpCall): [real: Operand, imag: Operand] {
  const x = call.arguments.get('x');
  // `any_symbolic_tensors(x)` tests a lone tensor for truth before compute_output_spec sees it.
  if (isOperand(x)) throw new LayerError('A symbolic KerasTensor cannot be used as a boolean.');
  const parts: readonly OpArgument[] = Array.isArray(x) ? x : [];
  if (parts.length === 0 || !parts.every((v) => isOperand(v) && !v.weak)) {
    throw new OpNotKnown(`\`x\` of ${call.path} is not a tuple of tensors`);
  }
  if (parts.length !== 2) {
    throw new LayerError(`Input \`x\` should be a tuple of two tensors - real and imaginary. Received: x=${pythonStr(x)}`);
  }
  const [real, imag] = parts as [Operand, Operand];
  raiseWhere(
    shapesDiffer(real.shape, imag.shape),
    'Input `x` should be a tuple of two tensors - real and imaginary. Both the real and imaginary parts should have the ' +
      `same shape. Received: x[0].shape = ${formatShape(real.shape)}, x[1].shape = ${formatShape(imag.shape)}`,
  );
  return [real, imag];
}

function assertRank(x: Operand, rank: number): void {
  if (x.shape.length < rank) throw new LayerError(`Input should have rank >= ${rank}. Received: input.shape = ${formatShape(x.shape)}`);
}

/** fft, fft2, ifft2: the pair as it is, once the transformed axes are known sizes. */
function complexTransform(axes: 1 | 2): OpRule {
  return {
    compute(call) {
      const [real, imag] = complexPair(call);
      assertRank(real, axes);
      if (real.shape.slice(-axes).includes(null)) {
        const which = axes === 1 ? 'last dimension' : '(-2, -1) axes';
        throw new LayerError(`Input should have its ${which} fully-defined. Received: input.shape = ${formatShape(real.shape)}`);
      }
      return { tuple: [kerasTensor(real.shape, real.dtype), kerasTensor(imag.shape, imag.dtype)] };
    },
  };
}

const rfft: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    assertRank(x, 1);
    const fftLength = optionalSize(call, 'fft_length');
    const last = x.shape.at(-1)!;
    const size = fftLength !== null ? halfPlusOne(fftLength) : last === null ? null : halfPlusOne(last);
    const shape = [...x.shape.slice(0, -1), size];
    return { tuple: [kerasTensor(shape, x.dtype), kerasTensor(shape, x.dtype)] };
  },
};

const irfft: OpRule = {
  compute(call) {
    const [real] = complexPair(call);
    assertRank(real, 1);
    const fftLength = optionalSize(call, 'fft_length');
    const last = real.shape.at(-1)!;
    const size = fftLength ?? (last === null ? null : sizeArithmetic(2, '*', sizeArithmetic(last, '-', 1)));
    return kerasTensor([...real.shape.slice(0, -1), size], real.dtype);
  },
};

/** The check stft and istft make before their symbolic call. */
function sequenceStride(call: OpCall): Size {
  const stride = call.arguments.get('sequence_stride');
  if (typeof stride === 'string' || typeof stride === 'boolean') {
    throw new OpNotKnown(`\`sequence_stride\` of ${call.path} is not a known int`);
  }
  const positive = isOperand(stride) && stride.weak === 'int' && stride.value! > 0;
  if (!positive) throw new LayerError(`\`sequence_stride\` must be a positive integer. Received: sequence_stride=${pythonStr(stride)}`);
  return stride.value!;
}

const stft: OpRule = {
  compute(call) {
    const stride = sequenceStride(call);
    const x = operand(call, 'x');
    const fftLength = sizeArgument(call, 'fft_length');
    if (x.shape.length === 0) throw new LayerError(indexError);
    const last = x.shape.at(-1)!;
    // `0 if self.center is False else (fft_length // 2) * 2`: only False itself leaves the signal unpadded.
    const padding = argument(call, 'center') === false ? 0 : sizeArithmetic(sizeArithmetic(fftLength, '//', 2), '*', 2);
    const padded = last === null ? null : sizeArithmetic(last, '+', padding);
    const shape = [...x.shape.slice(0, -1), windows(padded, fftLength, stride), halfPlusOne(fftLength)];
    return { tuple: [kerasTensor(shape, x.dtype), kerasTensor(shape, x.dtype)] };
  },
};

const istft: OpRule = {
  compute(call) {
    const stride = sequenceStride(call);
    const [real] = complexPair(call);
    assertRank(real, 2);
    const fftLength = sizeArgument(call, 'fft_length');
    const length = optionalSize(call, 'length');
    const frames = real.shape.at(-2)!;
    let size: Dim = length;
    if (frames !== null && length === null) {
      size = sizeArithmetic(sizeArithmetic(sizeArithmetic(frames, '-', 1), '*', stride), '+', fftLength);
      if (truthy(call, 'center')) size = sizeArithmetic(size, '-', sizeArithmetic(sizeArithmetic(fftLength, '//', 2), '*', 2));
    }
    return kerasTensor([...real.shape.slice(0, -2), size], real.dtype);
  },
};

// --- the rest -------------------------------------------------------------------------

function reshaped(output: (shape: Shape) => Shape, dtype: (x: Operand) => string): OpRule {
  return {
    compute(call) {
      const x = operand(call, 'x');
      return kerasTensor(output(x.shape), dtype(x));
    },
  };
}

export const mathOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.segment_sum': segmentReduction,
  'keras.ops.segment_max': segmentReduction,
  'keras.ops.segment_min': segmentReduction,
  'keras.ops.segment_prod': segmentReduction,
  'keras.ops.top_k': topK,
  'keras.ops.in_top_k': inTopK,
  'keras.ops.cdist': cdist,
  'keras.ops.extract_sequences': extractSequences,
  'keras.ops.fft': complexTransform(1),
  'keras.ops.fft2': complexTransform(2),
  'keras.ops.ifft2': complexTransform(2),
  'keras.ops.rfft': rfft,
  'keras.ops.irfft': irfft,
  'keras.ops.stft': stft,
  'keras.ops.istft': istft,
  'keras.ops.erfc': unary,
  'keras.ops.logdet': reshaped(
    (shape) => shape.slice(0, -2),
    (x) => x.dtype,
  ),
  'keras.ops.view_as_complex': reshaped(
    (shape) => shape.slice(0, -1),
    () => 'complex64',
  ),
  'keras.ops.view_as_real': reshaped(
    (shape) => [...shape, 2],
    () => 'float32',
  ),
};
