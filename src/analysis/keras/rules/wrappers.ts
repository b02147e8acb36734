// Layers Tensor Lens refuses with a reason: those that wrap another framework (TFSMLayer, TorchModuleWrapper, JaxLayer,
// FlaxLayer). Lambda, whose function is Python the analysis does not follow yet, has no rule at all.

import { LayerError, type LayerRule } from '../rule.js';

/** A class whose outputs come from code the analysis cannot read; reported where it is made. */
function refused(reason: string): LayerRule {
  return {
    unsupported: reason,
    // Never run: a layer with `unsupported` has unknown outputs.
    compute() {
      throw new LayerError(reason);
    },
    evaluation: () => ({ refused: reason }),
  };
}

export const wrappersRules: Record<string, LayerRule> = {
  TFSMLayer: refused('it runs a TensorFlow SavedModel from disk, whose graph and shapes are not in the Python source.'),
  TorchModuleWrapper: refused('it runs a PyTorch module, whose computation is PyTorch code that is not analysed.'),
  JaxLayer: refused('it runs a user-supplied JAX function (call_fn), whose computation is not analysed.'),
  FlaxLayer: refused('it runs a Flax module, whose computation is Flax code that is not analysed.'),
};
