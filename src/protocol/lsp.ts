// The language server's own requests and notifications, beyond standard LSP:
// what the VS Code client, the activation panel and any other LSP client use.
// Plain JSON types; method names are the constants below.

import type { BackendInfo, TensorSummary } from './engine.js';

export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** One binding of a tensor-like variable in a document (a variable bound twice is two items). */
export interface TensorItem {
  readonly name: string;
  /** The name's range in the document: also the handle to evaluate it. */
  readonly range: TextRange;
  /** The document `range` is in, when it is not the one asked about: a notebook's cell above the one asked about. */
  readonly uri?: string;
  /** `KerasTensor (None, 30, 30, 32) float32` or `ndarray (1, 30, 30, 32) float32`. */
  readonly type: string;
  readonly shape: string;
  /** `Conv2D 'conv2d'` */
  readonly layer?: string;
  /** `filters=32, kernel_size=(3, 3), activation='relu'` */
  readonly layerConfig?: string;
  readonly params?: number | null;
  /** Why there are no values to compute for it, when there are none. */
  readonly notEvaluable?: string;
}

export const listTensorsRequest = 'tensorLens/listTensors';
export interface ListTensorsParams {
  readonly uri: string;
}
export interface ListTensorsResult {
  readonly version: number;
  readonly tensors: TensorItem[];
}

/** Answers `TensorItem | null`: the tensor the name at the position stands for (its binding, or the latest one before a use). */
export const tensorAtRequest = 'tensorLens/tensorAt';
export interface TensorAtParams {
  readonly uri: string;
  readonly position: TextPosition;
}

export const evaluateTensorRequest = 'tensorLens/evaluateTensor';
export interface EvaluateTensorParams {
  readonly uri: string;
  /** Any position inside the variable's name (the cursor, or a TensorItem's range start). */
  readonly position: TextPosition;
  /** Which item of the batch the channel maps show (default 0). */
  readonly batchItem?: number;
}
export interface TensorEvaluation {
  readonly uri: string;
  readonly tensor: TensorItem;
  readonly summary?: TensorSummary;
  /** Why there are no values: not evaluable, refused by the memory budget, a failure, cancelled. */
  readonly error?: string;
  readonly batchItem: number;
  readonly backend?: BackendInfo;
  readonly inputDescription?: string;
  readonly weightsDescription?: string;
  readonly milliseconds?: number;
  readonly cached?: boolean;
}

/** Where sample input numbers come from: a distribution, or a .npy / image file path. */
export type SampleInput = 'uniform' | 'normal' | 'zeros' | 'ones' | { readonly path: string };

/** The evaluation settings; every field optional in an update. */
export interface EvaluationSettingsUpdate {
  readonly sampleInput?: SampleInput;
  readonly seed?: number;
  readonly batchSize?: number;
  /** A weights file for one document (`uri`), or null to go back to the seeded initializers. */
  readonly weights?: { readonly uri: string; readonly path: string | null };
  /** The workspace was trusted (or trust was taken back). */
  readonly trusted?: boolean;
  /** The interpreter the VS Code Python extension has selected for the workspace ('' when none). */
  readonly selectedInterpreter?: string;
}
export const setEvaluationSettingsRequest = 'tensorLens/setEvaluationSettings';

export type WorkerState = 'stopped' | 'starting' | 'idle' | 'evaluating' | 'failed';
export interface WorkerStatus {
  readonly state: WorkerState;
  readonly backend?: BackendInfo;
  readonly pid?: number;
  /** The tensor being evaluated, or the last failure. */
  readonly detail?: string;
}
export const workerStatusRequest = 'tensorLens/workerStatus';
/** Sent by the server whenever the worker's status changes. */
export const workerStatusNotification = 'tensorLens/workerStatusChanged';
export const restartWorkerRequest = 'tensorLens/restartWorker';

/** Settings the server reads from `initializationOptions` and `workspace/didChangeConfiguration` (section `tensorLens`). */
export interface ServerSettings {
  readonly backend: 'auto' | 'node' | 'wasm' | 'cpu';
  readonly seed: number;
  readonly batchSize: number;
  readonly sampleInput: string;
  readonly hover: { readonly values: 'auto' | 'onDemand' | 'off'; readonly budgetMs: number };
  readonly inlayHints: { readonly enabled: boolean };
  readonly evaluation: { readonly timeoutMs: number; readonly memoryBudgetMB: number };
  /** Folders searched for the modules a file imports, after its own folder and the workspace folders (relative: to the first workspace folder). */
  readonly analysis: { readonly extraPaths: readonly string[] };
  /** False in an untrusted workspace: no file of the workspace is read as input or weights. */
  readonly trusted: boolean;
  /** Set by the Tensor Lens VS Code client, which implements `clientCommands`: hovers and code lenses may link to them. */
  readonly clientCommands: boolean;
  /**
   * The Python environment whose TensorFlow the native backend loads: `interpreter` (tensorLens.python.interpreter),
   * else `selectedInterpreter` (the VS Code Python extension's), else VIRTUAL_ENV, CONDA_PREFIX, a workspace .venv.
   */
  readonly python: { readonly interpreter: string; readonly selectedInterpreter: string };
}

export const defaultServerSettings: ServerSettings = {
  backend: 'auto',
  seed: 0,
  batchSize: 1,
  sampleInput: 'uniform',
  hover: { values: 'auto', budgetMs: 1000 },
  inlayHints: { enabled: true },
  evaluation: { timeoutMs: 10000, memoryBudgetMB: 2048 },
  analysis: { extraPaths: [] },
  trusted: true,
  clientCommands: false,
  python: { interpreter: '', selectedInterpreter: '' },
};

/**
 * Node options the server is started with: V8 otherwise lets the garbage of
 * many analyses pile up to several hundred MB before collecting it. The live
 * data of an analysis is bounded by its budgets (tens of MB).
 */
export const serverNodeOptions = ['--max-old-space-size=192', '--max-semi-space-size=4'] as const;

/** Commands a hover or code lens links to; the VS Code client implements them. */
export const clientCommands = {
  evaluateTensor: 'tensorLens.evaluateTensor',
  showTensor: 'tensorLens.showTensor',
  /** Arguments `[uri, line, expression]`: asks the value of an expression that comes from data and writes its directive above the line. */
  pinValue: 'tensorLens.pinValue',
} as const;
