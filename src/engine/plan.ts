// Plans the evaluation of a file's bindings: which sub-graph each needs, what
// feeds its inputs (the file's own `np.random.rand(1, 32, 32, 3)` where it has
// one), and one request for every group of bindings that share inputs and feeds.

import type {
  ArrayFeed,
  ArraySource,
  Binding,
  JsonValue,
  LayerNode,
  LoadedWeights,
  ModelGraph,
  TensorNode,
  VariableSource,
} from '../graph/ir.js';
import { ExportError, exportSubgraph, tfjsInitializer } from '../graph/keras-json.js';
import { estimateMemory } from '../graph/memory.js';
import { dependsOnTrace, formatDim, formatShape, isSymbolic, type Shape } from '../graph/shape.js';
import { layerEntry } from '../analysis/keras/registry.js';
import type { EvaluateRequest, InputSource, InputSpec, LoadedWeightsFile, VariableFeed, WeightsSpec } from '../protocol/engine.js';
import { refusedInput } from './topology.js';

export interface EvaluationSettings {
  readonly input: InputSpec;
  /** The document's weights: initializers, which the files the code loads replace for their layers, or the user's file. */
  readonly weights: Exclude<WeightsSpec, { kind: 'code' }>;
  /** Why the weights files the code loads are not read (an untrusted workspace); undefined: they are. */
  readonly codeWeightsRefused?: string;
  readonly seed: number;
  readonly memoryBudgetBytes: number;
}

export interface PlannedRequest {
  readonly request: EvaluateRequest;
  /** For each output of the request, the bindings that show it. */
  readonly bindings: Binding[][];
  /** The graph tensor of each output, and the file's arrays that feed the request. */
  readonly tensors: readonly number[];
  readonly feeds: readonly ArrayFeed[];
}

export interface EvaluationPlan {
  readonly requests: PlannedRequest[];
  /** Bindings that have no numbers to compute, with the reason. */
  readonly skipped: { readonly binding: Binding; readonly reason: string }[];
}

interface Target {
  readonly tensor: number;
  readonly feeds: readonly ArrayFeed[];
}

function targetOf(binding: Binding): Target | string {
  const value = binding.value;
  if (value.kind === 'tensor') return { tensor: value.tensor, feeds: [] };
  if (value.kind === 'array') {
    if (value.source.kind === 'evaluation') return { tensor: value.source.tensors[0]!, feeds: value.source.feeds };
    return whyNoValues(value.source);
  }
  return 'not a tensor';
}

/** Why an array the file holds has no numbers of its own to show. */
export function whyNoValues(source: Exclude<ArraySource, { kind: 'evaluation' }>): string {
  if (source.kind === 'constructor') return `sample data made by ${source.fn}() in the file`;
  if (source.kind === 'variable') return `a weight made by add_weight`;
  if (source.kind === 'operation') return 'a keras.ops call on Python values';
  return source.reason;
}

