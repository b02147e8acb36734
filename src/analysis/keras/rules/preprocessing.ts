// Preprocessing and augmentation: lookups, encodings, normalization from adapt() state, image preprocessing; augmentation layers are the identity at inference, as in Keras.

import type { LayerRule } from '../rule.js';

export const preprocessingRules: Record<string, LayerRule> = {};
