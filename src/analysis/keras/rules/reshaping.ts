// Layers that rearrange a tensor: Flatten, Reshape, Permute, RepeatVector,
// padding, cropping and up-sampling.

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, knownSize, sameDim, symbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { dimOf, divideTerms, productTerm } from '../../../graph/size-terms.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { channelsLast, int, intTuple, isRunTimeSize, pythonRepr, sizeArgument, sizeArithmetic } from './util.js';

const flatten: LayerRule = {
  inputSpec: () => ({ minNdim: 1 }),
  compute(_config, [input]) {
    const rest = input!.slice(1);
    // A size known only at run time stays named in the product (`8*x.shape[1]`); None makes it None.
    const product = rest.includes(null) ? undefined : productTerm(rest);
    const size = rest.length === 0 ? 1 : (knownSize(rest) ?? (product ? dimOf(product) : null));
    // Keras flattens an unknown size to None without a word; a Dense after it is what raises.
    return { outputs: [[input![0]!, size]], params: 0 };
  },
};

/** A target shape with sizes known only at run time (`(len(names), -1)`): its sizes, the names as named sizes. */
function runTimeTarget(config: LayerConfig): Dim[] | undefined {
  const value = config['target_shape'];
  if (!Array.isArray(value) || !value.some((v) => typeof v === 'string')) return undefined;
  return value.map((v) => {
    if (typeof v === 'string') return symbolic(v);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw new LayerError(`Expected \`target_shape\` to be a tuple of integers. Received: target_shape=${pythonRepr(value)}`);
  });
}

/** Reshape to a target with sizes from data: the sizes must multiply to the input's, as products of named sizes. */
function reshapeRunTime(input: Shape, target: Dim[]): Shape {
  const holes = target.filter((d) => d === -1).length;
  if (holes > 1) throw new LayerError('There must be at most one unknown dimension (-1) in target_shape.');
  const inner = input.slice(1);
  const size = inner.includes(null) ? undefined : productTerm(inner);
  const known = productTerm(target.filter((d) => d !== -1));
  if (holes === 1) {
    const quotient = size && known ? divideTerms(size, known) : undefined;
    return [input[0]!, ...target.map((d) => (d === -1 ? (quotient ? dimOf(quotient) : null) : d))];
  }
  // Whether the sizes agree depends on the data when they are not the same product: Keras checks it at run time.
  if (!size || !known || !sameDim(dimOf(size), dimOf(known))) throw new LayerError('The total size of the tensor must be unchanged.');
  return [input[0]!, ...target];
}

const reshape: LayerRule = {
  normalize: (config) => (runTimeTarget(config) ? config : { ...config, target_shape: intList(config, 'target_shape') }),
  compute(config, [input]) {
    const runTime = runTimeTarget(config);
    if (runTime) return { outputs: [reshapeRunTime(input!, runTime)], params: 0 };
    const target = intList(config, 'target_shape');
    const inner = input!.slice(1);
    const text = `input_shape=${formatShape(inner)}, target_shape=${formatShape(target)}`;
    const unknowns = target.filter((d) => d === -1).length;
    if (unknowns > 1)
      throw new LayerError(
        `There must be at most one unknown dimension (-1) in target_shape. Received: target_shape=${formatShape(target)}`,
      );
    const size = knownSize(inner);
    if (size === null) return { outputs: [[input![0]!, ...target.map((d) => (d === -1 ? null : d))]], params: 0 };
    if (unknowns === 0) {
      if (size !== target.reduce((a, b) => a * b, 1))
        throw new LayerError(`The total size of the tensor must be unchanged. Received: ${text}`);
      return { outputs: [[input![0]!, ...target]], params: 0 };
    }
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (known === 0 || size % known !== 0) {
      throw new LayerError(
        `The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. Received: ${text}`,
      );
    }
    return { outputs: [[input![0]!, ...target.map((d) => (d === -1 ? size / known : d))]], params: 0 };
  },
};

function intList(config: LayerConfig, key: string): number[] {
  const value = config[key];
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new LayerError(`Expected \`${key}\` to be a tuple of integers. Received: ${key}=${pythonRepr(value)}`);
  }
  return list as number[];
}

