// keras.ops of the image family (keras/src/ops/image.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const imageOps: Readonly<Record<string, OpRule>> = {};
