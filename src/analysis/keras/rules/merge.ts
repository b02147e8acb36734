import type { LayerRule } from '../rule.js';

export const mergeRules: Record<string, LayerRule> = {};
