// The model graph: what the analysis of one Python file knows. Layers, the calls
// of layers on tensors (Keras "nodes"), symbolic tensors, models, and a source
// map from each assignment in the file to the value it bound. Plain data, JSON-safe.

import type { Shape } from './shape.js';

/** Zero-based line and UTF-16 column, as LSP counts them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TensorNode {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: string;
  /** The layer call that produced it; absent for tensors made by constructors. */
  readonly producer?: { readonly call: number; readonly index: number };
  /** True for an eager tensor (a layer applied to concrete data), false for a KerasTensor. */
  readonly eager: boolean;
  /** For a tensor made from an array in the file (`np.random.rand(1, 32, 32, 3)`): where its numbers come from. */
  readonly constant?: ArraySource;
  /**
   * Set (to why) for a tensor whose shape and dtype are not known: it stands for a value the analysis does not know in
   * the graph, so the layers called around it are still listed. Its `shape` is empty and its `dtype` is not a dtype.
   */
  readonly unknown?: string;
}

export interface LayerNode {
  readonly id: number;
  /** The Keras name: given by `name=` or the auto-name (`conv2d`, `conv2d_1`, …). */
  readonly name: string;
  readonly className: string;
  /** The Keras config in snake_case, the keys of the layer's constructor. */
  readonly config: { [key: string]: JsonValue };
  /** Number of weights once built; null while unbuilt or when a size is unknown. */
  params: number | null;
  /** Where `params` is null because sizes are known only at run time: the count as a formula of them. */
  paramsFormula?: string;
  /** Constructor arguments that are sizes known only at run time, by argument: the size's name, as `config` has it. */
  runTimeSizes?: { readonly [argument: string]: string };
  /**
   * Of `params`, those Keras counts non-trainable (`layer.non_trainable_weights`): weights made with
   * `trainable=False` (moving statistics), and every weight of a layer made or set `trainable = False`. null when
   * `params` is, or when the split is not known.
   */
  nonTrainableParams: number | null;
  /** Why `nonTrainableParams` is null where `params` is known. */
  nonTrainableUnknown?: string;
  /** The calls of this layer, in the order they happened. */
  readonly calls: number[];
  readonly range: SourceRange;
  /** Set when a module of the user's that the file imports made it: that module's path from the file's folder; `range` is in it. */
  readonly module?: string;
  /** Set for a model (functional, sequential or subclassed) used as a layer. */
  model?: ModelInfo;
  /** Set for a tensor operation written in Python (`x + y`, `x[:, 0]`): Keras's op name. Not a layer of any model. */
  operation?: string;
  /** For layers built from other layers (subclassed layers and models), the layers they track. */
  readonly children: number[];
  /** How the engine runs it, from the registry; absent: the TensorFlow.js layer of the same class name and config. */
  evaluation?: LayerEvaluation;
  /** The numbers the code loads into it (`model.load_weights(path)`, a saved model's own), when it loads some. */
  weights?: LoadedWeights;
}

/**
 * Where the weights the code loads into a layer are: a file and the layer's entry in it (its name, after those of the
 * layers between it and the model loaded; also the place of the model's layer it is or is in, among the model's
 * layers that have weights, by which a legacy `.h5` file is read), or why they cannot be read. `model` names the model
 * loaded.
 */
export type LoadedWeights =
  | {
      readonly file: string;
      readonly key: string;
      readonly order?: { readonly index: number; readonly of: number };
      readonly model: string;
    }
  | { readonly unavailable: string; readonly model: string };

/** The class and config TensorFlow.js loads for a layer, or why it cannot be evaluated (a clause after the layer's name: "with groups=2 cannot …"). */
export type LayerEvaluation =
  { readonly className: string; readonly config?: { readonly [key: string]: JsonValue } } | { readonly refused: string };

export type ModelKind = 'functional' | 'sequential' | 'subclassed';

export interface ModelInfo {
  readonly kind: ModelKind;
  inputs: number[];
  outputs: number[];
  /** `model.layers` in Keras order (input layers first for functional models). */
  layers: number[];
  built: boolean;
  /** Set once an item of a Sequential is not understood: it stands at `at` in `layers`, and nothing from there on is known. */
  unknown?: { readonly at: number; readonly reason: string };
}

export interface LayerCall {
  readonly id: number;
  readonly layer: number;
  readonly inputs: number[];
  /** True when the layer was called with a list of tensors (merge layers). */
  readonly inputIsList: boolean;
  readonly outputs: number[];
  readonly range: SourceRange;
  /** Set when the call is in a module of the user's that the file imports (as LayerNode.module); `range` is in it. */
  readonly module?: string;
  /** The call of a subclassed layer or model, whose work is in the calls it contains. */
  readonly parent?: number;
  /** For layers with named call parameters: the parameter of each input, and the call options given (JSON). */
  readonly callArguments?: { readonly names: readonly string[]; readonly options: { readonly [key: string]: JsonValue } };
}

/** Where the numbers of a NumPy array in the file come from. */
export type ArraySource =
  | { readonly kind: 'constructor'; readonly fn: string; readonly args: { [key: string]: JsonValue } }
  | { readonly kind: 'evaluation'; readonly tensors: number[]; readonly feeds: ArrayFeed[] }
  | VariableSource
  /** A keras.ops call on Python values alone (`ops.cast(8, "float32")`): its kernel computes it (operation-config.ts). */
  | { readonly kind: 'operation'; readonly call: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** A weight made by `self.add_weight` in a subclassed layer: its numbers are the weights file's, or its initializer's. */
export interface VariableSource {
  readonly kind: 'variable';
  /** The layer that made it. */
  readonly layer: number;
  readonly name: string | null;
  /** Keras saves a layer's trainable variables first, then the others, each group in the order they were made. */
  readonly trainable: boolean;
  /** The initializer as Keras's identifier (`"zeros"`, `{"class_name": "Constant", "config": {…}}`), or why it is not known. */
  readonly initializer: { readonly known: JsonValue } | { readonly unknown: string };
}

export interface ArrayFeed {
  readonly input: number;
  /** The shape of the array fed (its batch may differ from the input's None). */
  readonly shape: Shape;
  readonly source: ArraySource;
}

export type BoundValue =
  | { readonly kind: 'tensor'; readonly tensor: number }
  | { readonly kind: 'array'; readonly shape: Shape; readonly dtype: string; readonly source: ArraySource }
  | { readonly kind: 'layer'; readonly layer: number }
  | { readonly kind: 'model'; readonly layer: number }
  | { readonly kind: 'function'; readonly inputs: number[]; readonly outputs: number[] }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface Binding {
  readonly name: string;
  readonly range: SourceRange;
  readonly value: BoundValue;
  /** Where the name starts to stand for this value: the end of the statement that binds it. */
  readonly from: Position;
}

export type Severity = 'error' | 'warning' | 'information';

export interface Diagnostic {
  readonly severity: Severity;
  readonly range: SourceRange;
  readonly message: string;
  /** A stable identifier of the kind of problem, e.g. `incompatible-shapes`. */
  readonly code: string;
}

export interface ModelGraph {
  readonly tensors: TensorNode[];
  readonly layers: LayerNode[];
  readonly calls: LayerCall[];
  /** Ids of the layers that are models defined in the file, in definition order. */
  readonly models: number[];
  readonly bindings: Binding[];
  readonly diagnostics: Diagnostic[];
}
