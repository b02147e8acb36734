// Attention: MultiHeadAttention, GroupQueryAttention, Attention, AdditiveAttention, and EinsumDense.

import type { LayerRule } from '../rule.js';

export const attentionRules: Record<string, LayerRule> = {};
