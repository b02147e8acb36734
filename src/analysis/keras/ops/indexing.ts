// keras.ops that select or index elements: take, take_along_axis, get_item, where, select, nonzero, searchsorted,
// digitize, unravel_index (compute_output_spec of each, keras/src/ops/numpy.py).

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { broadcastShapes, sliceShape } from '../../tensor-ops.js';
import type { Value } from '../../values.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, isOperand, OpNotKnown, operand, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';
import { canonicalAxis, flatSize, promoted, shapeList, tensorOperand } from './shape-helpers.js';

/** The shape NumPy gives a nested list of numbers (`np.array(indices).shape`), or OpNotKnown for a ragged one. */
function nestedShape(value: JsonValue): number[] {
  if (!Array.isArray(value)) {
    if (typeof value !== 'number') throw new OpNotKnown('`indices` are not numbers');
    return [];
  }
  const inner = value.map(nestedShape);
  const first = inner[0] ?? [];
  if (inner.some((s) => s.length !== first.length || s.some((d, i) => d !== first[i]))) {
    throw new OpNotKnown('ragged `indices` are not analysed');
  }
  return [value.length, ...first];
}

/** The shape of indices given as a tensor, a Python number, or a (nested) list of numbers. */
function indicesShape(call: OpCall, name: string): Shape {
  const value = call.arguments.get(name);
  if (isOperand(value)) return value.shape;
  if (Array.isArray(value) && value.some((v) => isOperand(v as unknown as Operand))) throw new OpNotKnown(`\`${name}\` holds tensors`);
  return nestedShape(argument(call, name));
}

const take: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const indices = indicesShape(call, 'indices');
    const given = argument(call, 'axis');
    if (given === null) return { shape: indices, dtype: x.dtype };
    if (typeof given !== 'number' || !Number.isInteger(given)) throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
    const axis = canonicalAxis(given, x.shape.length);
    return { shape: [...x.shape.slice(0, axis), ...indices, ...x.shape.slice(axis + 1)], dtype: x.dtype };
  },
};

/** Keras's `compute_take_along_axis_output_shape`: x's shape, the axis sized as the indices', broadcast with theirs. */
const takeAlongAxis: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const indices = tensorOperand(call, 'indices');
    const given = argument(call, 'axis');
    if (given !== null && (typeof given !== 'number' || !Number.isInteger(given))) {
      throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
    }
    const input: Dim[] = given === null ? [flatSize(x.shape)] : [...x.shape];
    if (input.length !== indices.shape.length) {
      throw new LayerError(
        '`x` and `indices` must have the same number of dimensions, ' +
          `but receive shape ${shapeList(input)} and ${shapeList(indices.shape)}.`,
      );
    }
    const axis = given === null ? 0 : canonicalAxis(given, input.length);
    input[axis] = indices.shape[axis]!;
    return { shape: broadcastShapes(input, indices.shape), dtype: x.dtype };
  },
};

/** A key element as the interpreter's Value: an int, or None (a new axis). Slices and Ellipsis do not reach a rule. */
function keyItem(item: JsonValue, key: JsonValue): Value {
  if (item === null) return { kind: 'none' };
  if (typeof item === 'number' && Number.isInteger(item)) return { kind: 'int', value: item };
  if (typeof item === 'object' && !Array.isArray(item) && item['ellipsis'] === true) return { kind: 'ellipsis' };
  const slice = typeof item === 'object' && !Array.isArray(item) ? item['slice'] : undefined;
  if (Array.isArray(slice) && slice.length === 3 && slice.every((p) => p === null || (typeof p === 'number' && Number.isInteger(p)))) {
    const [start, stop, step] = (slice as (number | null)[]).map((p): Value => (p === null ? { kind: 'none' } : { kind: 'int', value: p }));
    return { kind: 'slice', start: start!, stop: stop!, step: step! };
  }
  throw new OpNotKnown(`get_item with the key ${keyRepr(key)} is not analysed`);
}

/** A key as Python prints it: `(slice(None, 5, None), Ellipsis, 2)`. */
function keyRepr(key: JsonValue): string {
  const item = (v: JsonValue): string => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (v['ellipsis'] === true) return 'Ellipsis';
      if (Array.isArray(v['slice'])) return `slice(${v['slice'].map(item).join(', ')})`;
    }
    return pythonRepr(v);
  };
  if (!Array.isArray(key)) return item(key);
  return key.length === 1 ? `(${item(key[0]!)},)` : `(${key.map(item).join(', ')})`;
}

/**
 * `get_item(x, key)`: Keras's GetItem.compute_output_spec takes an int, or a tuple or list of ints, None, slices
 * and one Ellipsis; it raises on a tensor key (NumPy indexing does not, so that is not analysed).
 */
const getItem: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = call.arguments.get('key');
    if ((isOperand(given) && !given.weak) || (Array.isArray(given) && given.some((v) => isOperand(v as unknown as Operand)))) {
      throw new OpNotKnown('get_item with a tensor key is not analysed');
    }
    const key = argument(call, 'key');
    if (!Array.isArray(key) && (typeof key !== 'number' || !Number.isInteger(key))) {
      throw new OpNotKnown(`get_item with the key ${keyRepr(key)} is not analysed`);
    }
    const items = (Array.isArray(key) ? key : [key]).map((item) => keyItem(item, key));
    if (items.filter((item) => item.kind === 'ellipsis').length > 1) {
      throw new LayerError(`Slice should only have one ellipsis. Received: \`${keyRepr(key)}\``);
    }
    // Keras consumes the key from the left: an int past the last axis, or out of its bounds, raises there.
    let axis = 0;
    for (const item of items) {
      if (item.kind !== 'int') continue;
      if (axis >= x.shape.length) {
        throw new LayerError(`Array has shape ${formatShape(x.shape)} but slice has to many indices. Received: \`${keyRepr(key)}\``);
      }
      const size = x.shape[axis++]!;
      const index = item.value < 0 && isKnown(size) ? item.value + size : item.value;
      if (isKnown(size) && (index < 0 || index >= size)) {
        throw new LayerError(`Array has shape ${formatShape(x.shape)} but out-of-bounds index ${keyRepr(key)} was requested.`);
      }
    }
    return { shape: sliceShape(x.shape, items), dtype: x.dtype };
  },
};