const permute: LayerRule = {
  normalize: (config) => ({ ...config, dims: intList(config, 'dims') }),
  compute(config, [input]) {
    const dims = intList(config, 'dims');
    const sorted = [...dims].sort((a, b) => a - b);
    if (!sorted.every((d, i) => d === i + 1) || dims.length !== input!.length - 1) {
      throw new LayerError(
        `Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${formatShape(dims)}`,
      );
    }
    return { outputs: [[input![0]!, ...dims.map((d) => input![d]!)]], params: 0 };
  },
};

const repeatVector: LayerRule = {
  inputSpec: () => ({ ndim: 2 }),
  compute: (config, [input]) => ({ outputs: [[input![0]!, sizeArgument(config, 'n'), input![1]!]], params: 0 }),
};

/** Keras's padding/cropping argument: an int, a pair per axis, or one int per axis. */
function pairs(value: JsonValue | undefined, rank: number, key: string): [number, number][] {
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  if (isInt(value)) return Array.from({ length: rank }, () => [value, value]);
  if (Array.isArray(value)) {
    if (rank === 1 && value.length === 2 && value.every(isInt)) return [[value[0] as number, value[1] as number]];
    if (value.length === rank && value.every(isInt)) return (value as number[]).map((v) => [v, v]);
    if (value.length === rank && value.every((p) => Array.isArray(p) && p.length === 2 && p.every(isInt))) {
      return (value as number[][]).map((p) => [p[0]!, p[1]!]);
    }
  }
  throw new LayerError(`\`${key}\` should have ${rank} elements. Received: ${key}=${pythonRepr(value ?? null)}.`);
}

function spatialAxes(config: LayerConfig, rank: number): number[] {
  const first = channelsLast(config) ? 1 : 2;
  return Array.from({ length: rank }, (_, i) => first + i);
}

function resizeAxes(rank: number, key: string, direction: 1 | -1): LayerRule {
  return {
    inputSpec: () => ({ ndim: rank + 2 }),
    normalize: (config) => ({ ...config, [key]: rank === 1 ? pairs(config[key], 1, key)[0]! : pairs(config[key], rank, key) }),
    compute(config, [input]) {
      const amounts = pairs(config[key], rank, key);
      const out: Dim[] = [...input!];
      spatialAxes(config, rank).forEach((axis, i) => {
        const dim = input![axis]!;
        const change = amounts[i]![0] + amounts[i]![1];
        if (!isKnown(dim)) {
          out[axis] = change === 0 ? dim : isRunTimeSize(dim) ? sizeArithmetic(dim, direction > 0 ? '+' : '-', change) : null;
          return;
        }
        const size = dim + direction * change;
        if (size <= 0) {
          throw new LayerError(
            `Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=${formatShape(input!)}, cropping=${pythonRepr(config[key] ?? null)}`,
          );
        }
        out[axis] = size;
      });
      return { outputs: [out], params: 0 };
    },
  };
}

function upSampling(rank: number): LayerRule {
  return {
    inputSpec: () => ({ ndim: rank + 2 }),
    normalize: (config) => (rank === 1 ? config : { ...config, size: intTuple(config, 'size', rank) }),
    compute(config, [input]) {
      const sizes = rank === 1 ? [int(config, 'size')] : intTuple(config, 'size', rank);
      const out: Dim[] = [...input!];
      spatialAxes(config, rank).forEach((axis, i) => {
        const dim = input![axis]!;
        out[axis] = isKnown(dim) ? dim * sizes[i]! : sizes[i] === 1 ? dim : isRunTimeSize(dim) ? sizeArithmetic(dim, '*', sizes[i]!) : null;
      });
      return { outputs: [out], params: 0 };
    },
  };
}

export const reshapingRules: Record<string, LayerRule> = {
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  ZeroPadding1D: resizeAxes(1, 'padding', 1),
  ZeroPadding2D: resizeAxes(2, 'padding', 1),
  ZeroPadding3D: resizeAxes(3, 'padding', 1),
  Cropping1D: resizeAxes(1, 'cropping', -1),
  Cropping2D: resizeAxes(2, 'cropping', -1),
  Cropping3D: resizeAxes(3, 'cropping', -1),
  UpSampling1D: upSampling(1),
  UpSampling2D: upSampling(2),
  UpSampling3D: upSampling(3),
};
