// Keras's own layer tests as Tensor Lens fixtures. test/conformance/mine-keras-layer-tests.py
// recorded every call of `run_layer_test` in keras/src/layers/**/*_test.py of the pinned Keras
// (reference/keras-layer-tests.json); here each case becomes, mechanically, the Python a user
// would write (Inputs of the test's batch shapes, the layer with the test's arguments, called
// with its call arguments, a functional model), which the analysis reads. What Keras computes
// for the same symbolic call is the referee.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { layerEntry } from '../../src/analysis/keras/registry.js';
import type { ModelGraph } from '../../src/graph/ir.js';
import { formatShape, shapeToJson } from '../../src/graph/shape.js';
import type { JsonDim } from '../../src/protocol/report.js';

export const minedReferencePath = join(import.meta.dirname, 'reference', 'keras-layer-tests.json');

/** A recorded Python value: JSON, with tags where JSON has no equivalent (see keras_layer_tests_recorder.py `encode`). */
export type Encoded =
  | null
  | boolean
  | number
  | string
  | Encoded[]
  | { readonly $tuple: Encoded[] }
  | { readonly $dict: { readonly [key: string]: Encoded } }
  | { readonly $float: string }
  | { readonly $dtype: string }
  | { readonly $array: { readonly dtype: string; readonly shape: number[]; readonly data: Encoded } }
  | { readonly $call: string; readonly args: Encoded[]; readonly kwargs: { readonly [key: string]: Encoded } }
  | { readonly $ref: string };

export interface TensorSpec {
  readonly name?: string;
  readonly shape: (number | null)[];
  readonly dtype?: string | null;
  readonly sparse?: boolean;
  readonly ragged?: boolean;
}

export interface TensorStructure {
  readonly structure: 'single' | 'list' | 'tuple' | 'dict';
  readonly tensors: TensorSpec[];
}

export interface KerasSymbolicCall extends TensorStructure {
  readonly num_trainable_weights: number;
  readonly num_non_trainable_weights: number;
  readonly params?: number;
}

export interface MinedCase {
  /** A call of run_layer_test (absent), or a layer call whose output shape the test asserts with assertEqual. */
  readonly origin?: 'assertEqual';
  readonly file: string;
  readonly test: string;
  /** Index of the call of run_layer_test within the test. */
  readonly call: number;
  readonly class: { readonly module: string; readonly qualname: string; readonly public: string | null };
  /** null for an argument that could not be recorded (then `skip` says why). */
  readonly init_kwargs: { readonly [key: string]: Encoded };
  readonly call_kwargs?: { readonly [key: string]: Encoded };
  readonly input: (TensorStructure & { readonly from: 'input_shape' | 'input_data' | 'layer_call' }) | null;
  /** For a shape assertion: which output of the call the test asserts, and its shape. */
  readonly asserted?: { readonly output: number; readonly shape: (number | null)[] };
  /** What the test asserts; what it left at run_layer_test's default is absent. */
  readonly expected: {
    readonly output_shape?: TensorStructure | { readonly unrecognized: string } | null;
    readonly output_dtype?: Encoded;
    readonly output_sparse?: boolean;
    readonly output_ragged?: boolean;
    readonly output_given?: boolean;
    readonly output?: TensorStructure | null;
    readonly num_trainable_weights?: number;
    readonly num_non_trainable_weights?: number;
    readonly num_non_trainable_variables?: number;
    readonly num_seed_generators?: number;
    readonly num_losses?: number;
    readonly mask_shape?: Encoded;
  };

  readonly supports_masking?: boolean;
  /** Absent: run_layer_test's default (true). */
  readonly run_training_check?: boolean;
  readonly run_mixed_precision_check?: boolean;
  readonly assert_built_after_instantiation?: boolean;
  readonly custom_objects?: string[];
  /** What Keras computes for the test's symbolic call, or its error. */
  readonly keras?: KerasSymbolicCall | { readonly error: string };
  /** Why the case cannot be written as Python source mechanically. */
  readonly skip?: string[];
  /** The test's outcome with run_layer_test recorded, not run (a test that expects it to raise fails). */
  readonly test_outcome?: { readonly outcome: string; readonly reason: string | null };
}

export interface MinedFile {
  readonly file: string;
  readonly tests_run: number;
  readonly tests_run_for_shape_assertions: number;
  readonly tests_deselected: number;
  readonly cases: number;
  readonly skipped_cases: number;
  readonly shape_assertions: number;
  readonly collect_error?: string;
}

export interface MinedDocument {
  readonly keras: string;
  readonly backend: string;
  readonly shims: string[];
  readonly files: MinedFile[];
  readonly cases: MinedCase[];
  readonly tests_without_cases: { file: string; test: string; outcome: string; reason: string | null }[];
  /** The second source: layer calls whose output shape a test asserts, replayed symbolically by Keras (`keras`). */
  readonly shape_assertions: MinedCase[];
}

