// keras.ops.rearrange (keras/src/ops/einops.py), for the patterns whose output Keras's symbolic spec and the
// rearrangement itself agree on: every input axis named once (a group of one name is that axis), the output a
// permutation of the same names, some merged in groups: 'b h w c -> b c h w', 'b h w c -> b (h w) c'.
// Decomposing an axis ('b (h h1) w c -> ...') needs lengths given as keywords, which do not reach a rule.

import { LayerError } from '../rule.js';
import { argument, OpNotKnown, operand, type OpRule } from './op-rule.js';
import { flatSize } from './shape-helpers.js';

const name = /^[A-Za-z_]\w*$/;
const token = /\(([^()]*)\)|[^\s()]+/g;

/** One side of a pattern as groups of axis names (a name alone is a group of one), or undefined if it is not that. */
function groups(side: string): string[][] | undefined {
  const rest = side.replace(token, '').trim();
  if (rest !== '') return undefined;
  const parsed = [...side.matchAll(token)].map((m) => (m[1] === undefined ? [m[0]] : m[1].trim().split(/\s+/)));
  return parsed.every((group) => group.length > 0 && group.every((axis) => name.test(axis))) ? parsed : undefined;
}

const rearrange: OpRule = {
  compute(call) {
    const x = operand(call, 'tensor');
    const pattern = argument(call, 'pattern');
    if (typeof pattern !== 'string') throw new OpNotKnown('the pattern of rearrange is not a string');
    const sides = pattern.split(/\s*->\s*/);
    const [input, output] = sides.map(groups);
    const notAnalysed = new OpNotKnown(`the rearrange pattern '${pattern}' is not analysed`);
    if (sides.length !== 2 || !input || !output) throw notAnalysed;
    if (input.some((group) => group.length > 1)) {
      throw new OpNotKnown(`the rearrange pattern '${pattern}' decomposes an axis, which needs lengths given as keywords`);
    }
    const inputAxes = input.map((group) => group[0]!);
    const outputAxes = output.flat();
    // Keras maps the input names to the sizes pairwise (zip): an output name left without one is its KeyError.
    const mapped = inputAxes.slice(0, x.shape.length);
    const missing = outputAxes.find((axis) => !mapped.includes(axis));
    if (missing !== undefined) throw new LayerError(`'${missing}'`);
    const distinct = (axes: string[]): boolean => new Set(axes).size === axes.length;
    if (inputAxes.length !== x.shape.length || !distinct(inputAxes) || !distinct(outputAxes) || outputAxes.length !== inputAxes.length) {
      throw notAnalysed;
    }
    const sizes = new Map(inputAxes.map((axis, i) => [axis, x.shape[i]!]));
    // Keras's symbolic spec multiplies the sizes of each output group from 1: a None size is its TypeError there,
    // and not in a traced layer call, so it is not analysed.
    if (x.shape.includes(null)) throw new OpNotKnown("Keras's symbolic rearrange cannot multiply a None size");
    return { shape: output.map((group) => flatSize(group.map((axis) => sizes.get(axis)!))), dtype: x.dtype };
  },
};

export const rearrangeOps: Readonly<Record<string, OpRule>> = { 'keras.ops.rearrange': rearrange };
