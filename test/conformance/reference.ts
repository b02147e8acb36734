// Reads the references that test/conformance/generate.py recorded with real
// Keras, and what Tensor Lens says about the same files, side by side.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import type { Analyzer } from '../../src/analysis/analyze.js';
import type { Evaluator } from '../../src/engine/evaluator.js';
import { readNpy } from '../../src/engine/inputs/npy.js';
import { buildRequest, type EvaluationSettings } from '../../src/engine/plan.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import type { ModelGraph } from '../../src/graph/ir.js';
import { buildReport } from '../../src/graph/report.js';
import type { JsonDim } from '../../src/protocol/report.js';

export const referenceRoot = join(import.meta.dirname, 'reference');
export const repoRoot = join(import.meta.dirname, '..', '..');

export interface KerasLayer {
  readonly name: string;
  readonly class: string;
  readonly outputShape: JsonDim[] | JsonDim[][] | null;
  readonly params: number;
  /** `layer.non_trainable_weights`, counted. */
  readonly nonTrainableParams: number;
}

export interface KerasModel {
  readonly name: string;
  readonly class: string;
  readonly layers: KerasLayer[];
  readonly totalParams: number;
  /** What summary() prints as "Trainable params" and "Non-trainable params". */
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
}

export interface Reference {
  readonly id: string;
  readonly dir: string;
  readonly file: string;
  readonly keras: string;
  readonly backend: string;
  /** Recorded with tf_keras (tf.keras 2): its auto-names differ from Keras 3's, which Tensor Lens follows. */
  readonly legacy: boolean;
  readonly models: KerasModel[];
  readonly evaluated?: { readonly model: string; readonly inputs: number; readonly outputs: number };
}

export interface KerasLayerCase {
  readonly layer: string;
  readonly inputs: (number | null)[][];
  readonly output: (number | null)[] | (number | null)[][];
  readonly params: number;
  readonly nonTrainableParams: number;
  /** Made with trainable=False, in a model: what the model still counts trainable; null where Keras cannot remake the layer so. */
  readonly frozenTrainableParams: number | null;
}

/** Keras's output shape and parameter count for each case of test/unit/layer-table.ts, in its order. */
export function layerTableReference(): KerasLayerCase[] {
  return (JSON.parse(readFileSync(join(referenceRoot, 'layer-table.json'), 'utf8')) as { cases: KerasLayerCase[] }).cases;
}

export function references(): Reference[] {
  return readdirSync(referenceRoot)
    .filter((id) => !id.endsWith('.json'))
    .sort()
    .map((id) => {
      const dir = join(referenceRoot, id);
      return { id, dir, ...(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Omit<Reference, 'id' | 'dir'>) };
    });
}

export function analyzeReference(analyzer: Analyzer, reference: Reference): ModelGraph {
  const file = join(repoRoot, reference.file);
  // As `python FILE` runs it: the modules it imports are found from its folder.
  return analyzer.analyze(readFileSync(file, 'utf8'), undefined, { file, searchRoots: [], sources: diskSources() });
}

/** Where in `graph.models` Tensor Lens has the model Keras recorded: by name, or for legacy files (other auto-names) by position; -1 if nowhere. */
function ourModelIndex(graph: ModelGraph, reference: Reference, index: number): number {
  if (reference.legacy) return index < graph.models.length ? index : -1;
  return graph.models.findIndex((id) => graph.layers[id]!.name === reference.models[index]!.name);
}

/**
 * Our rows (from the report the CLI prints as JSON) and Keras's for one model, ready to compare. Keras has no output
 * shape for the layers of a subclassed model (their `output` is undefined; its summary prints "?"): those cells are
 * left out. tf_keras (the legacy spelling) names layers its own way: names are left out for its files.
 */
