// What the evaluation worker needs of TensorFlow.js: core (with chained ops,
// which tfjs-layers and our code call as tensor methods), layers and the CPU
// kernels. esbuild.js bundles this in place of the @tensorflow/tfjs union
// package, which also carries WebGL, the converter and tfjs-data.

import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { setOpHandler } from '@tensorflow/tfjs-core/dist/tensor.js';
import { buffer, cast, clone, print } from '@tensorflow/tfjs-core';

// The chained ops load tfjs-core's ES modules beside its CommonJS build, and the
// Tensor class both share (through a global) is the ES one, whose op handler
// only tfjs-core's index sets: without this, tensor.clone() and .cast() read
// null (an identity layer such as Dropout returns a clone of its input).
setOpHandler({ buffer, cast, clone, print });

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export * from '@tensorflow/tfjs-backend-cpu';
