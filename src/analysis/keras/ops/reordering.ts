// keras.ops that reorder a tensor's axes or elements, or read its rank and size: moveaxis, swapaxes, flip, fliplr,
// flipud, roll, rot90, broadcast_to, ravel, view, ndim, size (compute_output_spec of each, keras/src/ops/numpy.py).

import { formatShape, isKnown, sameDim, symbolic, type Dim } from '../../../graph/shape.js';
import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, operand, type OpRule } from './op-rule.js';
import { canonicalAxes, canonicalAxis, flatSize, intArgument, intsArgument, shapeList } from './shape-helpers.js';

const moveaxis: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const source = intsArgument(call, 'source');
    const destination = intsArgument(call, 'destination');
    if (source.length !== destination.length) {
      throw new LayerError(
        '`source` and `destination` arguments must have the same number of elements, but received ' +
          `\`source=${pythonRepr(argument(call, 'source'))}\` and \`destination=${pythonRepr(argument(call, 'destination'))}\`.`,
      );
    }
    const rank = x.shape.length;
    const from = source.map((a) => canonicalAxis(a, rank));
    const to = destination.map((a) => canonicalAxis(a, rank));
    const repeated = (axes: number[]): boolean => new Set(axes).size !== axes.length;
    // A repeated destination leaves Keras's filling of the other axes running past the shape (NumPy refuses it too);
    // Keras lets a repeated source through, which NumPy refuses.
    if (repeated(from)) throw new OpNotKnown('moveaxis with a repeated source axis is not analysed');
    if (repeated(to)) throw new LayerError('list index out of range');
    const shape: (Dim | undefined)[] = Array.from({ length: rank });
    from.forEach((axis, i) => (shape[to[i]!] = x.shape[axis]));
    const rest = x.shape.filter((_, i) => !from.includes(i));
    return { shape: shape.map((d) => (d === undefined ? rest.shift()! : d)), dtype: x.dtype };
  },
};

const swapaxes: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const rank = x.shape.length;
    const a = canonicalAxis(intArgument(call, 'axis1'), rank);
    const b = canonicalAxis(intArgument(call, 'axis2'), rank);
    const shape = [...x.shape];
    [shape[a], shape[b]] = [shape[b]!, shape[a]!];
    return { shape, dtype: x.dtype };
  },
};

/** The shape and dtype of x, `axis` (None, an int or a tuple) checked against its rank: flip, roll. */
const sameShapeAlongAxes: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const axis = argument(call, 'axis');
    if (axis !== null) canonicalAxes(axis, x.shape.length, call);
    return { shape: x.shape, dtype: x.dtype };
  },
};

/** fliplr and flipud: the shape of x, of at least `rank` dimensions. */
function flipAlong(name: string, rank: number): OpRule {
  return {
    compute(call) {
      const x = operand(call, 'x');
      if (x.shape.length < rank) {
        throw new LayerError(`\`${name}\` requires input with ${rank} or more dimensions. Received: x.shape=${formatShape(x.shape)}`);
      }
      return { shape: x.shape, dtype: x.dtype };
    },
  };
}

const rot90: OpRule = {
  compute(call) {
    const x = operand(call, 'array');
    const k = intArgument(call, 'k');
    const given = argument(call, 'axes');
    const axes = intsArgument(call, 'axes');
    const shape = [...x.shape];
    if (shape.length < 2) throw new LayerError(`Input array must have at least 2 dimensions. Received: array.shape=${shapeList(shape)}`);
    if (axes.length !== 2 || axes[0] === axes[1]) {
      throw new LayerError(`Invalid axes: ${pythonRepr(given)}. Axes must be a tuple of two different dimensions.`);
    }
    const [a, b] = axes.map((axis) => {
      if (axis < -shape.length || axis >= shape.length) throw new LayerError('list index out of range');
      return axis < 0 ? axis + shape.length : axis;
    }) as [number, number];
    if (a === b) throw new OpNotKnown(`rot90 with axes ${pythonRepr(given)}, one axis twice, is not analysed`);
    // Keras's symbolic rot90 swaps the two sizes whatever k is; the rotation itself swaps them for odd k only.
    if (k % 2 === 0 && !sameDim(shape[a]!, shape[b]!)) {
      throw new OpNotKnown(`Keras's symbolic rot90 swaps axes ${a} and ${b} for k=${k}, which its rotation keeps`);
    }
    [shape[a], shape[b]] = [shape[b]!, shape[a]!];
    return { shape, dtype: x.dtype };
  },
};

