// Messages between the activation panel (a webview) and the extension that hosts it.

import type { TensorEvaluation, TensorItem } from './lsp.js';

/** Extension → panel. */
export type HostMessage =
  /** Nothing selected yet, or the active editor has no tensors: the panel says why. */
  | { readonly type: 'empty'; readonly message: string }
  /** A tensor was selected and is being evaluated; its static facts show at once. */
  | { readonly type: 'loading'; readonly uri: string; readonly tensor: TensorItem }
  | { readonly type: 'show'; readonly evaluation: TensorEvaluation };

/** Panel → extension. */
export type PanelMessage =
  | { readonly type: 'ready' }
  /** Show the maps of another item of the batch. */
  | { readonly type: 'selectBatchItem'; readonly batchItem: number }
  | { readonly type: 'setSampleInput' }
  | { readonly type: 'setSeed' }
  | { readonly type: 'loadWeights' }
  /** Put the cursor on the tensor's variable in its editor. */
  | { readonly type: 'reveal' };

/** What the panel keeps across being hidden and shown (vscode.setState). */
export interface PanelState {
  readonly evaluation?: TensorEvaluation;
  readonly enlargedChannel?: number;
}
