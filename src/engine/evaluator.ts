// Evaluates sub-graphs with TensorFlow.js: builds the Keras functional JSON
// into a model, gives it seeded Keras-default weights or a weights file's, feeds
// sample input, and returns summaries. Runs inside the worker process.

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { formatBytes } from '../graph/memory.js';
import {
  maxFullValues,
  type BackendInfo,
  type BackendPreference,
  type EvaluateRequest,
  type EvaluateResult,
  type InputSource,
} from '../protocol/engine.js';
import { selectBackend } from './backend.js';
import { registerKerasLayers } from './layers/index.js';
import { registerOperationLayer } from './operation-layer.js';
import { concreteShape, makeInput } from './sample-input.js';
import { seedInitializers } from './seeds.js';
import { summarize } from './summarize.js';
import { matchWeights, readWeightFile } from './weights/read-weights.js';

/** A refusal or failure the user should read as is. */
export class EvaluationError extends Error {}

const cacheSize = 64;

export class Evaluator {
  private readonly cache = new Map<string, EvaluateResult>();

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
    if (request.estimatedBytes > request.memoryBudgetBytes) {
      throw new EvaluationError(
        `Not evaluated: it would need about ${formatBytes(request.estimatedBytes)} for weights and activations, more than the memory budget of ${formatBytes(request.memoryBudgetBytes)}.`,
      );
    }
    const started = performance.now();
    const model = await tf.models.modelFromJSON({ modelTopology: seedInitializers(request.topology, request.seed) } as tf.io.ModelJSON);
    const feeds: tf.Tensor[] = [];
    let outputs: tf.Tensor[] = [];
    try {
      if (request.weights.kind === 'file') await this.loadWeights(model, request.weights.path);
      request.inputShapes.forEach((shape, i) => {
        const source = request.inputSources?.[i] ?? request.input.source;
        feeds.push(
          makeInput(
            source,
            concreteShape(shape, request.input.batchSize),
            request.inputDtypes[i] ?? 'float32',
            request.seed,
            i,
            request.inputIntRanges?.[i] ?? undefined,
          ),
        );
      });
      const predicted = model.predict(feeds.length === 1 ? feeds[0]! : feeds);
      outputs = Array.isArray(predicted) ? predicted : [predicted];
      const summaries = [];
      for (const output of outputs) {
        const data = (await output.data()) as Float32Array | Int32Array;
        const summary = summarize(data, output.shape, output.dtype, request.batchItem);
        if (request.withValues && data.length > maxFullValues)
          throw new EvaluationError(`Not returned: ${data.length} values, more than the ${maxFullValues} an evaluation returns in full.`);
        summaries.push(request.withValues ? { ...summary, values: Array.from(data) } : summary);
      }
      const result: EvaluateResult = {
        outputs: summaries,
        backend: this.backend,
        inputDescription: describeInputs(request),
        weightsDescription:
          request.weights.kind === 'file' ? `weights from ${request.weights.path}` : `Keras default initializers, seed ${request.seed}`,
        milliseconds: performance.now() - started,
        cached: false,
      };
      this.remember(key, result);
      return result;
    } finally {
      tf.dispose(outputs);
      tf.dispose(feeds);
      model.dispose();
    }
  }

  private async loadWeights(model: tf.LayersModel, path: string): Promise<void> {
    const file = await readWeightFile(path);
    const expected = new Map<string, { name: string; shape: number[] }[]>();
    for (const layer of model.layers) {
      if (layer.weights.length > 0)
        expected.set(
          layer.name,
          layer.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] })),
        );
    }
    const matched = matchWeights(file, expected);
    for (const layer of model.layers) {
      const values = matched.get(layer.name);
      if (!values) continue;
      const tensors = values.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[]));
      layer.setWeights(tensors);
      tf.dispose(tensors);
    }
  }

  private remember(key: string, result: EvaluateResult): void {
    this.cache.set(key, result);
    if (this.cache.size > cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

function cacheKey(request: EvaluateRequest): string {
  const { topology, inputShapes, inputDtypes, inputSources, input, weights, seed, batchItem, withValues } = request;
  // Files are keyed by their size and modification time too: retraining into the same path is a new result.
  const paths = [weights.kind === 'file' ? weights.path : undefined, ...[input.source, ...(inputSources ?? [])].map(pathOf)];
  const files = paths.filter((p): p is string => p !== undefined).map((p) => [p, fileStamp(p)]);
  return createHash('sha256')
    .update(JSON.stringify({ topology, inputShapes, inputDtypes, inputSources, input, weights, seed, batchItem, withValues, files }))
    .digest('hex');
}

function pathOf(source: InputSource | null): string | undefined {
  return source && (source.kind === 'npy' || source.kind === 'image') ? source.path : undefined;
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function describeSource(source: InputSource, seed: number): string {
  switch (source.kind) {
    case 'uniform':
      return `uniform [0, 1), seed ${seed}`;
    case 'normal':
      return `normal (0, 1), seed ${seed}`;
    case 'zeros':
    case 'ones':
      return source.kind;
    case 'npy':
    case 'image':
      return source.path;
  }
}

function describeInputs(request: EvaluateRequest): string {
  const parts = request.inputShapes.map((shape, i) => {
    const source = request.inputSources?.[i] ?? request.input.source;
    return `(${concreteShape(shape, request.input.batchSize).join(', ')}) ${describeSource(source, request.seed)}`;
  });
  return parts.join('; ');
}
