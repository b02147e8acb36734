// keras.ops of the linalg family (keras/src/ops/linalg.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const linalgOps: Readonly<Record<string, OpRule>> = {};
