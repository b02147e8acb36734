// Adaptive pooling and audio front ends: AdaptiveAverage/MaxPooling1D-3D, STFTSpectrogram, MelSpectrogram.

import type { LayerRule } from '../rule.js';

export const signalRules: Record<string, LayerRule> = {};
