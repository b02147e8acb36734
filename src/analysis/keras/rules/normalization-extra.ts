// More normalization and masking: UnitNormalization, RMSNormalization, GroupNormalization, SpectralNormalization, Masking, ReversibleEmbedding.

import type { LayerRule } from '../rule.js';

export const normalizationExtraRules: Record<string, LayerRule> = {};
