// Kernels of the remaining reductions, cumulative and element-wise ops, and the math family (top_k, segment_*, …).

import type { Kernel } from './kernel.js';
import { elementwiseNumericKernels } from './numerics-elementwise.js';
import { fourierKernels } from './numerics-fourier.js';
import { mathNumericKernels } from './numerics-math.js';
import { quantileKernels } from './numerics-quantiles.js';
import { reductionNumericKernels } from './numerics-reductions.js';
import { spaceKernels } from './numerics-spaces.js';

export const numericKernels: Readonly<Record<string, Kernel>> = {
  ...reductionNumericKernels,
  ...quantileKernels,
  ...elementwiseNumericKernels,
  ...mathNumericKernels,
  ...fourierKernels,
  ...spaceKernels,
};
