// Registers the TensorFlow.js implementations of Keras layers that tfjs-layers lacks, under their Keras class names.

import * as tf from '@tensorflow/tfjs';
import { Conv1DTranspose, DepthwiseConv1D, SeparableConv1D } from './conv1d.js';
import {
  AveragePooling1D,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  DepthwiseConv2D,
  MaxPooling1D,
  SeparableConv2D,
} from './conv-extra.js';
import { Subtract } from './merge.js';
import { Cropping1D, Cropping3D, ZeroPadding1D, ZeroPadding3D } from './padding.js';
import { GlobalAveragePooling3D, GlobalMaxPooling3D } from './pooling3d.js';
import { ActivityRegularization, SpatialDropout2D, SpatialDropout3D } from './regularization.js';
import { UpSampling1D, UpSampling3D } from './upsampling.js';
import { GRU } from './gru.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { registerKerasActivations } from './activations.js';
import { attentionLayers } from './attention.js';
import type { KerasLayerClass } from './common.js';
import { normalizationExtraLayers } from './normalization-extra.js';
import { preprocessingLayers } from './preprocessing.js';
import { recurrentCellsLayers } from './recurrent-cells.js';
import { signalLayers } from './signal.js';
import {
  Add,
  Average,
  Concatenate,
  Conv1D,
  Flatten,
  MaxPooling3D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  Maximum,
  Minimum,
  LeakyReLU,
  Multiply,
  ReLU,
  Resizing,
} from './keras-fixes.js';

export { Conv1DTranspose, DepthwiseConv1D, SeparableConv1D } from './conv1d.js';
export { Subtract } from './merge.js';
export { Cropping1D, Cropping3D, ZeroPadding1D, ZeroPadding3D } from './padding.js';
export { GlobalAveragePooling3D, GlobalMaxPooling3D } from './pooling3d.js';
export { ActivityRegularization, SpatialDropout2D, SpatialDropout3D } from './regularization.js';
export { UpSampling1D, UpSampling3D } from './upsampling.js';

/** Every custom layer class, in registration order. */
export const KERAS_LAYER_CLASSES: readonly KerasLayerClass[] = [
  Conv1DTranspose,
  DepthwiseConv1D,
  SeparableConv1D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  SpatialDropout2D,
  SpatialDropout3D,
  ActivityRegularization,
  Subtract,
  ZeroPadding1D,
  ZeroPadding3D,
  Cropping1D,
  Cropping3D,
  UpSampling1D,
  UpSampling3D,
  ...attentionLayers,
  ...preprocessingLayers,
  ...recurrentCellsLayers,
  ...signalLayers,
  ...normalizationExtraLayers,
];

/** Classes that replace tfjs-layers' own under the same Keras name, where tfjs differs from Keras. */
export const KERAS_OVERRIDES = [
  GRU,
  BatchNormalization,
  LayerNormalization,
  Conv1D,
  Conv2D,
  Conv3D,
  Conv2DTranspose,
  Conv3DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  Resizing,
  ReLU,
  LeakyReLU,
  Flatten,
  MaxPooling3D,
  Concatenate,
  Add,
  Multiply,
  Average,
  Maximum,
  Minimum,
] as const;

let overridden = false;

/** Registers the classes with tf.serialization; safe to call any number of times. */
export function registerKerasLayers(): void {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of KERAS_LAYER_CLASSES) {
    if (!(cls.className in registered)) tf.serialization.registerClass(cls);
  }
  if (!overridden) {
    for (const cls of KERAS_OVERRIDES)
      tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
    registerKerasActivations();
    overridden = true;
  }
}