const broadcastTo: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const target = argument(call, 'shape');
    if (
      !Array.isArray(target) ||
      !target.every((d) => d === null || typeof d === 'string' || (typeof d === 'number' && Number.isInteger(d)))
    ) {
      throw new OpNotKnown(`\`shape\` of ${call.path} is not a tuple of ints`);
    }
    // A size known only at run time (`x_train.shape[0]`) comes as its symbol.
    const shape = target.map((d) => (typeof d === 'string' ? symbolic(d) : d)) as Dim[];
    broadcastShapes(x.shape, shape);
    // Keras's symbolic check lets a size other than 1 go to 1, and a higher rank to a lower one: a broadcast fails there.
    const offset = shape.length - x.shape.length;
    if (offset < 0 || x.shape.some((d, i) => isKnown(d) && d !== 1 && shape[offset + i] === 1)) {
      throw new OpNotKnown(`broadcasting ${formatShape(x.shape)} to ${formatShape(shape)} is not analysed`);
    }
    return { shape, dtype: x.dtype };
  },
};

const ravel: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    return { shape: [flatSize(x.shape)], dtype: x.dtype };
  },
};

/** Bytes per element of each dtype Keras allows (np.dtype(d).itemsize). */
const itemSizes: Readonly<Record<string, number>> = {
  bool: 1,
  uint8: 1,
  int8: 1,
  float8_e4m3fn: 1,
  float8_e5m2: 1,
  uint16: 2,
  int16: 2,
  float16: 2,
  bfloat16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  uint64: 8,
  int64: 8,
  float64: 8,
  complex64: 8,
  complex128: 16,
};

const view: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = argument(call, 'dtype');
    if (given === 'int') throw new OpNotKnown("the dtype 'int' stands for int32 or int64, by backend");
    const dtype = given === null ? x.dtype : given;
    if (typeof dtype !== 'string' || itemSizes[dtype] === undefined) throw new LayerError(`Invalid dtype: ${String(dtype)}`);
    const from = itemSizes[x.dtype];
    const to = itemSizes[dtype]!;
    if (from === undefined) throw new OpNotKnown(`the item size of ${x.dtype} is not known`);
    if (from === to) return { shape: x.shape, dtype };
    if (x.shape.length === 0) throw new LayerError('Cannot view a scalar as a different dtype if item sizes are different.');
    const last = x.shape.at(-1)!;
    if (last !== null && !isKnown(last))
      throw new OpNotKnown(`viewing a last axis of a size known only at run time as ${dtype} is not analysed`);
    if (last !== null && (last * from) % to !== 0) {
      throw new LayerError(
        `Cannot view array of shape ${formatShape(x.shape)} and dtype ${x.dtype} as dtype ${dtype} because the total number of bytes is not divisible by the new itemsize.`,
      );
    }
    return { shape: [...x.shape.slice(0, -1), last === null ? null : (last * from) / to], dtype };
  },
};

/** Keras's symbolic ndim is a float32 tensor of shape (rank,) (Ndim.compute_output_spec), not the rank itself. */
const ndim: OpRule = {
  compute(call) {
    return { shape: [operand(call, 'x').shape.length], dtype: 'float32' };
  },
};

const size: OpRule = {
  compute(call) {
    operand(call, 'x');
    return { shape: [], dtype: 'int32' };
  },
};

export const reorderingOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.moveaxis': moveaxis,
  'keras.ops.swapaxes': swapaxes,
  'keras.ops.flip': sameShapeAlongAxes,
  'keras.ops.roll': sameShapeAlongAxes,
  'keras.ops.fliplr': flipAlong('fliplr', 2),
  'keras.ops.flipud': flipAlong('flipud', 1),
  'keras.ops.rot90': rot90,
  'keras.ops.broadcast_to': broadcastTo,
  'keras.ops.ravel': ravel,
  'keras.ops.view': view,
  'keras.ops.ndim': ndim,
  'keras.ops.size': size,
};
