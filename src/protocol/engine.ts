// Messages between the evaluation worker and whoever drives it (the CLI, the
// language server). Plain JSON: results are summaries, never whole tensors.

export type BackendName = 'node' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  readonly name: BackendName;
  /** For the status bar: "TensorFlow 2.21 native", "wasm", "cpu". */
  readonly label: string;
  /** Why this backend: e.g. "tfjs-node is not installed; wasm with SIMD". */
  readonly reason: string;
}

/** Where the numbers fed to an input come from. */
export type InputSource =
  | { readonly kind: 'uniform' | 'normal' | 'zeros' | 'ones' }
  | { readonly kind: 'npy'; readonly path: string }
  | { readonly kind: 'image'; readonly path: string }
  /** A keras.ops call on Python values alone, encoded as graph/operation-config.ts does: its kernel computes it. */
  | { readonly kind: 'operation'; readonly call: string }
  /** Numbers written in the file (`np.array([[1, 2], [3, 4]])`), row-major, with their shape. */
  | { readonly kind: 'values'; readonly shape: readonly number[]; readonly values: readonly number[] };

/**
 * The numbers of a weight a subclassed layer made with `add_weight`, fed like an input: the weights file's (found by
 * the names of the layers holding it, outermost first, and its index among the layer's own variables), or else made by
 * its initializer (Keras's identifier as TensorFlow.js class config), seeded.
 */
export interface VariableFeed {
  readonly kind: 'variable';
  readonly layers: readonly string[];
  readonly index: number;
  readonly name: string;
  readonly initializer: { readonly class_name: string; readonly config: { readonly [key: string]: unknown } } | null;
  /** The file the code loads into its layer (`WeightsSpec` 'code'), whose numbers it has. */
  readonly weightsFile?: string;
}

export interface InputSpec {
  readonly source: InputSource;
  /** Size given to a None batch dimension (other None dimensions: `EvaluateResult.noneSize`). */
  readonly batchSize: number;
}

/**
 * Where the weights come from: Keras's default initializers (seeded), a weights file the user chose for the document,
 * or the files the code loads (`model.load_weights(path)`, a saved model's own weights, `weights="imagenet"` found in
 * Keras's cache), each for the layers it was loaded into; the other layers are initialised. `notRead` says, for each
 * load whose file is not read, why (not in Keras's cache, an untrusted workspace).
 */
export type WeightsSpec =
  | { readonly kind: 'initializers' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'code'; readonly files: readonly LoadedWeightsFile[]; readonly notRead: readonly string[] };

export interface LoadedWeightsFile {
  readonly path: string;
  /** The model the code loaded it into. */
  readonly model: string;
  /**
   * For each layer of the topology it gives numbers to, the layer's entry in the file, and for a layer of the model
   * itself its place among the model's layers that have weights (a legacy `.h5` file is read in that order).
   */
  readonly layers: { readonly [layer: string]: { readonly key: string; readonly order?: { readonly index: number; readonly of: number } } };
}

export interface EvaluateRequest {
  /** The Keras functional JSON of the sub-graph (src/graph/keras-json.ts). */
  readonly topology: unknown;
  /** Shape of each model input, None as null, in input order. */
  readonly inputShapes: readonly (readonly (number | null)[])[];
  /** Per input and axis, the name of a size from data that `inputShapes` has as null (`x_train.shape[1]`), else null. */
  readonly inputSizeNames?: readonly (readonly (string | null)[])[];
  /** Sizes from data that layer arguments of `topology` are (`units: "len(vocab)"`): fed at the size chosen for None. */
  readonly configSizeNames?: readonly string[];
  readonly inputDtypes: readonly string[];
  /** Per integer input, the exclusive upper bound of random ids (the smallest `input_dim` of the Embeddings it feeds). */
  readonly inputIntRanges?: readonly (number | null)[];
  /** Per input, the source of its numbers; defaults to `input` for inputs not listed. */
  readonly inputSources?: readonly (InputSource | VariableFeed | null)[];
  readonly input: InputSpec;
  readonly weights: WeightsSpec;
  readonly seed: number;
  /** What the graph says evaluation needs (src/graph/memory.ts): weights plus activations. */
  readonly estimatedBytes: number;
  /** Refuse, before building anything, when the estimate is above this. */
  readonly memoryBudgetBytes: number;
  /** The item of the batch whose channel maps are returned (default 0). */
  readonly batchItem?: number;
  /** Also return every value (for comparisons in tests and machine use); refused above `maxFullValues` elements. */
  readonly withValues?: boolean;
}

/** The largest tensor whose every value an evaluation returns. */
export const maxFullValues = 1_000_000;

export interface ChannelMaps {
  /** Height and width of each map after downsampling (at most 64×64). */
  readonly height: number;
  readonly width: number;
  /** How many channels the tensor has, and how many maps are included (at most 64). */
  readonly channels: number;
  /** One uint8 map per included channel, row-major, base64; value = min + byte / 255 · (max − min). */
  readonly maps: readonly { readonly min: number; readonly max: number; readonly data: string }[];
}

export interface TensorSummary {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly zeros: number;
  readonly nans: number;
  readonly infs: number;
  /** 32 equal-width bins between min and max (finite values only). */
  readonly histogram: readonly number[];
  /** NumPy-style summarised values (edgeitems 3, precision 4). */
  readonly text: string;
  /** Every value, row-major, when the request asked `withValues`. */
  readonly values?: readonly number[];
  /** For rank ≥ 2: per-channel 2-D maps of one batch item (rank 2: its row, as one 1×features map). */
  readonly channelMaps?: ChannelMaps;
}

export interface EvaluateResult {
  readonly outputs: readonly TensorSummary[];
  readonly backend: BackendInfo;
  /** What the inputs were fed with, and where the weights came from, in words. */
  readonly inputDescription: string;
  readonly weightsDescription: string;
  /** The size every None dimension but the batch was fed with ("None → 32"), where an input had one. */
  readonly noneSize?: number;
  readonly milliseconds: number;
  readonly cached: boolean;
}

/** The worker's answer to one request; `restart`: the worker cannot go on (its wasm module is broken) and exits. */
export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly result: EvaluateResult }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly restart?: boolean };

export interface WorkerRequest {
  readonly id: number;
  readonly type: 'evaluate';
  readonly request: EvaluateRequest;
}
