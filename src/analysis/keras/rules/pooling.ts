import type { LayerRule } from '../rule.js';

export const poolingRules: Record<string, LayerRule> = {};
