// keras.ops that grow or shrink a tensor along its axes: tile, repeat, pad, diff (compute_output_spec of each,
// keras/src/ops/numpy.py).

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim } from '../../../graph/shape.js';
import { termArithmetic } from '../../../graph/size-terms.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, operand, type OpRule } from './op-rule.js';
import { canonicalAxis, flatSize, intArgument, intsArgument, offsetDim, scaleDim, shapeList, sizes } from './shape-helpers.js';

const tile: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    // A repeat known only at run time (`ops.shape(x)[0]` inside a layer's call()) multiplies as its symbol.
    const repeats = sizes(argument(call, 'repeats'), 'repeats');
    if (repeats.some((r) => r === null))
      throw new OpNotKnown("Keras multiplies a size by None: unsupported operand type(s) for *: 'int' and 'NoneType'");
    if (repeats.some((r) => isKnown(r) && r < 0)) throw new OpNotKnown('a negative repeat is not analysed');
    const rank = Math.max(x.shape.length, repeats.length);
    const dims: Dim[] = [...Array<Dim>(rank - x.shape.length).fill(1), ...x.shape];
    const factors = [...Array<Dim>(rank - repeats.length).fill(1), ...repeats];
    // Keras multiplies int sizes only: None stays None.
    return { shape: dims.map((d, i) => multiplyDims(d, factors[i]!)), dtype: x.dtype };
  },
};

const repeat: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const repeats = intsArgument(call, 'repeats');
    if (repeats.some((r) => r < 0)) throw new OpNotKnown('a negative repeat is not analysed');
    const given = argument(call, 'axis');
    const total = repeats.reduce((a, b) => a + b, 0);
    if (given === null) {
      if (x.shape.includes(null)) return { shape: [null], dtype: x.dtype };
      const size = flatSize(x.shape);
      if (repeats.length === 1) return { shape: [scaleDim(size, repeats[0]!)], dtype: x.dtype };
      if (!isKnown(size)) throw new OpNotKnown('repeats of a tensor of sizes known only at run time are not analysed');
      if (repeats.length !== size) {
        throw new LayerError(
          `Size of \`repeats\` and dimensions of \`x\` after flattening should be compatible. Received: ${repeats.length} and ${size}`,
        );
      }
      return { shape: [total], dtype: x.dtype };
    }
    if (typeof given !== 'number' || !Number.isInteger(given)) throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
    // Keras indexes the shape with the axis (a Python list): out of range, an IndexError.
    if (given < -x.shape.length || given >= x.shape.length) throw new LayerError('list index out of range');
    const axis = given < 0 ? given + x.shape.length : given;
    const shape = [...x.shape];
    const dim = shape[axis]!;
    if (dim === null) return { shape, dtype: x.dtype };
    if (repeats.length === 1) shape[axis] = scaleDim(dim, repeats[0]!);
    else if (!isKnown(dim)) throw new OpNotKnown(`repeats along an axis of a size known only at run time are not analysed`);
    else if (dim !== repeats.length) {
      throw new LayerError(
        `Size of \`repeats\` and dimensions of \`axis ${given} of x\` should be compatible. Received: ${repeats.length} and ${shapeList(x.shape)}`,
      );
    } else shape[axis] = total;
    return { shape, dtype: x.dtype };
  },
};

/** Keras's `Pad._process_pad_width`: an int, one (before, after) pair, or a pair per axis. */
function padWidths(value: JsonValue): [number, number][] {
  const isInt = (v: JsonValue): v is number => typeof v === 'number' && Number.isInteger(v);
  if (isInt(value)) return [[value, value]];
  if (!Array.isArray(value) || value.length === 0) throw new OpNotKnown('`pad_width` is not an int or a tuple of pairs');
  const pairs = isInt(value[0]!) ? [value] : value;
  const firstLength = Array.isArray(pairs[0]) ? pairs[0].length : -1;
  return pairs.map((pair) => {
    if (!Array.isArray(pair) || !pair.every(isInt)) throw new OpNotKnown('`pad_width` is not an int or a tuple of pairs of ints');
    if (pair.length !== firstLength) {
      throw new LayerError(`\`pad_width\` should be a list of tuples of length 1 or 2. Received: pad_width=${pythonRepr(value)}`);
    }
    if (pair.length !== 2) throw new OpNotKnown('`pad_width` of pairs of other than two ints is not analysed');
    if (pair.some((w) => w < 0)) throw new OpNotKnown('a negative `pad_width` is not analysed');
    return [pair[0]!, pair[1]!];
  });
}

const pad: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const widths = padWidths(argument(call, 'pad_width'));
    const rank = x.shape.length;
    if (widths.length !== 1 && widths.length !== rank) {
      throw new LayerError(
        `\`pad_width\` must have the same length as \`x.shape\`. Received: pad_width=${pythonRepr(widths)} ` +
          `(of length ${widths.length}) and x.shape=${formatShape(x.shape)} (of length ${rank})`,
      );
    }
    const shape = x.shape.map((d, i) => {
      const [before, after] = widths.length === 1 ? widths[0]! : widths[i]!;
      return d === null ? null : offsetDim(d, before + after);
    });
    return { shape, dtype: x.dtype };
  },
};

const diff: OpRule = {
  compute(call) {
    const a = operand(call, 'a');
    const n = intArgument(call, 'n');
    if (n < 0) throw new OpNotKnown('a negative order of `diff` is not analysed');
    const axis = canonicalAxis(intArgument(call, 'axis'), a.shape.length);
    const shape = [...a.shape];
    const size = shape[axis]!;
    if (size !== null) shape[axis] = isKnown(size) ? Math.max(size - n, 0) : n === 0 ? size : null;
    return { shape, dtype: a.dtype };
  },
};

export const repeatingOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.tile': tile,
  'keras.ops.repeat': repeat,
  'keras.ops.pad': pad,
  'keras.ops.diff': diff,
};

/** A size times a repeat: None stays None; sizes known only at run time multiply as terms where they can. */
function multiplyDims(size: Dim, repeat: Dim): Dim {
  if (size === null) return null;
  if (isKnown(repeat)) return scaleDim(size, repeat);
  return termArithmetic(size, '*', repeat) ?? null;
}
