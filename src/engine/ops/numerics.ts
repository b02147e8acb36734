// Kernels of the remaining reductions, cumulative and element-wise ops, and the math family (top_k, segment_*, …).

import type { Kernel } from './kernel.js';

export const numericKernels: Readonly<Record<string, Kernel>> = {};