export function comparableRows(
  graph: ModelGraph,
  reference: Reference,
  index: number,
):
  | {
      ours: KerasLayer[];
      keras: KerasLayer[];
      totals: [number | null, number];
      /** [trainable, non-trainable], ours and Keras's. */
      split: [[number | null, number | null], [number, number]];
    }
  | undefined {
  const model = reference.models[index]!;
  const at = ourModelIndex(graph, reference, index);
  if (at < 0) return undefined;
  const found = buildReport(reference.file, graph).models[at]!;
  const comparable = (layers: KerasLayer[]): KerasLayer[] => (reference.legacy ? layers.map((l) => ({ ...l, name: '' })) : layers);
  // Keras's `model.layers` (what the reference records) leaves out the op nodes its summary() lists (`sigmoid (Sigmoid)`).
  const own = graph.layers[graph.models[at]!]!.model!.layers.map((id) => graph.layers[id]!);
  const operations = new Set(own.filter((l) => l.operation !== undefined).map((l) => l.name));
  const ours = found.layers
    .filter((l) => !operations.has(l.name))
    .map(({ name, class: className, outputShape, params, nonTrainableParams }, i) => ({
      name,
      class: className,
      outputShape: model.layers[i]?.outputShape === null ? null : outputShape,
      params: params ?? -1,
      nonTrainableParams: nonTrainableParams ?? -1,
    }));
  return {
    ours: comparable(ours),
    keras: comparable(model.layers),
    totals: [found.totalParams, model.totalParams],
    split: [
      [found.trainableParams, found.nonTrainableParams],
      [model.trainableParams, model.nonTrainableParams],
    ],
  };
}

/** Tolerances of the value comparison. */
export const rtol = 1e-4;
export const atol = 1e-5;

export interface OutputComparison {
  readonly output: number;
  readonly shape: { readonly ours: readonly number[]; readonly keras: readonly number[] };
  /** The first element outside the tolerance, if any. */
  readonly mismatch?: { readonly index: number; readonly ours: number; readonly keras: number };
}

/**
 * Each output of the reference's evaluated model, evaluated on the inputs Keras was fed, against Keras's outputs. The weights: the fixture's saved weights
 * as the document's file by default; the initializers when the analysed code loads them itself (a saved model's own).
 */
export async function compareOutputs(
  evaluator: Evaluator,
  graph: ModelGraph,
  reference: Reference,
  weights: EvaluationSettings['weights'] = { kind: 'file', path: join(reference.dir, 'model.weights.h5') },
): Promise<OutputComparison[]> {
  const index = reference.models.findIndex((m) => m.name === reference.evaluated!.model);
  const model = graph.layers[graph.models[ourModelIndex(graph, reference, index)]!]!.model!;
  // An unbuilt Sequential's outputs are its input: compared with Keras's outputs, that would read as a wrong value.
  assert.ok(model.built, `${reference.file}: Tensor Lens did not build ${reference.evaluated!.model}`);
  const comparisons: OutputComparison[] = [];
  for (const [j, output] of model.outputs.entries()) {
    const request = buildRequest(graph, [output], [], {
      input: { source: { kind: 'zeros' }, batchSize: 2 },
      weights,
      seed: 0,
      memoryBudgetBytes: 2 ** 31,
    });
    // Each input of the model gets the array Keras was fed; the sub-graph's other inputs (add_weight variables) keep theirs.
    const inputSources = exportSubgraph(graph, [output]).inputs.map((t, i) =>
      model.inputs.includes(t)
        ? { kind: 'npy' as const, path: join(reference.dir, `input_${model.inputs.indexOf(t)}.npy`) }
        : (request.inputSources?.[i] ?? null),
    );
    const result = await evaluator.evaluate({ ...request, inputSources, withValues: true });
    const keras = readNpy(readFileSync(join(reference.dir, `output_${j}.npy`)));
    const ours = result.outputs[0]!;
    const index = ours.values!.findIndex((value, i) => !(Math.abs(value - keras.data[i]!) <= atol + rtol * Math.abs(keras.data[i]!)));
    comparisons.push({
      output: j,
      shape: { ours: ours.shape, keras: keras.shape },
      ...(index >= 0 && { mismatch: { index, ours: ours.values![index]!, keras: keras.data[index]! } }),
    });
  }
  return comparisons;
}
