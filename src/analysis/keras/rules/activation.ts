// Activation layers. All keep their input's shape; PReLU learns one slope per
// element, shared along `shared_axes`.

import { isKnown } from '../../../graph/shape.js';
import type { LayerRule } from '../rule.js';
import { shapePreserving } from './core.js';

const prelu: LayerRule = {
  compute(config, [input]) {
    const shared = new Set(
      Array.isArray(config['shared_axes'])
        ? (config['shared_axes'] as number[])
        : typeof config['shared_axes'] === 'number'
          ? [config['shared_axes']]
          : [],
    );
    let params: number | null = 1;
    input!.slice(1).forEach((dim, i) => {
      if (shared.has(i + 1) || params === null) return;
      params = isKnown(dim) ? params * dim : null;
    });
    return { outputs: [input!], params };
  },
};

export const activationRules: Record<string, LayerRule> = {
  ReLU: shapePreserving(),
  LeakyReLU: shapePreserving(),
  ELU: shapePreserving(),
  Softmax: shapePreserving(),
  PReLU: prelu,
};
