import type { LayerRule } from '../rule.js';

export const reshapingRules: Record<string, LayerRule> = {};
