// Keras's activations by name for TensorFlow.js's layers (Dense, Conv2D, Activation, …): registered under the
// camel-cased names tfjs looks them up by (`hard_swish` → `hardSwish`), with Keras 3's semantics. tfjs lacks some
// (hard_swish, silu, leaky_relu) and computes one differently: its hardSigmoid is 0.2x + 0.5, Keras 3's relu6(x + 3) / 6.

import * as tf from '@tensorflow/tfjs';
import { getActivation } from './common.js';

const kerasActivations = [
  'linear',
  'relu',
  'relu6',
  'leaky_relu',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'silu',
  'swish',
  'hard_silu',
  'hard_swish',
  'gelu',
  'exponential',
  'mish',
  'log_sigmoid',
  'celu',
  'hard_tanh',
  'tanh_shrink',
  'hard_shrink',
  'soft_shrink',
  'sparse_plus',
  'sparse_sigmoid',
  'squareplus',
];

export function registerKerasActivations(): void {
  for (const name of kerasActivations) {
    const activate = getActivation(name);
    const activation = class extends tf.serialization.Serializable {
      static className = name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
      getConfig(): tf.serialization.ConfigDict {
        return {};
      }
      apply(x: tf.Tensor): tf.Tensor {
        return tf.tidy(() => activate(x));
      }
    };
    tf.serialization.registerClass(activation);
  }
}
