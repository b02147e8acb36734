// Merge layers, which take a list of tensors: element-wise (Add, Subtract,
// Multiply, Average, Maximum, Minimum, with Keras's broadcasting), Concatenate, Dot.

import { formatDim, formatShape, isKnown, sameDim, symbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { int, isRunTimeSize } from './util.js';

const pythonList = (shapes: Shape[]): string => `[${shapes.map(formatShape).join(', ')}]`;

/** Keras `Merge._compute_elemwise_op_output_shape`, on shapes without the batch axis. */
function elementwise(a: Shape, b: Shape): Shape {
  if (a.length < b.length) return elementwise(b, a);
  if (b.length === 0) return a;
  const out: Dim[] = [...a.slice(0, a.length - b.length)];
  a.slice(a.length - b.length).forEach((i, index) => {
    const j = b[index]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    // A size from data against a number: where Keras does not raise, the size is that number (or it is 1, and broadcasts).
    else if (isKnown(j) && isRunTimeSize(i)) out.push(j);
    else if (isKnown(i) && isRunTimeSize(j)) out.push(i);
    else if (!sameDim(i, j) && isKnown(i) && isKnown(j))
      throw new LayerError(`Inputs have incompatible shapes. Received shapes ${formatShape(a)} and ${formatShape(b)}`);
    else out.push(sameDim(i, j) ? i : null);
  });
  return out;
}

function merge(exactlyTwo = false, className = ''): LayerRule {
  return {
    listInput: true,
    compute(_config, inputs) {
      if (exactlyTwo && inputs.length !== 2) {
        throw new LayerError(`A \`${className}\` layer should be called on exactly 2 inputs. Received: input_shape=${pythonList(inputs)}`);
      }
      let shape: Shape = inputs[0]!.slice(1);
      for (const next of inputs.slice(1)) shape = elementwise(shape, next.slice(1));
      const batches = new Set(inputs.map((s) => s[0]).filter((d): d is number => isKnown(d ?? null)));
      return { outputs: [[batches.size === 1 ? [...batches][0]! : null, ...shape]], params: 0 };
    },
  };
}

const concatenate: LayerRule = {
  listInput: true,
  compute(config, inputs) {
    const axis = int(config, 'axis');
    const error = `A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${pythonList(inputs)}`;
    const rank = inputs[0]!.length;
    if (inputs.some((s) => s.length !== rank)) throw new LayerError(error);
    const concatAxis = ((axis % rank) + rank) % rank;
    for (let a = 0; a < rank; a++) {
      if (a === concatAxis) continue;
      const dims = new Set(inputs.map((s) => s[a]!).filter(isKnown));
      if (dims.size > 1) throw new LayerError(error);
    }
    const out: Dim[] = [...inputs[0]!];
    for (const shape of inputs.slice(1)) {
      const [x, y] = [out[concatAxis]!, shape[concatAxis]!];
      out[concatAxis] = sumOfSizes(x, y);
      if (out[concatAxis] === null) break;
    }
    return { outputs: [out], params: 0 };
  },
};

function dotAxes(config: LayerConfig, a: Shape, b: Shape): [number, number] {
  const value = config['axes'];
  if (typeof value === 'number')
    return value < 0 ? [((value % a.length) + a.length) % a.length, ((value % b.length) + b.length) % b.length] : [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    const [x, y] = value as number[];
    return [x! < 0 ? x! + a.length : x!, y! < 0 ? y! + b.length : y!];
  }
  throw new LayerError('Invalid format for argument `axes`: expected an int or a list of 2 ints.');
}

const dot: LayerRule = {
  listInput: true,
  compute(config, inputs) {
    if (inputs.length !== 2)
      throw new LayerError(`A \`Dot\` layer should be called on a list of 2 inputs. Received: input_shape=${pythonList(inputs)}`);
    const [a, b] = inputs as [Shape, Shape];
    const [x, y] = dotAxes(config, a, b);
    const [da, db] = [a[x], b[y]];
    if (da === undefined || db === undefined || (isKnown(da) && isKnown(db) && da !== db)) {
      throw new LayerError(
        `Incompatible input shapes: axis values ${da ?? '?'} (at axis ${x}) != ${db ?? '?'} (at axis ${y}). Full input shapes: ${formatShape(a)}, ${formatShape(b)}`,
      );
    }
    const out = [...a.filter((_, i) => i !== x), ...b.filter((_, i) => i !== y).slice(1)];
    return { outputs: [out.length === 1 ? [...out, 1] : out], params: 0 };
  },
};

export const mergeRules: Record<string, LayerRule> = {
  Add: merge(),
  Subtract: merge(true, 'Subtract'),
  Multiply: merge(),
  Average: merge(),
  Maximum: merge(),
  Minimum: merge(),
  Concatenate: concatenate,
  Dot: dot,
};

/** Two sizes added: a number, None when either is None, else the sum of sizes known only at run time, written out. */
function sumOfSizes(x: Dim, y: Dim): Dim {
  if (isKnown(x) && isKnown(y)) return x + y;
  if (x === null || y === null) return null;
  const [named, number] = isKnown(x) ? [y, x] : [x, y];
  return symbolic(`${formatDim(named)} + ${formatDim(number)}`);
}
