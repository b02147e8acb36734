// Every kernel the engine has for a keras.ops call, by canonical op path. An op without one is known by its shape
// and dtype only: evaluating it says so.

import { arrangementKernels } from './arrangement.js';
import { controlFlowKernels } from './control-flow.js';
import { creationKernels } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import { imageLinalgCoreKernels } from './image-linalg-core.js';
import type { Kernel } from './kernel.js';
import { nnKernels } from './nn.js';
import { numericKernels } from './numerics.js';
import { productKernels } from './products.js';
import { reductionKernels } from './reductions.js';
import { shapeKernels } from './shapes.js';

export const opKernels: Readonly<Record<string, Kernel>> = {
  ...elementwiseKernels,
  ...reductionKernels,
  ...shapeKernels,
  ...nnKernels,
  ...productKernels,
  ...arrangementKernels,
  ...numericKernels,
  ...imageLinalgCoreKernels,
  ...creationKernels,
  ...controlFlowKernels,
};

export function opKernel(path: string): Kernel {
  const kernel = opKernels[path];
  if (!kernel) throw new Error(`${path} is not evaluated yet: Tensor Lens knows its shape and dtype only`);
  return kernel;
}
