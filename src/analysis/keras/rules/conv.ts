import type { LayerRule } from '../rule.js';

export const convRules: Record<string, LayerRule> = {};