export function planEvaluations(graph: ModelGraph, bindings: readonly Binding[], settings: EvaluationSettings): EvaluationPlan {
  const groups = new Map<string, { tensors: number[]; feeds: readonly ArrayFeed[]; bindings: Map<number, Binding[]> }>();
  const skipped: EvaluationPlan['skipped'] = [];
  for (const binding of bindings) {
    const target = targetOf(binding);
    if (typeof target === 'string') {
      skipped.push({ binding, reason: target });
      continue;
    }
    const shape = graph.tensors[target.tensor]?.shape ?? [];
    // Evaluated with others, an empty tensor would refuse them all (src/engine/evaluator.ts checks every output).
    if (shape.includes(0)) {
      skipped.push({ binding, reason: `it holds no values: its shape ${formatShape(shape)} has a dimension of size 0` });
      continue;
    }
    let inputs: number[];
    try {
      inputs = [...exportSubgraph(graph, [target.tensor]).inputs].sort((a, b) => a - b);
    } catch (error) {
      if (!(error instanceof ExportError)) throw error;
      skipped.push({ binding, reason: error.message });
      continue;
    }
    const refused = inputs.map((t) => refusedInput(inputName(graph, t), graph.tensors[t]!.dtype)).find((r) => r !== undefined);
    if (refused) {
      skipped.push({ binding, reason: refused });
      continue;
    }
    // A constant whose numbers the analysis does not know (np.array of an unknown) is no input to sample.
    const unreadable = inputs.map((t) => graph.tensors[t]!.constant).find((c) => c?.kind === 'unknown');
    if (
      unreadable?.kind === 'unknown' &&
      !target.feeds.some((f) => inputs.includes(f.input) && graph.tensors[f.input]!.constant === unreadable)
    ) {
      skipped.push({ binding, reason: `its values depend on ${unreadable.reason}` });
      continue;
    }
    const uninitialized = inputs.map((t) => unknownInitializer(graph, t, settings)).find((reason) => reason !== undefined);
    if (uninitialized !== undefined) {
      skipped.push({ binding, reason: `its values depend on ${uninitialized}; a weights file would give them` });
      continue;
    }
    const key = JSON.stringify({ inputs, feeds: target.feeds });
    const group = groups.get(key) ?? { tensors: [], feeds: target.feeds, bindings: new Map<number, Binding[]>() };
    groups.set(key, group);
    if (!group.bindings.has(target.tensor)) {
      group.tensors.push(target.tensor);
      group.bindings.set(target.tensor, []);
    }
    group.bindings.get(target.tensor)!.push(binding);
  }
  const requests = [...groups.values()].map((group) => ({
    request: buildRequest(graph, group.tensors, group.feeds, settings),
    bindings: group.tensors.map((t) => group.bindings.get(t)!),
    tensors: group.tensors,
    feeds: group.feeds,
  }));
  return { requests, skipped };
}

/**
 * One request per output: for a grouped request that failed, so that only the
 * tensors that cannot be evaluated show the failure (one unsupported layer
 * would otherwise cost every tensor that shares its inputs).
 */
export function splitRequest(graph: ModelGraph, planned: PlannedRequest, settings: EvaluationSettings): PlannedRequest[] {
  if (planned.tensors.length < 2) return [planned];
  return planned.tensors.map((tensor, i) => ({
    request: buildRequest(graph, [tensor], planned.feeds, settings),
    bindings: [planned.bindings[i]!],
    tensors: [tensor],
    feeds: planned.feeds,
  }));
}

export function buildRequest(
  graph: ModelGraph,
  tensors: readonly number[],
  feeds: readonly ArrayFeed[],
  settings: EvaluationSettings,
): EvaluateRequest {
  const exported = exportSubgraph(graph, tensors);
  const configSizeNames = [
    ...new Set([...exported.layerNames.keys()].flatMap((id) => Object.values(graph.layers[id]!.runTimeSizes ?? {}))),
  ];
  const inputShapes: (number | null)[][] = [];
  const inputSizeNames: (string | null)[][] = [];
  const inputSources: (InputSource | VariableFeed | null)[] = [];
  for (const input of exported.inputs) {
    const tensor = graph.tensors[input]!;
    const feed = feeds.find((f) => f.input === input);
    const shape: Shape = feed?.shape ?? tensor.shape;
    inputShapes.push(shape.map((d) => (isSymbolic(d) ? null : d)));
    inputSizeNames.push(shape.map((d) => (isSymbolic(d) && !dependsOnTrace(d) ? formatDim(d) : null)));
    const source = feed?.source ?? tensor.constant;
    inputSources.push(source?.kind === 'variable' ? variableFeed(graph, input, source, settings) : source ? inputSourceOf(source) : null);
  }
  return {
    topology: exported.topology,
    inputIntRanges: exported.inputs.map((t) => embeddingRange(graph, t)),
    inputShapes,
    ...(inputSizeNames.some((names) => names.some((n) => n !== null)) && { inputSizeNames }),
    ...(configSizeNames.length > 0 && { configSizeNames }),
    inputDtypes: exported.inputs.map((t) => graph.tensors[t]!.dtype),
    inputSources,
    input: settings.input,
    weights: weightsSpec(graph, exported.layerNames, settings),
    seed: settings.seed,
    estimatedBytes: estimateMemory(graph, exported, settings.input.batchSize).totalBytes,
    memoryBudgetBytes: settings.memoryBudgetBytes,
  };
}

