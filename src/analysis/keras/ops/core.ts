// keras.ops of the core family (keras/src/ops/core.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const coreOps: Readonly<Record<string, OpRule>> = {};
