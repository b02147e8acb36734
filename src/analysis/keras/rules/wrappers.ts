// Layers Tensor Lens refuses with a reason: those that wrap another framework (TFSMLayer, TorchModuleWrapper, JaxLayer, FlaxLayer), abstract bases, and Lambda (its function).

import type { LayerRule } from '../rule.js';

export const wrappersRules: Record<string, LayerRule> = {};
