// Reads the per-layer-class references that test/conformance/generate-layers.py
// recorded mechanically from the pinned Keras (test/conformance/reference-layers/),
// renders each case as the Python source a user would write, and says what
// Tensor Lens makes of it: output shapes, parameter count, dtypes, diagnostics,
// and the values it computes with Keras's weights and input.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { apiEntry } from '../../src/analysis/keras/registry.js';
import type { Evaluator } from '../../src/engine/evaluator.js';
import { readNpy } from '../../src/engine/inputs/npy.js';
import { buildRequest } from '../../src/engine/plan.js';
import type { ModelGraph } from '../../src/graph/ir.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { buildReport } from '../../src/graph/report.js';
import type { JsonDim, ReportDiagnostic } from '../../src/protocol/report.js';

/**
 * Where generate-layers.py writes (not under reference/: generate.py and reference.ts read every folder there as a
 * fixture). TENSOR_LENS_LAYER_REFERENCE points elsewhere, e.g. at a folder just regenerated with `--out`.
 */
export const layerReferenceRoot = process.env['TENSOR_LENS_LAYER_REFERENCE'] ?? join(import.meta.dirname, 'reference-layers');

/** Value tolerances of the exact tier. */
export const valueRtol = 1e-5;
export const valueAtol = 1e-6;

/** A constructor argument as case.json writes it: JSON, with tuples, layers, dicts and Python source tagged. */
export type CaseValue =
  | null
  | boolean
  | number
  | string
  | CaseValue[]
  | { readonly tuple: CaseValue[] }
  | { readonly layer: { readonly class: string; readonly kwargs: { readonly [key: string]: CaseValue } } }
  | { readonly dict: { readonly [key: string]: CaseValue } }
  | { readonly python: string };

export type KerasShape = (number | null)[];

export interface LayerCase {
  readonly id: string;
  readonly class: string;
  readonly aliases: readonly string[];
  /** base: the required arguments only; variant: one argument changed (`variant`); rejected: Keras raised (`error`). */
  readonly kind: 'base' | 'variant' | 'rejected';
  readonly variant: { readonly parameter: string; readonly value: CaseValue } | null;
  readonly kwargs: { readonly [key: string]: CaseValue };
  /** single: layer(x); list: layer([a, b]); query_value: layer(query, value). */
  readonly call: 'single' | 'list' | 'query_value';
  /** Which candidate of generate-layers.py's input pool Keras accepted. */
  readonly candidate: string;
  /** Input shapes with the batch (2) and dtypes. */
  readonly inputs: readonly { readonly shape: readonly number[]; readonly dtype: string }[];
  /** The source generate-layers.py ran. */
  readonly source: string;
  readonly outputIsList?: boolean;
  /** Symbolic shape (None batch), dtype and the shape of the eager call on the fixed input. */
  readonly outputs?: readonly { readonly shape: KerasShape; readonly dtype: string; readonly eagerShape?: readonly number[] }[];
  readonly params?: number;
  readonly trainableParams?: number;
  readonly nonTrainableParams?: number;
  /** The layer made with trainable=False, in a model: what the model still trains; null where Keras cannot make it so. */
  readonly frozenTrainableParams?: number | null;
  readonly values?: { readonly inputs: readonly string[]; readonly outputs: readonly string[]; readonly weights: string | null } | null;
  readonly valuesReason?: string;
  readonly error?: { readonly stage: 'construct' | 'call' | 'eager'; readonly type: string; readonly message: string };
}

export interface LayerClassEntry {
  readonly class: string;
  readonly aliases: readonly string[];
  readonly pythonClass: string;
  /** ok: it has cases; no-case: Keras accepted nothing generate-layers.py tried; not-constructible: see `reason`. */
  readonly status: 'ok' | 'no-case' | 'not-constructible';
  readonly reason?: string;
  readonly note?: string;
  readonly cases: readonly string[];
  readonly rejected: readonly string[];
}

export interface LayerIndex {
  readonly keras: string;
  readonly backend: string;
  /** How many names of keras.layers are layer classes (aliases counted). */
  readonly names: number;
  readonly classes: readonly LayerClassEntry[];
}

export function layerIndex(): LayerIndex {
  return JSON.parse(readFileSync(join(layerReferenceRoot, 'index.json'), 'utf8')) as LayerIndex;
}