export function minedReference(): MinedDocument {
  return JSON.parse(readFileSync(minedReferencePath, 'utf8')) as MinedDocument;
}

export function caseId(c: MinedCase): string {
  return c.origin === 'assertEqual' ? `${c.test}@assert${c.call}` : `${c.test}#${c.call}`;
}

/** Every case of both sources, run_layer_test calls first. */
export function allCases(document: MinedDocument): MinedCase[] {
  return [...document.cases, ...(document.shape_assertions ?? [])];
}

// --- Python source -------------------------------------------------------------------

class Unrenderable extends Error {}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pyString(text: string): string {
  return JSON.stringify(text);
}

function isTagged<K extends string>(value: Encoded, key: K): value is Extract<Encoded, Record<K, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && key in value;
}

/** Whether a value needs `import numpy as np`. */
function usesNumpy(value: Encoded): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(usesNumpy);
  if (isTagged(value, '$array')) return true;
  if (isTagged(value, '$tuple')) return value.$tuple.some(usesNumpy);
  if (isTagged(value, '$dict')) return Object.values(value.$dict).some(usesNumpy);
  if (isTagged(value, '$call')) return value.args.some(usesNumpy) || Object.values(value.kwargs).some(usesNumpy);
  return false;
}

function literal(data: Encoded): string {
  if (Array.isArray(data)) return `[${data.map(literal).join(', ')}]`;
  return renderValue(data);
}

/** A recorded value as a Python expression. */
export function renderValue(value: Encoded): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (isTagged(value, '$tuple')) {
    const items = value.$tuple.map(renderValue);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (isTagged(value, '$dict')) {
    return `{${Object.entries(value.$dict)
      .map(([k, v]) => `${pyString(k)}: ${renderValue(v)}`)
      .join(', ')}}`;
  }
  if (isTagged(value, '$float')) {
    const f = value.$float;
    return f === 'nan' ? 'float("nan")' : f === 'inf' ? 'float("inf")' : f === '-inf' ? 'float("-inf")' : f;
  }
  if (isTagged(value, '$dtype')) return pyString(value.$dtype);
  if (isTagged(value, '$array')) return `np.array(${literal(value.$array.data)}, dtype=${pyString(value.$array.dtype)})`;
  if (isTagged(value, '$call')) return `${value.$call}(${renderArguments(value.args, value.kwargs)})`;
  if (isTagged(value, '$ref')) return value.$ref;
  throw new Unrenderable(`unknown recorded value ${JSON.stringify(value)}`);
}

function renderArguments(args: readonly Encoded[], kwargs: { readonly [key: string]: Encoded }): string {
  return [
    ...args.map(renderValue),
    ...Object.entries(kwargs).map(([k, v]) => {
      if (!identifier.test(k)) throw new Unrenderable(`keyword argument ${pyString(k)} is not a Python identifier`);
      return `${k}=${renderValue(v)}`;
    }),
  ].join(', ');
}

export interface Fixture {
  readonly source: string;
  /** Zero-based line of the statement that calls the layer (`y = ...`). */
  readonly callLine: number;
}

/** The Python a user would write for a case; throws with the reason when there is none. */
export function fixtureSource(c: MinedCase): Fixture {
  const input = c.input;
  if (!input) throw new Unrenderable('no input');
  if (!c.class.public) throw new Unrenderable(`${c.class.qualname} has no public keras.layers name`);
  const values = [...Object.values(c.init_kwargs), ...Object.values(c.call_kwargs ?? {})];
  const names = input.tensors.map((t, i) => {
    if (input.structure === 'dict') {
      if (!t.name || !identifier.test(t.name)) throw new Unrenderable(`input name ${String(t.name)} is not a Python identifier`);
      return `x_${t.name}`;
    }
    return input.structure === 'single' ? 'x' : `x${i}`;
  });
  const lines = ['import keras'];
  if (values.some(usesNumpy)) lines.push('import numpy as np');
  input.tensors.forEach((t, i) => {
    const options = [
      `batch_shape=${renderValue({ $tuple: t.shape })}`,
      `dtype=${pyString(t.dtype ?? 'float32')}`,
      ...(t.sparse ? ['sparse=True'] : []),
      ...(t.ragged ? ['ragged=True'] : []),
    ];
    lines.push(`${names[i]} = keras.Input(${options.join(', ')})`);
  });
  const layer = `${c.class.public}(${renderArguments([], c.init_kwargs)})`;
  const callKwargs = Object.entries(c.call_kwargs ?? {}).map(([k, v]) => `${k}=${renderValue(v)}`);
  const inputs =
    input.structure === 'single'
      ? [names[0]!]
      : input.structure === 'list'
        ? [`[${names.join(', ')}]`]
        : input.structure === 'tuple'
          ? [`(${names.join(', ')}${names.length === 1 ? ',' : ''})`]
          : input.tensors.map((t, i) => `${t.name}=${names[i]}`);
  const callLine = lines.length;
  lines.push(`y = ${layer}(${[...inputs, ...callKwargs].join(', ')})`);
  lines.push(`model = keras.Model(${input.structure === 'single' ? names[0] : `[${names.join(', ')}]`}, y)`);
  return { source: `${lines.join('\n')}\n`, callLine };
}