/** A tensor or a Python number; Keras reads anything else as a shape () of its Python type, which is not analysed. */
function tensorOrNumber(call: OpCall, name: string): Operand {
  const value = call.arguments.get(name);
  if (!isOperand(value)) throw new OpNotKnown(`\`${name}\` of ${call.path} is not a tensor`);
  return value;
}

/** `where(condition, x1, x2)`: the three broadcast; the dtype promotes x1 and x2, a Python int where one is None. */
const where: OpRule = {
  compute(call) {
    const condition = tensorOrNumber(call, 'condition');
    const names = ['x1', 'x2'];
    const none = names.map((name) => argumentIsNone(call, name));
    if (none[0] !== none[1]) throw new LayerError('`x1` and `x2` either both should be `None` or both should have non-None value.');
    const pythonInt: Operand = { shape: [], dtype: 'int32', weak: 'int', value: 0 };
    const [x1, x2] = names.map((name, i) => (none[i] ? pythonInt : tensorOrNumber(call, name)));
    const shape = broadcastShapes(broadcastShapes(condition.shape, x1!.shape), x2!.shape);
    return { shape, dtype: promoted([x1!, x2!]) };
  },
};

function argumentIsNone(call: OpCall, name: string): boolean {
  const value = call.arguments.get(name);
  return value === null || value === undefined;
}

/** Python's `type(value)` of an argument, as Keras's messages print it. */
function pythonType(value: unknown): string {
  if (isOperand(value as Operand)) {
    const weak = (value as Operand).weak;
    return weak ? `<class '${weak}'>` : "<class 'keras.src.backend.common.keras_tensor.KerasTensor'>";
  }
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  return Array.isArray(value) ? "<class 'list'>" : "<class 'dict'>";
}

/** `select(condlist, choicelist, default)`: the shape and dtype of the first choice. */
const select: OpRule = {
  compute(call) {
    const lists = ['condlist', 'choicelist'].map((name) => call.arguments.get(name));
    if (!lists.every(Array.isArray)) {
      throw new LayerError(
        `condlist and choicelist must be lists. Received: type(condlist) = ${pythonType(lists[0])}, type(choicelist) = ${pythonType(lists[1])}`,
      );
    }
    const [condlist, choicelist] = lists as unknown[][];
    if (condlist!.length === 0 || choicelist!.length === 0) {
      const items = (list: unknown[]): string => (list.length === 0 ? '[]' : '[...]');
      throw new LayerError(
        `condlist and choicelist must not be empty. Received: condlist = ${items(condlist!)}, choicelist = ${items(choicelist!)}`,
      );
    }
    const first = choicelist![0] as Operand;
    if (!isOperand(first) || first.weak) throw new OpNotKnown('the first choice of select is not a tensor');
    return { shape: first.shape, dtype: first.dtype };
  },
};

const nonzero: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    return { tuple: x.shape.map((): OpOutput => ({ shape: [null], dtype: 'int32' })) };
  },
};

const searchsorted: OpRule = {
  compute(call) {
    const sequence = tensorOperand(call, 'sorted_sequence');
    const values = tensorOperand(call, 'values');
    if (sequence.shape.length !== 1) {
      throw new LayerError('searchsorted only supports 1-D sorted sequences. Usekeras.ops.vectorized_map to extend to N-D sequences.');
    }
    const length = sequence.shape[0]!;
    // int64 for a length Keras does not know (or past int32), int32 else; a length known at run time is known to Keras.
    if (isKnown(length) && length > 2 ** 31 - 1) return { shape: values.shape, dtype: 'int64' };
    return { shape: values.shape, dtype: length === null ? 'int64' : 'int32' };
  },
};

const digitize: OpRule = {
  compute(call) {
    const x = tensorOperand(call, 'x');
    const bins = tensorOperand(call, 'bins');
    if (bins.shape.length > 1) {
      const shape = formatShape(bins.shape);
      throw new LayerError(
        `\`bins\` must be a 1D array. Received: bins=<KerasTensor shape=${shape}, dtype=${bins.dtype}> with shape bins.shape=${shape}`,
      );
    }
    return { shape: x.shape, dtype: 'int32' };
  },
};

/** `unravel_index(indices, shape)`: a list of one tensor per axis of `shape`, each of the indices' shape and dtype. */
const unravelIndex: OpRule = {
  compute(call) {
    const indices = tensorOperand(call, 'indices');
    const shape = argument(call, 'shape');
    if (!Array.isArray(shape)) throw new OpNotKnown(`\`shape\` of ${call.path} is not a tuple`);
    const each: Shape = shape.includes(null) ? [null] : indices.shape;
    return { list: shape.map((): OpOutput => ({ shape: each, dtype: indices.dtype })) };
  },
};

export const indexingOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.take': take,
  'keras.ops.take_along_axis': takeAlongAxis,
  'keras.ops.get_item': getItem,
  'keras.ops.where': where,
  'keras.ops.select': select,
  'keras.ops.nonzero': nonzero,
  'keras.ops.searchsorted': searchsorted,
  'keras.ops.digitize': digitize,
  'keras.ops.unravel_index': unravelIndex,
};