export function caseDir(id: string): string {
  return join(layerReferenceRoot, id);
}

export function readCase(id: string): LayerCase {
  return JSON.parse(readFileSync(join(caseDir(id), 'case.json'), 'utf8')) as LayerCase;
}

/** Every class with its cases (accepted ones) and rejected cases, read once. */
export function allLayerCases(): { entry: LayerClassEntry; cases: LayerCase[]; rejected: LayerCase[] }[] {
  return layerIndex().classes.map((entry) => ({ entry, cases: entry.cases.map(readCase), rejected: entry.rejected.map(readCase) }));
}

/**
 * Tensor Lens claims to model a class when the registry has a shape rule for it. By API path, so that a name of
 * keras.layers that is not the class's serialized name (GroupQueryAttention, serialized GroupedQueryAttention) is found.
 */
export function isModelled(className: string): boolean {
  const entry = apiEntry(`keras.layers.${className}`);
  return entry?.kind === 'layer' && entry.rule !== undefined;
}

// --- The Python source -------------------------------------------------------------------------------------------

/** A Python literal, as generate-layers.py's `py` renders the same value (keep the two in step). */
export function pythonLiteral(value: CaseValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if ('tuple' in value) return `(${value.tuple.map(pythonLiteral).join(', ')}${value.tuple.length === 1 ? ',' : ''})`;
  if ('layer' in value) return `keras.layers.${value.layer.class}(${kwargsSource(value.layer.kwargs)})`;
  if ('python' in value) return value.python;
  return `{${Object.entries(value.dict)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`)
    .join(', ')}}`;
}

function kwargsSource(kwargs: { readonly [key: string]: CaseValue }): string {
  return Object.entries(kwargs)
    .map(([k, v]) => `${k}=${pythonLiteral(v)}`)
    .join(', ');
}

/** The file a user would write for the case: keras.Input(s) without the batch, the layer called on them, a functional model. */
export function caseSource(c: Pick<LayerCase, 'class' | 'kwargs' | 'call' | 'inputs'>): string {
  const input = ({ shape, dtype }: { shape: readonly number[]; dtype: string }): string =>
    `keras.Input(shape=${pythonLiteral({ tuple: shape.slice(1) })}${dtype === 'float32' ? '' : `, dtype=${JSON.stringify(dtype)}`})`;
  const layer = `keras.layers.${c.class}(${kwargsSource(c.kwargs)})`;
  let lines: string[];
  if (c.call === 'single') {
    lines = [`inputs = ${input(c.inputs[0]!)}`, `outputs = ${layer}(inputs)`, 'model = keras.Model(inputs, outputs)'];
  } else {
    const names = c.inputs.map((_, i) => `input_${i}`);
    const args = c.call === 'list' ? `[${names.join(', ')}]` : names.join(', ');
    lines = [
      ...c.inputs.map((spec, i) => `${names[i]} = ${input(spec)}`),
      `outputs = ${layer}(${args})`,
      `model = keras.Model([${names.join(', ')}], outputs)`,
    ];
  }
  return `import keras\n\n${lines.join('\n')}\n`;
}

// --- What Tensor Lens says ---------------------------------------------------------------------------------------

export interface OurCase {
  readonly graph: ModelGraph;
  /** One shape per output, or null where the output is not known. */
  readonly shapes: JsonDim[][] | null;
  readonly params: number | null;
  /** Of `params`, the non-trainable weights; null where not known. */
  readonly nonTrainableParams: number | null;
  /** The same source with `trainable=False` given to the layer: the weights its model still counts trainable; null where not known. */
  readonly frozenTrainableParams: number | null;
  readonly dtypes: (string | null)[] | null;
  /** Errors and warnings (information, e.g. "not supported yet", is left out). */
  readonly problems: ReportDiagnostic[];
  /** The graph tensors of the model's outputs, when a model was built. */
  readonly outputTensors: readonly number[] | null;
  readonly inputTensors: readonly number[] | null;
}

export function analyzeCase(analyzer: Analyzer, c: LayerCase): OurCase {
  const graph = analyzer.analyze(caseSource(c));
  const report = buildReport(`${c.id}.py`, graph);
  const problems = report.diagnostics.filter((d) => d.severity !== 'information');
  const modelIndex = report.models.length - 1;
  const model = modelIndex >= 0 ? graph.layers[graph.models[modelIndex]!]!.model : undefined;
  const rows = modelIndex >= 0 ? report.models[modelIndex]!.layers : [];
  const row = rows.filter((r) => r.class === c.class).at(-1) ?? rows.filter((r) => r.class !== 'InputLayer').at(-1);
  let shapes: JsonDim[][] | null = null;
  if (row?.outputShape) {
    const shape = row.outputShape;
    shapes = shape.length > 0 && shape.every((d) => Array.isArray(d)) ? (shape as JsonDim[][]) : [shape as JsonDim[]];
    // One output given as a list (return_state with one state is still two): Keras's list of one.
    if (c.outputIsList && c.outputs?.length === 1 && !shape.every((d) => Array.isArray(d))) shapes = [shape as JsonDim[]];
  } else if (!model) {
    const tensor = report.tensors.find((t) => t.name === 'outputs');
    shapes = tensor?.kind === 'tensor' && tensor.shape ? [tensor.shape] : null;
  }
  const dtypes = model ? model.outputs.map((t) => graph.tensors[t]?.dtype ?? null) : null;
  const frozen = analyzer.analyze(caseSource({ ...c, kwargs: { ...c.kwargs, trainable: false } }));
  const frozenModel = frozen.models.length > 0 ? frozen.layers[frozen.models.at(-1)!]! : undefined;
  const frozenTrainableParams =
    !frozenModel || frozenModel.params === null || frozenModel.nonTrainableParams === null
      ? null
      : frozenModel.params - frozenModel.nonTrainableParams;
  return {
    graph,
    shapes,
    params: row?.params ?? null,
    nonTrainableParams: row?.nonTrainableParams ?? null,
    frozenTrainableParams,
    dtypes,
    problems,
    outputTensors: model ? model.outputs : null,
    inputTensors: model ? model.inputs : null,
  };
}

const known = (d: JsonDim): d is number => typeof d === 'number';

/** Where a known value of ours differs from Keras's (the never-wrong tier): unknown shapes, dims and counts are fine. */
export function wrongValues(c: LayerCase, ours: OurCase): string[] {
  const problems = ours.problems.map((d) => `${d.severity} diagnostic at line ${d.line}: ${d.message}`);
  const keras = c.outputs!.map((o) => o.shape);
  if (ours.shapes !== null) {
    if (ours.shapes.length !== keras.length) problems.push(`${ours.shapes.length} outputs where Keras has ${keras.length}`);
    else
      ours.shapes.forEach((shape, i) => {
        const k = keras[i]!;
        // A size must be Keras's size; a None (null) of ours where Keras has a size, or a data-dependent size, is unknown.
        const wrong = shape.length !== k.length || shape.some((d, j) => known(d) && d !== k[j]);
        if (wrong) problems.push(`output ${i}: shape ${fmt(shape)} where Keras has ${fmt(k)}`);
      });
  }
  if (ours.params !== null && ours.params !== c.params) problems.push(`${ours.params} params where Keras has ${c.params}`);
  if (ours.nonTrainableParams !== null && ours.nonTrainableParams !== c.nonTrainableParams) {
    problems.push(`${ours.nonTrainableParams} non-trainable params where Keras has ${c.nonTrainableParams}`);
  }
  const frozen = c.frozenTrainableParams;
  if (typeof frozen === 'number' && ours.frozenTrainableParams !== null && ours.frozenTrainableParams !== frozen) {
    problems.push(`made with trainable=False, ${ours.frozenTrainableParams} params a model trains where Keras has ${frozen}`);
  }
  return problems;
}

/** Where ours is not exactly Keras's (the exact tier, shapes and params): unknown counts as a difference. */
export function inexactValues(c: LayerCase, ours: OurCase): string[] {
  const keras = c.outputs!.map((o) => o.shape);
  const problems: string[] = [];
  if (JSON.stringify(ours.shapes) !== JSON.stringify(keras))
    problems.push(
      `shape ${ours.shapes === null ? 'unknown' : ours.shapes.map(fmt).join(', ')} where Keras has ${keras.map(fmt).join(', ')}`,
    );
  if (ours.params !== c.params) problems.push(`${ours.params === null ? 'unknown' : ours.params} params where Keras has ${c.params}`);
  // A count unknown is already a difference of `params`.
  if (ours.params !== null && ours.nonTrainableParams !== c.nonTrainableParams) {
    problems.push(
      `${ours.nonTrainableParams === null ? 'unknown' : ours.nonTrainableParams} non-trainable params where Keras has ${c.nonTrainableParams}`,
    );
  }
  const frozen = c.frozenTrainableParams;
  if (ours.params !== null && typeof frozen === 'number' && ours.frozenTrainableParams !== frozen) {
    const found = ours.frozenTrainableParams === null ? 'unknown' : ours.frozenTrainableParams;
    problems.push(`made with trainable=False, ${found} params a model trains where Keras has ${frozen}`);
  }
  return problems;
}

/** Output dtypes that differ from Keras's (reported, not asserted). */
export function dtypeDifferences(c: LayerCase, ours: OurCase): string[] {
  if (ours.dtypes === null) return [];
  return c.outputs!.flatMap((o, i) =>
    ours.dtypes![i] !== undefined && ours.dtypes![i] !== null && ours.dtypes![i] !== o.dtype
      ? [`output ${i}: dtype ${ours.dtypes![i]} where Keras has ${o.dtype}`]
      : [],
  );
}

export function fmt(shape: readonly (JsonDim | undefined)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

// --- Values ------------------------------------------------------------------------------------------------------

export interface ValueComparison {
  /** Why there was nothing to compare, or the evaluation failed. */
  readonly failure?: string;
  /** The first output and element outside the tolerance. */
  readonly mismatch?: { readonly output: number; readonly index: number; readonly ours: number; readonly keras: number };
  readonly shapes?: { readonly ours: readonly (readonly number[])[]; readonly keras: readonly (readonly number[])[] };
}

/** Evaluates the case's model with Keras's weights and input and compares every output with Keras's. */
export async function compareCaseValues(evaluator: Evaluator, c: LayerCase, ours: OurCase): Promise<ValueComparison> {
  if (!c.values) return { failure: `no values recorded: ${c.valuesReason}` };
  if (!ours.outputTensors || !ours.inputTensors) return { failure: 'Tensor Lens built no model' };
  const dir = caseDir(c.id);
  const weights = c.values.weights ? { kind: 'file' as const, path: join(dir, c.values.weights) } : { kind: 'initializers' as const };
  try {
    const request = buildRequest(ours.graph, ours.outputTensors, [], {
      input: { source: { kind: 'zeros' }, batchSize: c.inputs[0]!.shape[0]! },
      weights,
      seed: 0,
      memoryBudgetBytes: 2 ** 31,
    });
    const inputSources = exportSubgraph(ours.graph, ours.outputTensors).inputs.map((t) => ({
      kind: 'npy' as const,
      path: join(dir, c.values!.inputs[ours.inputTensors!.indexOf(t)]!),
    }));
    const result = await evaluator.evaluate({ ...request, inputSources, withValues: true });
    const keras = c.values.outputs.map((file) => readNpy(readFileSync(join(dir, file))));
    const shapes = { ours: result.outputs.map((o) => o.shape), keras: keras.map((k) => k.shape) };
    if (JSON.stringify(shapes.ours) !== JSON.stringify(shapes.keras)) return { shapes, failure: 'evaluated shapes differ' };
    for (const [j, output] of result.outputs.entries()) {
      const expected = keras[j]!.data;
      const values = output.values!;
      const index = values.findIndex((v, i) => !(Math.abs(v - expected[i]!) <= valueAtol + valueRtol * Math.abs(expected[i]!)));
      if (index >= 0) return { shapes, mismatch: { output: j, index, ours: values[index]!, keras: expected[index]! } };
    }
    return { shapes };
  } catch (error) {
    // The first line: TensorFlow.js follows "Unknown layer: X." with a paragraph of advice.
    // Paths relative to the case's folder, so the text is the same on every machine.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replaceAll(`${dir}/`, '');
    return { failure: `evaluation failed: ${message}` };
  }
}

export function describeValues(v: ValueComparison): string | undefined {
  if (v.failure)
    return v.failure + (v.shapes ? `: ${v.shapes.ours.map(fmt).join(', ')} where Keras has ${v.shapes.keras.map(fmt).join(', ')}` : '');
  if (v.mismatch) return `output ${v.mismatch.output}, element ${v.mismatch.index}: ${v.mismatch.ours} where Keras has ${v.mismatch.keras}`;
  return undefined;
}

export function hasLayerReferences(): boolean {
  return existsSync(join(layerReferenceRoot, 'index.json'));
}
