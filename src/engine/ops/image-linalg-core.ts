// Kernels of the image, linalg and core families (resize, crop_images, det, inv, solve, slice, scatter, unstack, …).

import { coreKernels, coreKernelsWithoutCases } from './core-kernels.js';
import { imageKernels, imageKernelsWithoutCases } from './image-kernels.js';
import type { Kernel } from './kernel.js';
import { linalgKernels } from './linalg-kernels.js';

export const imageLinalgCoreKernels: Readonly<Record<string, Kernel>> = {
  ...coreKernels,
  ...imageKernels,
  ...linalgKernels,
};

/**
 * Kernels that no case of the reference can check yet, so not registered: checked against Keras by hand. The mined
 * cases of scatter, scatter_update and slice_update give float indices (JAX raises), saturate_cast's give float16
 * outputs, sobel_edges has none and extract_patches_3d's outputs are too large to record.
 */
export const imageLinalgCoreKernelsWithoutCases: Readonly<Record<string, Kernel>> = {
  ...coreKernelsWithoutCases,
  ...imageKernelsWithoutCases,
};
