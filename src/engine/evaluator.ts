// Evaluates sub-graphs with TensorFlow.js: builds the Keras functional JSON
// into a model, gives it seeded Keras-default weights or a weights file's, feeds
// sample input, and returns summaries. Runs inside the worker process.

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { formatBytes, freeDimensionSizes } from '../graph/memory.js';
import { formatShape } from '../graph/shape.js';
import {
  maxFullValues,
  type BackendInfo,
  type BackendPreference,
  type EvaluateRequest,
  type EvaluateResult,
  type InputSource,
  type VariableFeed,
} from '../protocol/engine.js';
import { selectBackend } from './backend.js';
import { registerKerasLayers } from './layers/index.js';
import { registerOperationLayer } from './operation-layer.js';
import { defaultIntRange, makeInput } from './sample-input.js';
import { seedInitializers } from './seeds.js';
import { releasingIntermediates } from './intermediate-tensors.js';
import { fuseConvolutions } from './native/fused-convolution.js';
import { summarize } from './summarize.js';
import { inputLayerNames, LayerNames, prepareTopology, refusedInput, tfjsDtype } from './topology.js';
import { fileStamp } from './file-stamp.js';
import { applyWeights, describeWeights, variableFile, WeightFiles } from './weights/model-weights.js';
import type { WeightFile } from './weights/read-weights.js';
import { variableValues } from './weights/variables.js';

/** A refusal or failure the user should read as is. */
export class EvaluationError extends Error {}

const cacheSize = 64;

const noneSizes = freeDimensionSizes;

interface Built {
  readonly model: tf.LayersModel;
  readonly feeds: tf.Tensor[];
  readonly names: LayerNames;
  /** Set when an input had a None besides the batch that the size was chosen for. */
  readonly noneSize?: number;
}

export class Evaluator {
  private readonly cache = new Map<string, EvaluateResult>();
  private readonly weightFiles = new WeightFiles();

  private constructor(readonly backend: BackendInfo) {}

  static async create(preference: BackendPreference): Promise<Evaluator> {
    const backend = await selectBackend(preference);
    registerKerasLayers();
    registerOperationLayer();
    return new Evaluator(backend);
  }

