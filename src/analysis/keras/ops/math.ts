// keras.ops of the math family (keras/src/ops/math.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const mathOps: Readonly<Record<string, OpRule>> = {};
