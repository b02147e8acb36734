// Kernels of products (matmul, dot, einsum, tensordot, …), diagonals and triangles, and the *_like tensors.

import type { Kernel } from './kernel.js';

export const productKernels: Readonly<Record<string, Kernel>> = {};
