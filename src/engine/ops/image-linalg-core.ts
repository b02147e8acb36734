// Kernels of the image, linalg and core families (resize, crop_images, det, inv, solve, qr, slice, scatter, unstack, …).

import { coreKernels } from './core-kernels.js';
import { imageKernels, ssimKernels } from './image-kernels.js';
import type { Kernel } from './kernel.js';
import { decompositionKernels } from './linalg-decompositions.js';
import { linalgKernels } from './linalg-kernels.js';

export const imageLinalgCoreKernels: Readonly<Record<string, Kernel>> = {
  ...coreKernels,
  ...imageKernels,
  ...ssimKernels,
  ...linalgKernels,
  ...decompositionKernels,
};