/** Random token ids must index every layer the input feeds that looks them up (Embedding, CategoryEncoding): the smallest table among them. */
export function embeddingRange(graph: ModelGraph, tensor: number): number | null {
  const sizes = graph.calls
    .filter((call) => call.inputs.includes(tensor))
    .map((call) => {
      const layer = graph.layers[call.layer]!;
      const bound = layerEntry(layer.className)?.rule?.idBound;
      return bound === undefined ? undefined : layer.config[bound];
    })
    .filter((n): n is number => typeof n === 'number' && n > 0);
  return sizes.length > 0 ? Math.min(...sizes) : null;
}

/**
 * The weights of a request: the document's file, or the initializers with the files the code loads into the request's
 * layers (by the name each layer has in the topology), and why those that cannot be read are not.
 */
function weightsSpec(graph: ModelGraph, topologyNames: ReadonlyMap<number, string>, settings: EvaluationSettings): WeightsSpec {
  if (settings.weights.kind === 'file') return settings.weights;
  const files = new Map<string, LoadedWeightsFile & { layers: { [layer: string]: LoadedWeightsFile['layers'][string] } }>();
  const notRead = new Set<string>();
  for (const [id, name] of topologyNames) {
    const loaded = loadedWeights(graph, id, settings);
    if (!loaded) continue;
    if ('notRead' in loaded) {
      notRead.add(`the weights loaded into '${loaded.model}': ${loaded.notRead}`);
      continue;
    }
    const key = JSON.stringify([loaded.file, loaded.model]);
    const entry = files.get(key) ?? { path: loaded.file, model: loaded.model, layers: {} };
    files.set(key, entry);
    entry.layers[name] = { key: loaded.key, ...(loaded.order !== undefined && { order: loaded.order }) };
  }
  return files.size === 0 && notRead.size === 0 ? settings.weights : { kind: 'code', files: [...files.values()], notRead: [...notRead] };
}

/** The weights the code loads into a layer, or why they are not read (unavailable, an untrusted workspace). */
function loadedWeights(
  graph: ModelGraph,
  layer: number,
  settings: EvaluationSettings,
): Extract<LoadedWeights, { file: string }> | { readonly notRead: string; readonly model: string } | undefined {
  const loaded = graph.layers[layer]!.weights;
  if (!loaded) return undefined;
  const notRead = 'unavailable' in loaded ? loaded.unavailable : settings.codeWeightsRefused;
  return notRead === undefined && 'file' in loaded ? loaded : { notRead: notRead!, model: loaded.model };
}

/** The file the code loads into a layer, when it is read. */
function readableWeightsFile(graph: ModelGraph, layer: number, settings: EvaluationSettings): string | undefined {
  const loaded = loadedWeights(graph, layer, settings);
  return loaded && 'file' in loaded ? loaded.file : undefined;
}

/** Why the initial numbers of an `add_weight` variable are not known, or undefined (they are, or a weights file gives them). */
function unknownInitializer(graph: ModelGraph, tensor: number, settings: EvaluationSettings): string | undefined {
  const source = graph.tensors[tensor]!.constant;
  if (source?.kind !== 'variable' || 'known' in source.initializer || settings.weights.kind === 'file') return undefined;
  if (readableWeightsFile(graph, source.layer, settings) !== undefined) return undefined;
  return `${describeVariable(graph, source)}, whose initializer is not known (${source.initializer.unknown})`;
}

