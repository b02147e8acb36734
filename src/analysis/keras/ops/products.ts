// keras.ops of the numpy family: products (matmul, dot, einsum, tensordot, …), diagonals and triangles, and tensors made from sizes (arange, eye, full, …): each op's output shapes and dtypes as Keras's compute_output_spec gives them.

import type { OpRule } from './op-rule.js';

export const productOps: Readonly<Record<string, OpRule>> = {};