// --- judging ------------------------------------------------------------------------

export type Status =
  /** Not written as source: `skip` says why. */
  | 'skipped'
  /** Our output shapes are Keras's, and no error or warning. */
  | 'exact'
  /** We say the output is unknown (with a reason), and no error or warning. */
  | 'unknown'
  /** A shape that is not Keras's (some dimension differs or is missing), or an error or warning Keras does not raise. */
  | 'wrong';

export interface CaseResult {
  readonly case: MinedCase;
  readonly id: string;
  readonly className: string;
  /** Tensor Lens has a shape rule for the class (`layerEntry(className)?.rule`): the EXACT tier. */
  readonly claimed: boolean;
  readonly status: Status;
  readonly skip?: string[];
  readonly source?: string;
  /** Keras's output shapes: of its symbolic call, else the test's expected_output_shape. */
  readonly keras?: (number | null)[][];
  /** Ours, or null when unknown. */
  readonly ours?: JsonDim[][] | null;
  readonly unknownReason?: string;
  /** Errors and warnings of the analysis, and what is wrong with the shapes. */
  readonly problems: string[];
  readonly params?: { readonly ours: number | null; readonly keras: number };
  /** Output dtypes, ours and Keras's (reported, not asserted). */
  readonly dtypes?: { readonly ours: string[]; readonly keras: (string | null)[] };
  /** For a case where Keras raises (an invalid-usage test): the errors we report on its source. */
  readonly whenKerasRaises?: string[];
}

/** Keras's verify_shape of run_layer_test: same rank, and every dimension the test gives (not None) equal. */
function matchesExpected(expected: readonly (number | null)[], actual: readonly (number | null)[]): boolean {
  return expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
}

function referenceShapes(c: MinedCase): { shapes?: (number | null)[][]; skip?: string; raises?: boolean } {
  const expected = c.expected.output_shape;
  const expectedShapes = expected && 'tensors' in expected ? expected.tensors.map((t) => t.shape) : undefined;
  if (c.keras && 'error' in c.keras) {
    const expects = c.test_outcome?.outcome === 'failed' && /not raised/.test(c.test_outcome.reason ?? '');
    return { skip: `Keras raises${expects ? ' (the test expects it to)' : ''}: ${c.keras.error}`, raises: true };
  }
  const symbolic = c.keras?.tensors.map((t) => t.shape);
  if (symbolic && expectedShapes) {
    const agree = symbolic.length === expectedShapes.length && expectedShapes.every((e, i) => matchesExpected(e, symbolic[i]!));
    if (!agree)
      return {
        skip: `Keras's symbolic output ${JSON.stringify(symbolic)} does not match the test's expected_output_shape ${JSON.stringify(expectedShapes)}`,
      };
  }
  if (symbolic) return { shapes: symbolic };
  if (expectedShapes) return { shapes: expectedShapes };
  return { skip: 'no output shape recorded' };
}

function sameJsonShape(ours: readonly JsonDim[], keras: readonly (number | null)[]): boolean {
  return ours.length === keras.length && ours.every((d, i) => d === keras[i]);
}

const fmt = (shape: readonly JsonDim[]): string => formatShape(shape.map((d) => (typeof d === 'string' ? { symbol: d } : d)));

/** Our output shapes of the layer called on `callLine` (the outermost call there), or why they are unknown. */
function ourOutputs(
  graph: ModelGraph,
  className: string,
  callLine: number,
): { shapes: JsonDim[][] | null; dtypes?: string[]; reason?: string; params: number | null } {
  const calls = graph.calls.filter(
    (call) => call.parent === undefined && !graph.layers[call.layer]!.operation && call.range.start.line === callLine,
  );
  const call = calls.find((call) => graph.layers[call.layer]!.className === className) ?? calls.at(-1);
  if (call && call.outputs.length > 0)
    return {
      shapes: call.outputs.map((t) => shapeToJson(graph.tensors[t]!.shape)),
      dtypes: call.outputs.map((t) => graph.tensors[t]!.dtype),
      params: graph.layers[call.layer]!.params,
    };
  const binding = graph.bindings.filter((b) => b.name === 'y' && b.range.start.line === callLine).at(-1);
  const reason =
    binding?.value.kind === 'unknown'
      ? binding.value.reason
      : call
        ? `the call of ${className} has no output tensors`
        : `no call of ${className} in the analysis (y is ${binding?.value.kind ?? 'unbound'})`;
  return { shapes: null, reason, params: null };
}