function describeVariable(graph: ModelGraph, source: VariableSource): string {
  const layer = graph.layers[source.layer]!;
  return `the weight${source.name === null ? '' : ` \`${source.name}\``} of ${layer.className} '${layer.name}'`;
}

/**
 * Where the engine finds an `add_weight` variable: the names of the layers holding its layer, outermost first, and its
 * index among the layer's own variables as Keras saves them (the trainable ones first, each group in creation order).
 */
function variableFeed(graph: ModelGraph, tensor: number, source: VariableSource, settings: EvaluationSettings): VariableFeed {
  const own = graph.tensors.filter((t) => t.constant?.kind === 'variable' && t.constant.layer === source.layer);
  const trainable = (t: TensorNode): boolean => t.constant?.kind === 'variable' && t.constant.trainable;
  const index = [...own.filter(trainable), ...own.filter((t) => !trainable(t))].findIndex((t) => t.id === tensor);
  const initializer = 'known' in source.initializer ? tfjsInitializer(source.initializer.known) : null;
  const weightsFile = settings.weights.kind === 'initializers' ? readableWeightsFile(graph, source.layer, settings) : undefined;
  return {
    kind: 'variable',
    layers: enclosingNames(graph, source.layer),
    index,
    name: source.name ?? `#${index}`,
    initializer,
    ...(weightsFile !== undefined && { weightsFile }),
  };
}

/** The names of a layer's enclosing layers (the layers that track it, up to the outermost), then its own. */
function enclosingNames(graph: ModelGraph, layerId: number): string[] {
  const names = [graph.layers[layerId]!.name];
  const seen = new Set([layerId]);
  for (let parent = parentOf(graph, layerId, seen); parent; parent = parentOf(graph, parent.id, seen)) {
    names.unshift(parent.name);
    seen.add(parent.id);
  }
  return names;
}

function parentOf(graph: ModelGraph, layerId: number, seen: ReadonlySet<number>): LayerNode | undefined {
  return graph.layers.find((layer) => !seen.has(layer.id) && layer.children.includes(layerId));
}

/** The Keras name of the layer that makes an input tensor. */
function inputName(graph: ModelGraph, tensor: number): string {
  const producer = graph.tensors[tensor]!.producer;
  return producer ? graph.layers[graph.calls[producer.call]!.layer]!.name : `input_tensor_${tensor}`;
}

/** An `np.array` literal's numbers (booleans as 0/1), row-major; its shape as NumPy gives it. */
function literalSource(nested: JsonValue): InputSource | null {
  const shape: number[] = [];
  for (let level: JsonValue = nested; Array.isArray(level); level = level[0] ?? null) shape.push(level.length);
  const values: number[] = [];
  const flatten = (v: JsonValue): boolean =>
    Array.isArray(v) ? v.every(flatten) : (typeof v === 'number' || typeof v === 'boolean') && values.push(Number(v)) > 0;
  return flatten(nested) ? { kind: 'values', shape, values } : null;
}

/** Sample-data constructors of the file whose distribution the engine reproduces exactly. */
const constructorSources: Readonly<Record<string, InputSource['kind']>> = {
  'np.random.rand': 'uniform',
  'np.random.random': 'uniform',
  'np.random.random_sample': 'uniform',
  'tf.random.uniform': 'uniform',
  'keras.random.uniform': 'uniform',
  'np.random.randn': 'normal',
  'tf.random.normal': 'normal',
  'keras.random.normal': 'normal',
  'np.zeros': 'zeros',
  'tf.zeros': 'zeros',
  'keras.ops.zeros': 'zeros',
  'np.ones': 'ones',
  'tf.ones': 'ones',
  'keras.ops.ones': 'ones',
};

/** The engine's version of the file's sample data, or null (use the configured input) where it has none. */
function inputSourceOf(source: ArraySource): InputSource | null {
  if (source.kind === 'operation') return { kind: 'operation', call: source.call };
  if (source.kind !== 'constructor') return null;
  if (source.fn === 'np.array') return literalSource(source.args['object'] ?? null);
  const kind = constructorSources[source.fn];
  return kind === 'uniform' || kind === 'normal' || kind === 'zeros' || kind === 'ones' ? { kind } : null;
}
