// Layers that wrap code: Lambda, whose Python function the interpreter follows on the call's tensors, and those Tensor
// Lens refuses with a reason because they wrap another framework (TFSMLayer, TorchModuleWrapper, JaxLayer, FlaxLayer).

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

/** Lambda: its `function` is followed by the interpreter (model-runtime `callFunctionLayer`), never `compute`. */
const lambda: LayerRule = {
  followsFunction: 'function',
  compute() {
    throw new LayerError('Lambda is called through its function');
  },
  hoverKeys: ['output_shape', 'arguments'],
  // Its outputs are made by the ops of its function, which the engine runs; the layer itself is never exported.
  evaluation: () => ({ refused: 'is evaluated through the ops of its function, not as a layer' }),
};

export const wrappersRules: Record<string, LayerRule> = {
  Lambda: lambda,
  TFSMLayer: refused('it runs a TensorFlow SavedModel from disk, whose graph and shapes are not in the Python source.'),
  TorchModuleWrapper: refused('it runs a PyTorch module, whose computation is PyTorch code that is not analysed.'),
  JaxLayer: refused('it runs a user-supplied JAX function (call_fn), whose computation is not analysed.'),
  FlaxLayer: refused('it runs a Flax module, whose computation is Flax code that is not analysed.'),
};
