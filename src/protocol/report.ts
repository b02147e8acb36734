// The JSON document `tensor-lens summary|inspect --json` prints. A stable schema:
// fields are only ever added. Lines and columns are 1-based; a dimension is a
// number, null for None, or a string naming a data-dependent size. In the report
// of a notebook, `cell` (1-based, among all its cells) says which cell a `line` is in.

import type { TensorSummary } from './engine.js';

export type JsonDim = number | string | null;

export interface ReportLayer {
  readonly name: string;
  readonly class: string;
  /** The output shape; a list of shapes for layers with several outputs; null if never called. */
  readonly outputShape: JsonDim[] | JsonDim[][] | null;
  readonly params: number | null;
  /** Where `params` is null because sizes are known only at run time: the count as a formula of them. */
  readonly paramsFormula?: string;
  /** Of `params`, the non-trainable weights (Keras's `layer.non_trainable_weights`); null when not known. */
  readonly nonTrainableParams: number | null;
  readonly connectedTo: string[];
  /** For an item of the model that is not understood (name and class are then `?`): why. */
  readonly unknown?: string;
}

export interface ReportModel {
  readonly name: string;
  readonly class: string;
  readonly kind: 'functional' | 'sequential' | 'subclassed';
  readonly line: number;
  readonly cell?: number;
  /** Set when the model is made in a module of the user's that the file imports (path from the file's folder): `line` is there. */
  readonly module?: string;
  readonly built: boolean;
  readonly layers: ReportLayer[];
  /** null when a size is not known; then the total is at least `knownParams`. */
  readonly totalParams: number | null;
  /** What Keras's summary() prints as "Trainable params" and "Non-trainable params"; null when not known. */
  readonly trainableParams: number | null;
  readonly nonTrainableParams: number | null;
  /** Why the trainable split is not known where the total is. */
  readonly nonTrainableUnknown?: string;
  readonly knownParams: number;
  /** Why part of the model is not known. */
  readonly unknownReason?: string;
}

export interface ReportTensor {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly cell?: number;
  /** `tensor` (KerasTensor, or an eager tensor when `eager`), `array` (NumPy), `unknown`. */
  readonly kind: 'tensor' | 'array' | 'unknown';
  readonly shape: JsonDim[] | null;
  readonly dtype: string | null;
  /** The layer that produced it (for an array: the layer of the tensor it was computed from). */
  readonly layer: string | null;
  readonly layerClass: string | null;
  readonly eager: boolean;
  /** For a tensor made in a module of the user's that the file imports: that module (path from the file's folder) and line. */
  readonly madeIn?: { readonly module: string; readonly line: number };
  /** Why the value is unknown. */
  readonly reason?: string;
  /** With `--values`: the evaluated tensor's summary. */
  readonly values?: TensorSummary;
  /** With `--values`: why there are no values for it. */
  readonly valuesError?: string;
}

/** With `--values`: how the numbers were computed. */
export interface ReportEvaluation {
  readonly backend: string;
  readonly backendReason: string;
  readonly input: string;
  readonly seed: number;
  readonly weights: string;
}

export interface ReportDiagnostic {
  readonly severity: 'error' | 'warning' | 'information';
  readonly line: number;
  readonly column: number;
  readonly cell?: number;
  /** In a notebook: a line of the cell `endCell`, when that is not `cell`. */
  readonly endLine: number;
  readonly endCell?: number;
  readonly endColumn: number;
  readonly message: string;
  readonly code: string;
}

export interface Report {
  readonly file: string;
  /** How the file was read, where the reader should know: a notebook whose cells ran in another order. */
  readonly notes?: string[];
  readonly evaluation?: ReportEvaluation;
  readonly models: ReportModel[];
  readonly tensors: ReportTensor[];
  readonly diagnostics: ReportDiagnostic[];
}
