import type { LayerRule } from '../rule.js';

export const normalizationRules: Record<string, LayerRule> = {};
