import type { LayerRule } from '../rule.js';

export const rnnRules: Record<string, LayerRule> = {};
