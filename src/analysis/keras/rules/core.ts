// Core layers: Dense, Activation-like pass-throughs, Embedding, …

import { isKnown } from '../../../graph/shape.js';
import type { LayerRule } from '../rule.js';
import { bool, int } from './util.js';

const dense: LayerRule = {
  inputSpec: () => ({ minNdim: 2 }),
  compute(config, [input]) {
    const units = int(config, 'units');
    const inputDim = input!.at(-1)!;
    const params = isKnown(inputDim) ? inputDim * units + (bool(config, 'use_bias') ? units : 0) : null;
    return {
      outputs: [[...input!.slice(0, -1), units]],
      params,
      built: isKnown(inputDim) ? { minNdim: 2, axes: { [-1]: inputDim } } : undefined,
    };
  },
};

export const coreRules: Record<string, LayerRule> = {
  Dense: dense,
};
