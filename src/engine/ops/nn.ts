// Kernels of the nn family (convolutions, pooling, softmax, one_hot, normalizations, losses, attention).

import type { Kernel } from './kernel.js';

export const nnKernels: Readonly<Record<string, Kernel>> = {};
