import type { LayerRule } from '../rule.js';

export const activationRules: Record<string, LayerRule> = {};
