// Kernels of the image, linalg and core families (resize, crop_images, det, inv, solve, slice, scatter, unstack, …).

import type { Kernel } from './kernel.js';

export const imageLinalgCoreKernels: Readonly<Record<string, Kernel>> = {};
