// keras.ops of the nn family (keras/src/ops/nn.py): convolutions, pooling, softmax, one_hot, normalizations, losses: each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const nnOps: Readonly<Record<string, OpRule>> = {};