  async evaluate(request: EvaluateRequest): Promise<EvaluateResult> {
    const key = cacheKey(request);
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return { ...hit, cached: true };
    }
    const refused = inputLayerNames(request.topology)
      .map((name, i) => refusedInput(name, request.inputDtypes[i] ?? 'float32'))
      .find((reason) => reason !== undefined);
    if (refused) throw new EvaluationError(`Not evaluated: ${refused}.`);
    if (request.estimatedBytes > request.memoryBudgetBytes) {
      throw new EvaluationError(
        `Not evaluated: it would need about ${formatBytes(request.estimatedBytes)} for weights and activations, more than the memory budget of ${formatBytes(request.memoryBudgetBytes)}.`,
      );
    }
    const started = performance.now();
    const files = await this.weightFiles.read(request.weights);
    const built = await this.build(request, files);
    const { model, feeds, names } = built;
    let outputs: tf.Tensor[] = [];
    try {
      const allFromFiles = applyWeights(model, names, request.weights, files);
      fuseConvolutions(model);
      // The graph run directly, not predict: predict turns a rank-1 input (Input(shape=()), one id per example) into a column.
      outputs = tf.tidy(() => runGraph(model, feeds));
      const summaries = [];
      for (const output of outputs) {
        const raw = (await output.data()) as Float32Array | Int32Array | Uint8Array;
        // A bool tensor reads as bytes; its summary counts them as 0 and 1.
        const data = raw instanceof Uint8Array ? Int32Array.from(raw) : raw;
        const summary = summarize(data, output.shape, output.dtype, request.batchItem);
        if (request.withValues && data.length > maxFullValues)
          throw new EvaluationError(`Not returned: ${data.length} values, more than the ${maxFullValues} an evaluation returns in full.`);
        summaries.push(request.withValues ? { ...summary, values: Array.from(data) } : summary);
      }
      const result: EvaluateResult = {
        outputs: summaries,
        backend: this.backend,
        inputDescription: describeInputs(request, feeds, built.noneSize),
        weightsDescription: describeWeights(request.weights, request.seed, allFromFiles),
        milliseconds: performance.now() - started,
        cached: false,
        ...(built.noneSize !== undefined && { noneSize: built.noneSize }),
      };
      this.remember(key, result);
      return result;
    } catch (error) {
      throw renamed(error, names);
    } finally {
      release(() => {
        tf.dispose(outputs);
        tf.dispose(feeds);
        model.dispose();
      });
    }
  }

  /**
   * The model and its feeds, every layer's output shape checked first: an empty
   * or negative dimension would read out of bounds in the wasm backend. A None
   * other than the batch gets the first size of `noneSizes` every layer accepts.
   */
  private async build(request: EvaluateRequest, files: ReadonlyMap<string, WeightFile>): Promise<Built> {
    const sizes = hasFreeDimension(request) ? noneSizes : [noneSizes[0]];
    let last: Error | undefined;
    for (const noneSize of sizes) {
      const feeds = makeFeeds(request, noneSize, files);
      const prepared = prepareTopology(
        seedInitializers(withSizes(request.topology, request.configSizeNames ?? [], noneSize), request.seed),
        feeds.map((f) => f.shape),
      );
      let model: tf.LayersModel | undefined;
      try {
        model = await tf.models.modelFromJSON({ modelTopology: prepared.topology } as tf.io.ModelJSON);
        const empty = emptyOutput(model, prepared.names);
        const tried = noneSize === sizes.at(-1) ? `None → ${noneSize}, the largest size tried` : `None → ${noneSize}`;
        if (empty) throw new EvaluationError(`Not evaluated: ${empty}${sizes.length > 1 ? ` (${tried})` : ''}.`);
        return { model, feeds, names: prepared.names, ...(sizes.length > 1 && { noneSize }) };
      } catch (error) {
        release(() => {
          model?.dispose();
          tf.dispose(feeds);
        });
        if (breaksTheModule(error)) throw error;
        const failure = renamed(error, prepared.names);
        // The same words at another size: the failure does not depend on the size, so no other size will do.
        if (last && failure.message === last.message) throw failure;
        last = failure;
      }
    }
    if (sizes.length === 1 || last instanceof EvaluationError) throw last!;
    // No size fits: say which were tried, since the message itself speaks of one of them.
    throw new EvaluationError(`${last!.message} (None → ${sizes.join(', ')} tried, none fits every layer)`);
  }

  private remember(key: string, result: EvaluateResult): void {
    this.cache.set(key, result);
    if (this.cache.size > cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

function cacheKey(request: EvaluateRequest): string {
  const { topology, inputShapes, inputSizeNames, configSizeNames, inputDtypes, inputSources, input, weights, seed, batchItem, withValues } =
    request;
  // Files are keyed by their size and modification time too: retraining into the same path is a new result.
  const weightPaths = weights.kind === 'file' ? [weights.path] : weights.kind === 'code' ? weights.files.map((f) => f.path) : [];
  const paths = [...weightPaths, ...[input.source, ...(inputSources ?? [])].map(pathOf)];
  const files = paths.filter((p): p is string => p !== undefined).map((p) => [p, fileStamp(p)]);
  return createHash('sha256')
    .update(
      JSON.stringify({
        topology,
        inputShapes,
        inputSizeNames,
        configSizeNames,
        inputDtypes,
        inputSources,
        input,
        weights,
        seed,
        batchItem,
        withValues,
        files,
      }),
    )
    .digest('hex');
}

function pathOf(source: InputSource | VariableFeed | null): string | undefined {
  return source && (source.kind === 'npy' || source.kind === 'image') ? source.path : undefined;
}

/**
 * Whether the error leaves TensorFlow.js's wasm module unusable: a trap (memory
 * access out of bounds) or emscripten's abort, after which every call answers
 * "Aborted()". Matched by name: the project's TypeScript lib has no WebAssembly values.
 */
export function breaksTheModule(error: unknown): boolean {
  return error instanceof Error && (error.name === 'RuntimeError' || /^Aborted\(/.test(error.message));
}

/** Frees tensors; a failure here (a broken wasm module) is left for the next evaluation to report. */
function release(free: () => void): void {
  try {
    free();
  } catch {
    // The next call into the module fails the same way, and the worker is restarted then.
  }
}

/** The topology with each layer argument that is a size from data (its name, in `names`) given `size`. */
function withSizes(topology: unknown, names: readonly string[], size: number): unknown {
  if (names.length === 0) return topology;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return names.includes(value) ? size : value;
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'name' ? item : replace(item)]));
    }
    return value;
  };
  return replace(topology);
}

/** Whether some size is one the engine chooses: a None besides the batch (not given by a file), or a size from data. */
function hasFreeDimension(request: EvaluateRequest): boolean {
  if ((request.configSizeNames?.length ?? 0) > 0) return true;
  return request.inputShapes.some((shape, i) => {
    const source = request.inputSources?.[i] ?? request.input.source;
    return source.kind !== 'npy' && source.kind !== 'image' && source.kind !== 'values' && shape.slice(1).includes(null);
  });
}

