// What the evaluation worker needs of TensorFlow.js: core (with chained ops,
// which tfjs-layers and our code call as tensor methods), layers and the CPU
// kernels. esbuild.js bundles this in place of the @tensorflow/tfjs union
// package, which also carries WebGL, the converter and tfjs-data.

import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export * from '@tensorflow/tfjs-backend-cpu';
