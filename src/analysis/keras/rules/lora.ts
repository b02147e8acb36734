// LoRA (`lora_rank=`) of Dense, EinsumDense, Embedding and Conv1D/2D/3D: Keras's `enable_lora` adds two trainable
// factors, A of the kernel's shape but its last axis of size rank, and B (rank, last axis), and makes the kernel (the
// embeddings) non-trainable. Keras saves the kernel
// with A·B merged in (`save_own_variables`), so the engine evaluates the layer as it is without LoRA.

import { LayerError, type LayerConfig } from '../rule.js';

/** The weights LoRA adds to a kernel of this shape (0 without `lora_rank`); null when the kernel's size is unknown. */
export function loraParams(config: LayerConfig, kernel: readonly number[] | null): number | null {
  const rank = config['lora_rank'];
  // A rank known only at run time (`lora_rank=r` from data): its weights are not known.
  if (typeof rank === 'string') return null;
  if (typeof rank !== 'number' || rank === 0) return 0;
  if (config['kernel_constraint'] !== null && config['kernel_constraint'] !== undefined) {
    throw new LayerError(
      'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.',
    );
  }
  if (kernel === null) return null;
  const inner = kernel.slice(0, -1).reduce((a, b) => a * b, 1);
  return inner * rank + rank * kernel.at(-1)!;
}

/** Adds LoRA's weights to a layer's count; with LoRA, the kernel's weights are the non-trainable ones. */
export function withLora(
  params: number | null,
  config: LayerConfig,
  kernel: readonly number[] | null,
): { readonly params: number | null; readonly nonTrainableParams: number | null; readonly restoredBySetter: number | null } {
  const lora = loraParams(config, kernel);
  if (params === null || lora === null) return { params: null, nonTrainableParams: null, restoredBySetter: null };
  // The kernel is made trainable, then frozen: `trainable = True` makes it trainable again.
  const frozen = lora === 0 ? 0 : kernel!.reduce((a, b) => a * b, 1);
  return { params: params + lora, nonTrainableParams: frozen, restoredBySetter: frozen };
}

/** Whether the layer has LoRA factors (a `lora_rank`): a parameter formula of the kernel and bias alone would miss them. */
export function hasLora(config: LayerConfig): boolean {
  const rank = config['lora_rank'];
  return rank !== null && rank !== undefined && rank !== 0;
}
