// keras.ops.einsum: the output shape as Keras's Einsum.compute_output_spec works it out, by rewriting the output
// spec (or "..." and the letters seen once, when there is no "->") into sizes, operand by operand, then broadcasting
// the results. The rewriting is Keras's own, string replacements and all, so its quirks are kept.

import { formatDim, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';
import { operandList, promote, pyIndex, pySlice, strongOperand } from './products-common.js';

/** The letters of the inputs seen once, sorted: Keras's `kept_dims` when no output spec is given. */
function keptLetters(inputs: string): string[] {
  const kept = new Set<string>();
  const reduced = new Set<string>();
  for (const s of inputs) {
    if (!/^\p{L}$/u.test(s)) continue;
    if (!kept.has(s) && !reduced.has(s)) kept.add(s);
    else if (kept.has(s)) {
      kept.delete(s);
      reduced.add(s);
    }
  }
  return [...kept].sort();
}

/** Sizes as the tokens Keras writes into the spec: `-1` for None, `#i` for a size known only at run time. */
class SizeTokens {
  private readonly symbolic: Dim[] = [];

  token(dim: Dim): string {
    if (dim === null) return '-1';
    if (isKnown(dim)) return String(dim);
    this.symbolic.push(dim);
    return `#${this.symbolic.length - 1}`;
  }

  /** Keras's `None if size == "-1" else int(size)`, with int()'s error. */
  dim(token: string): Dim {
    if (token === '-1') return null;
    if (token.startsWith('#')) return this.symbolic[Number(token.slice(1))]!;
    if (!/^[+-]?\d+$/.test(token)) throw new LayerError(`invalid literal for int() with base 10: '${token}'`);
    const size = Number(token);
    if (size < 0) throw new OpNotKnown(`a size of ${size} in the einsum spec is not analysed`);
    return size;
  }
}

/** One operand's shape rewritten into the target spec (Keras's step 4). */
function expandedShape(spec: string, shape: Shape, target: string, tokens: SizeTokens): Dim[] {
  const sizes = shape.map((d) => tokens.token(d));
  const parts = spec.split('...');
  let expanded = target;
  if (parts.length === 1) {
    if (sizes.length !== spec.length) {
      throw new LayerError(
        'Number of dimensions in the subscript does not match the number of dimensions in the operand, ' +
          `received subscript \`${spec}\` and operand of shape [${shape.map((d) => (d === null ? '-1' : formatDim(d))).join(', ')}].`,
      );
    }
    [...spec].forEach((letter, i) => (expanded = expanded.replaceAll(letter, `${sizes[i]} `)));
    expanded = expanded.replaceAll('...', '');
  } else {
    const [head, tail] = [parts[0]!, parts[1]!];
    for (let i = 0; i < head.length; i++) expanded = expanded.replaceAll(head[i]!, `${pyIndex(sizes, i)} `);
    for (let i = 0; i < tail.length; i++) expanded = expanded.replaceAll(tail[tail.length - 1 - i]!, `${pyIndex(sizes, -i - 1)} `);
    const wildcard = pySlice(sizes, head.length, tail.length === 0 ? sizes.length : -tail.length);
    expanded = expanded.replaceAll('...', `${wildcard.join(' ')} `);
  }
  expanded = expanded.replace(/[a-z]/g, '1 ');
  return expanded
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => tokens.dim(t));
}

export function einsumShape(subscripts: string, shapes: readonly Shape[]): Shape {
  const split = subscripts.split('->');
  if (split.length > 2) {
    throw new LayerError(`At most one '->' is supported in \`einsum\` subscripts, but received ${subscripts}.`);
  }
  const [inputs, outputSpec] = split.length === 2 ? [split[0]!, split[1]!] : [subscripts, undefined];
  const inputSpecs = inputs.split(',');
  if (inputSpecs.length !== shapes.length) {
    throw new LayerError(
      `Number of operands (${shapes.length}) does not match the number of input specs (${inputSpecs.length}) in \`einsum\`, ` +
        `received subscripts=${subscripts}.`,
    );
  }
  const target = outputSpec ?? `...${keptLetters(inputs).join('')}`;
  const tokens = new SizeTokens();
  const expanded = shapes.map((shape, i) => expandedShape(inputSpecs[i]!, shape, target, tokens));
  return expanded.slice(1).reduce<Shape>((out, shape) => broadcastShapes(out, shape), expanded[0]!);
}

function einsumOperands(call: OpCall): Operand[] {
  const operands = operandList(call, 'operands');
  if (!operands) throw new OpNotKnown('the operands of keras.ops.einsum are not known');
  return operands;
}

const einsum: OpRule = {
  compute(call): OpOutput {
    const subscripts = argument(call, 'subscripts');
    if (typeof subscripts !== 'string') throw new OpNotKnown('einsum with operands and sublists, not a subscripts string, is not analysed');
    if (subscripts.includes('#') || !/^[\x20-\x7e]*$/.test(subscripts)) {
      throw new OpNotKnown('einsum subscripts with characters outside ASCII letters and punctuation are not analysed');
    }
    const operands = einsumOperands(call);
    if (operands.every((x) => x.weak)) throw new OpNotKnown('einsum of Python numbers only is computed by the backend');
    const shape = einsumShape(
      subscripts,
      operands.map((x) => x.shape),
    );
    const dtypes = [...new Set(operands.map((x) => strongOperand(x).dtype))];
    const dtype = dtypes.length === 1 && dtypes[0] === 'int8' ? 'int32' : promote(call, ...dtypes);
    return { shape, dtype };
  },
};

export const einsumOps: Readonly<Record<string, OpRule>> = { 'keras.ops.einsum': einsum };
