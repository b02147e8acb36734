// TensorFlow.js implementations of the Keras layers of src/analysis/keras/rules/attention.ts that tfjs-layers lacks, registered under their Keras class names.

import type { KerasLayerClass } from './common.js';

export const attentionLayers: readonly KerasLayerClass[] = [];