function makeFeeds(request: EvaluateRequest, noneSize: number, files: ReadonlyMap<string, WeightFile>): tf.Tensor[] {
  const feeds: tf.Tensor[] = [];
  try {
    request.inputShapes.forEach((shape, i) => {
      const source = request.inputSources?.[i] ?? request.input.source;
      const dtype = request.inputDtypes[i] ?? 'float32';
      if (source.kind === 'variable') {
        feeds.push(variableValues(source, shape as number[], dtype, variableFile(source, request.weights, files), request.seed));
        return;
      }
      const sizes = { batchSize: request.input.batchSize, noneSize };
      const range = request.inputIntRanges?.[i] ?? undefined;
      feeds.push(makeInput(source, shape, sizes, request.inputDtypes[i] ?? 'float32', request.seed, i, range));
    });
    return feeds;
  } catch (error) {
    tf.dispose(feeds);
    throw error;
  }
}

/** The first layer output with a dimension below 1, in words, or undefined when there is none. */
function emptyOutput(model: tf.LayersModel, names: LayerNames): string | undefined {
  for (const layer of model.layers) {
    for (const node of layer.inboundNodes) {
      for (const output of node.outputTensors) {
        if (output.shape.some((d) => d !== null && !(d >= 1)))
          return `${names.keras(layer.name)} (${layer.getClassName()}) would output shape ${formatShape(output.shape)}, and a dimension below 1 cannot be computed`;
      }
    }
  }
  return undefined;
}

/** The error with the user's layer names in its message. */
function renamed(error: unknown, names: LayerNames): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const message = names.restore(error.message);
  if (message === error.message) return error;
  const copy = error instanceof EvaluationError ? new EvaluationError(message) : new Error(message);
  copy.name = error.name;
  return copy;
}

function describeSource(source: InputSource, kerasDtype: string, range: number, seed: number): string {
  const dtype = tfjsDtype(kerasDtype);
  const evaluatedAs = typeof dtype === 'string' && dtype !== kerasDtype ? ` as ${dtype} (TensorFlow.js has no ${kerasDtype})` : '';
  switch (source.kind) {
    case 'uniform':
      if (dtype === 'int32') return `uniform integers in [0, ${range})${evaluatedAs}, seed ${seed}`;
      return dtype === 'bool' ? `random booleans, seed ${seed}` : `uniform [0, 1), seed ${seed}`;
    case 'normal':
      if (dtype === 'int32') return `integers |round(normal (0, 1))| below ${range}${evaluatedAs}, seed ${seed}`;
      return dtype === 'bool' ? `normal (0, 1) > 0, seed ${seed}` : `normal (0, 1), seed ${seed}`;
    case 'zeros':
    case 'ones':
      return `${source.kind}${evaluatedAs}`;
    case 'npy':
    case 'image':
      return `${source.path}${evaluatedAs}`;
    case 'values':
      return `the numbers written in the file${evaluatedAs}`;
    case 'operation':
      return 'computed by its keras.ops call';
  }
}

function describeInputs(request: EvaluateRequest, feeds: readonly tf.Tensor[], noneSize: number | undefined): string {
  // The weights of subclassed layers are fed as inputs too; the weights description covers them.
  const parts = feeds.flatMap((feed, i) => {
    const source = request.inputSources?.[i] ?? request.input.source;
    if (source.kind === 'variable') return [];
    const range = request.inputIntRanges?.[i] ?? defaultIntRange;
    return [`(${feed.shape.join(', ')}) ${describeSource(source, request.inputDtypes[i] ?? 'float32', range, request.seed)}`];
  });
  if (noneSize === undefined) return parts.join('; ');
  // A size from data is fed at the size chosen for None: say so by its name, and how to give the real one.
  const named = [
    ...new Set([...(request.inputSizeNames?.flat().filter((n): n is string => n !== null) ?? []), ...(request.configSizeNames ?? [])]),
  ];
  const sizes =
    named.length === 0
      ? ''
      : ` (${named.join(', ')} too: ${named.length === 1 ? 'a size' : 'sizes'} from data, which a \`# tensor-lens:\` comment pins)`;
  return `${parts.join('; ')}, None → ${noneSize}${sizes}`;
}

/**
 * Runs the model node by node with each node's own call keywords (`return_attention_scores`, `reverse`) and the masks
 * of its own inputs. `LayersModel.call` hands every layer the same keywords, and lets a mask made by one layer reach
 * later layers whose inputs have none. The graph records a node's mask in its keywords when it runs: cleared first, so
 * that no run sees the mask of an earlier one. Each tensor between is freed once read (intermediate-tensors.ts).
 */
export function runGraph(model: tf.LayersModel, feeds: tf.Tensor[]): tf.Tensor[] {
  for (const layer of model.layers) for (const node of layer.inboundNodes) if (node.callArgs) delete node.callArgs['mask'];
  const graph = model as unknown as { runInternalGraph(inputs: tf.Tensor[]): [tf.Tensor[], unknown, unknown] };
  return releasingIntermediates(model, feeds, () => graph.runInternalGraph(feeds)[0]);
}