/** Diagnostics of these severities, and internal errors whatever their severity. */
function problemsIn(graph: ModelGraph, severities: readonly string[]): string[] {
  return graph.diagnostics
    .filter((d) => severities.includes(d.severity) || d.code === 'internal-error')
    .map((d) => `line ${d.range.start.line + 1}: ${d.severity} ${d.code}: ${d.message}`);
}

/** The name Keras serializes the class under (its `keras.layers` name: `GroupQueryAttention` for the class GroupedQueryAttention). */
export function kerasClassName(c: MinedCase): string {
  return c.class.public?.replace(/^keras\.layers\./, '') ?? c.class.qualname;
}

export function judgeCase(analyzer: Analyzer, c: MinedCase): CaseResult {
  const className = kerasClassName(c);
  const claimed = layerEntry(className)?.rule !== undefined;
  const base = { case: c, id: caseId(c), className, claimed };
  const reference = referenceShapes(c);
  // A case the miner already skipped has no reference to speak of: its own reasons say why.
  const skips = c.skip?.length ? [...c.skip] : reference.skip ? [reference.skip] : [];
  let fixture: Fixture | undefined;
  if (skips.length === 0) {
    try {
      fixture = fixtureSource(c);
    } catch (error) {
      if (!(error instanceof Unrenderable)) throw error;
      skips.push(`cannot be written as source: ${error.message}`);
    }
  }
  if (!fixture && reference.raises && (c.skip ?? []).length === 0) {
    // Keras raises: not a case to compare shapes on; whether we report an error too is worth knowing.
    try {
      const source = fixtureSource(c).source;
      return {
        ...base,
        status: 'skipped',
        skip: skips,
        problems: [],
        source,
        whenKerasRaises: problemsIn(analyzer.analyze(source), ['error']),
      };
    } catch (error) {
      if (!(error instanceof Unrenderable)) throw error;
    }
  }
  if (!fixture || skips.length > 0) return { ...base, status: 'skipped', skip: skips, problems: [] };
  const keras = reference.shapes!;
  const graph = analyzer.analyze(fixture.source);
  const problems = problemsIn(graph, ['error', 'warning']);
  const ours = ourOutputs(graph, className, fixture.callLine);
  if (ours.shapes) {
    if (ours.shapes.length !== keras.length)
      problems.push(
        `${ours.shapes.length} output(s) where Keras has ${keras.length}: ${ours.shapes.map(fmt).join(' ')} vs ${keras.map(fmt).join(' ')}`,
      );
    else
      ours.shapes.forEach((shape, i) => {
        if (!sameJsonShape(shape, keras[i]!)) problems.push(`output ${i}: ${fmt(shape)} where Keras has ${fmt(keras[i]!)}`);
      });
  }
  const kerasParams = c.keras && 'params' in c.keras ? c.keras.params : undefined;
  const kerasDtypes = c.keras && 'tensors' in c.keras ? c.keras.tensors.map((t) => t.dtype ?? null) : undefined;
  return {
    ...base,
    status: problems.length > 0 ? 'wrong' : ours.shapes ? 'exact' : 'unknown',
    source: fixture.source,
    keras,
    ours: ours.shapes,
    ...(ours.reason !== undefined && { unknownReason: ours.reason }),
    problems,
    ...(kerasParams !== undefined && { params: { ours: ours.params, keras: kerasParams } }),
    ...(kerasDtypes && ours.dtypes && { dtypes: { ours: ours.dtypes, keras: kerasDtypes } }),
  };
}

export function judgeAll(analyzer: Analyzer, document: MinedDocument = minedReference()): CaseResult[] {
  return allCases(document).map((c) => judgeCase(analyzer, c));
}

/** One line that says what a result is, for failure messages and reports. */
export function describeResult(r: CaseResult): string {
  const kwargs = Object.entries(r.case.init_kwargs)
    .map(([k, v]) => {
      try {
        return `${k}=${renderValue(v)}`;
      } catch {
        return `${k}=?`;
      }
    })
    .join(', ');
  const ours = r.ours === undefined ? '' : r.ours === null ? `unknown (${r.unknownReason})` : r.ours.map(fmt).join(' ');
  const keras = r.keras ? r.keras.map(fmt).join(' ') : '?';
  return `${r.case.file}::${r.id} ${r.className}(${kwargs}): ours ${ours}, Keras ${keras}${r.problems.length ? `; ${r.problems.join('; ')}` : ''}`;
}
