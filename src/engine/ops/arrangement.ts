// Kernels of ops that rearrange, select or index (take, tile, repeat, pad, split, flip, roll, where, get_item, sort, …).

import type { Kernel } from './kernel.js';

export const arrangementKernels: Readonly<Record<string, Kernel>> = {};
