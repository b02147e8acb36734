// Kernels of the remaining reductions, cumulative and element-wise ops, and the math family (top_k, segment_*, …).

import type { Kernel } from './kernel.js';
import { elementwiseKernelsWithoutReferenceCases, elementwiseNumericKernels } from './numerics-elementwise.js';
import { fourierKernels } from './numerics-fourier.js';
import { mathKernelsWithoutReferenceCases, mathNumericKernels } from './numerics-math.js';
import { quantileKernels } from './numerics-quantiles.js';
import { reductionNumericKernels } from './numerics-reductions.js';

export const numericKernels: Readonly<Record<string, Kernel>> = {
  ...reductionNumericKernels,
  ...quantileKernels,
  ...elementwiseNumericKernels,
  ...mathNumericKernels,
  ...fourierKernels,
};

/**
 * Kernels written and checked against Keras (JAX) on hand-made cases, but not registered: every case of them in
 * test/conformance/reference/keras-ops-values.json is one Keras refuses (float inputs to gcd, lcm, ldexp's exponent,
 * in_top_k's targets), so the suite could not check them. Register them once the reference has an int case.
 */
export const numericKernelsWithoutReferenceCases: Readonly<Record<string, Kernel>> = {
  ...elementwiseKernelsWithoutReferenceCases,
  ...mathKernelsWithoutReferenceCases,
};
