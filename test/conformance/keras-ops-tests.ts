// Keras's own ops shape tests as Tensor Lens fixtures. test/conformance/mine-keras-ops-tests.py
// recorded every call of a public `keras.ops` function that the *ShapeTest classes of
// keras/src/ops/*_test.py of the pinned Keras make on KerasTensors
// (reference/keras-ops-tests.json); here each case becomes, mechanically, the Python a user
// would write (an Input per KerasTensor, of its batch shape and dtype, and the call), which the
// analysis reads. Keras's outcome for the same call (its output shapes and dtypes, or the
// exception it raised) is the referee.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { apiEntry } from '../../src/analysis/keras/registry.js';
import type { BoundValue, ModelGraph } from '../../src/graph/ir.js';
import { formatShape, shapeToJson } from '../../src/graph/shape.js';
import type { JsonDim } from '../../src/protocol/report.js';

export const opsReferencePath = join(import.meta.dirname, 'reference', 'keras-ops-tests.json');

/** A recorded argument (see keras_ops_tests_recorder.py `encode`). */
export type OpsValue =
  | null
  | boolean
  | number
  | string
  | { readonly tensor: number }
  | { readonly tuple: OpsValue[] }
  | { readonly list: OpsValue[] }
  | { readonly dict: { readonly [key: string]: OpsValue } }
  | { readonly float: string }
  | { readonly slice: [OpsValue, OpsValue, OpsValue] }
  | { readonly ellipsis: true }
  | { readonly dtype: string }
  | { readonly function: OpsFunction };

/** A Python function argument (keras_ops_tests_recorder.py `encode_function`). */
export interface OpsFunction {
  /** What the call passes: the function's name, or its public path (`keras.ops.add`, `operator.add`). */
  readonly name: string;
  /** Its `def`, or `fn_<i> = lambda ...`; absent for a function given by its public path. */
  readonly source?: string;
  /** The import statement of each module or function it uses, by the name the statement binds. */
  readonly imports?: { readonly [name: string]: string };
  /** The values of its free variables, assigned before it. */
  readonly closure?: { readonly [name: string]: OpsValue };
}

export interface OpsTensorSpec {
  readonly shape: (number | null)[];
  readonly dtype: string;
  readonly sparse?: boolean;
  readonly ragged?: boolean;
}

/** What a call returned: a tensor, a structure of them, or another Python value. */
export type OpsOutput =
  | OpsTensorSpec
  | { readonly tuple: OpsOutput[] }
  | { readonly list: OpsOutput[] }
  | { readonly dict: { readonly [key: string]: OpsOutput } }
  | { readonly value: OpsValue; readonly type?: string };

export interface KerasError {
  readonly type: string;
  readonly message: string;
}

export interface OpsCase {
  /** `numpy_test.py::NumpyTwoInputOpsDynamicShapeTest::test_add#0`: file (under keras/src/ops), test, call. */
  readonly id: string;
  /** The public path the test reached the function by: `keras.ops.add`, `keras.ops.image.resize`. */
  readonly op: string;
  /** The KerasTensors of the call, `{tensor: i}` in `args` and `kwargs`; absent for a skipped case. */
  readonly inputs?: OpsTensorSpec[];
  readonly args?: OpsValue[];
  readonly kwargs?: { readonly [key: string]: OpsValue };
  readonly keras: { readonly output: OpsOutput } | { readonly error: KerasError };
  /** Why the case cannot be written as source mechanically (or its source would not be the test's call). */
  readonly skip?: string;
  /** The global data format the test set before the call (keras.config.set_image_data_format), when not channels_last. */
  readonly image_data_format?: string;
  /** How many later calls of the tests were the same call. */
  readonly duplicates?: number;
}

export interface OpsFile {
  readonly file: string;
  readonly tests_run: number;
  readonly tests_deselected: number;
  readonly calls: number;
  readonly cases: number;
  readonly skipped_cases: number;
  readonly collect_error?: string;
}

export interface OpsDocument {
  readonly keras: string;
  readonly backend: string;
  readonly root: string;
  readonly shims: string[];
  readonly files: OpsFile[];
  /** Every public function of keras.ops and its submodules, with the keras/src/ops module that defines it. */
  readonly public_ops: { readonly [path: string]: string };
  readonly cases: OpsCase[];
  readonly tests_without_cases: { readonly test: string; readonly outcome: string; readonly reason?: string }[];
  readonly failed_tests_with_cases: { readonly test: string; readonly reason: string }[];
}

export function opsReference(): OpsDocument {
  return JSON.parse(readFileSync(opsReferencePath, 'utf8')) as OpsDocument;
}

/** The test file of a case or test id: `numpy_test.py`. */
export function fileOf(id: string): string {
  return id.slice(0, id.indexOf('::'));
}

/** The keras/src/ops module that defines the op (numpy, nn, math, image, linalg, core, einops). */
export function familyOf(document: OpsDocument, op: string): string {
  return document.public_ops[op] ?? 'unknown';
}

/** Tensor Lens models the op: the registry has an entry for its path. */
export function isModelled(op: string): boolean {
  return apiEntry(op) !== undefined;
}

// --- Python source -------------------------------------------------------------------

class Unrenderable extends Error {}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

const pyString = (text: string): string => JSON.stringify(text);

function has<K extends string>(value: object, key: K): value is Record<K, unknown> {
  return key in value;
}

function renderSequence(items: readonly string[], open: string, close: string): string {
  return open === '(' && items.length === 1 ? `(${items[0]},)` : `${open}${items.join(', ')}${close}`;
}

/** The names a fixture gives its inputs and outputs, which a function argument's definitions must not take. */
const fixtureName = /^(x\d+|y\d*)$/;

/**
 * What a fixture writes before its call for the functions it passes: their imports (after `import keras`), then the
 * assignments of their free variables and their definitions, in the order the arguments use them, each name bound once.
 */
class Definitions {
  readonly imports: string[] = [];
  readonly statements: string[] = [];
  private readonly bound = new Map<string, string>([['keras', 'import keras']]);

  /** Binds `name` to the statement `text`; false when the fixture binds it so already. */
  private bind(name: string, text: string): boolean {
    if (fixtureName.test(name)) throw new Unrenderable(`a function argument binds ${name}, a name the fixture gives a tensor`);
    const bound = this.bound.get(name);
    if (bound !== undefined && bound !== text) throw new Unrenderable(`the function arguments bind ${name} to two things`);
    this.bound.set(name, text);
    return bound === undefined;
  }

  /** Defines the function; the expression the call passes. */
  define(fn: OpsFunction): string {
    for (const [name, statement] of Object.entries(fn.imports ?? {})) if (this.bind(name, statement)) this.imports.push(statement);
    for (const [name, value] of Object.entries(fn.closure ?? {})) {
      const text = renderValue(value, this);
      // A free variable that is a function of the same name is bound by its own definition.
      if (text !== name && this.bind(name, `${name} = ${text}`)) this.statements.push(`${name} = ${text}`);
    }
    if (fn.source !== undefined && this.bind(fn.name, fn.source)) this.statements.push(fn.source.trimEnd());
    return fn.name;
  }
}

/**
 * A recorded argument as a Python expression, `x<i>` for the i-th input; a function as its name, its definition
 * added to `definitions` (without them, as in one-line descriptions, the name alone).
 */
export function renderValue(value: OpsValue, definitions?: Definitions): string {
  const render = (v: OpsValue): string => renderValue(v, definitions);
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyString(value);
  if (has(value, 'tensor')) return `x${value.tensor}`;
  if (has(value, 'tuple')) return renderSequence(value.tuple.map(render), '(', ')');
  if (has(value, 'list')) return renderSequence(value.list.map(render), '[', ']');
  if (has(value, 'dict'))
    return `{${Object.entries(value.dict)
      .map(([k, v]) => `${pyString(k)}: ${render(v)}`)
      .join(', ')}}`;
  if (has(value, 'float')) return `float(${pyString(value.float)})`;
  if (has(value, 'slice')) return `slice(${value.slice.map(render).join(', ')})`;
  if (has(value, 'ellipsis')) return '...';
  if (has(value, 'dtype')) return pyString(value.dtype);
  if (has(value, 'function')) return definitions ? definitions.define(value.function) : value.function.name;
  throw new Unrenderable(`unknown recorded value ${JSON.stringify(value)}`);
}

function isTensor(output: OpsOutput): output is OpsTensorSpec {
  return has(output, 'shape');
}

/**
 * The assignment target for an output: `y` for one tensor, `y0, (y1, y2)` for a structure; its tensors in order. No
 * target unpacks a dict: a structure with one is `y`, its tensors taken out of it after the call (`y0 = y["a"]`).
 */
function outputTarget(output: OpsOutput | undefined): {
  target: string;
  leaves: { name: string; spec: OpsTensorSpec }[];
  after: string[];
} {
  if (output === undefined) return { target: 'y', leaves: [], after: [] };
  if (isTensor(output)) return { target: 'y', leaves: [{ name: 'y', spec: output }], after: [] };
  const leaves: { name: string; spec: OpsTensorSpec; path: string }[] = [];
  let dict = false;
  const pattern = (o: OpsOutput, top: boolean, path: string): string => {
    if (isTensor(o)) {
      const name = `y${leaves.length}`;
      leaves.push({ name, spec: o, path });
      return name;
    }
    const entries: [string, OpsOutput][] | undefined = has(o, 'tuple')
      ? o.tuple.map((item, i) => [`[${i}]`, item])
      : has(o, 'list')
        ? o.list.map((item, i) => [`[${i}]`, item])
        : has(o, 'dict')
          ? Object.entries(o.dict).map(([k, item]) => [`[${pyString(k)}]`, item])
          : undefined;
    if (!entries) throw new Unrenderable(`Keras's output is a Python value (${JSON.stringify(o)}), which the analysis binds to no name`);
    if (entries.length === 0) throw new Unrenderable("Keras's output is an empty structure");
    dict ||= has(o, 'dict');
    const inner = entries.map(([key, item]) => pattern(item, false, `${path}${key}`));
    if (top) return inner.length === 1 ? `${inner[0]},` : inner.join(', ');
    return renderSequence(inner, '(', ')');
  };
  const target = pattern(output, true, '');
  const named = leaves.map(({ name, spec }) => ({ name, spec }));
  if (!dict) return { target, leaves: named, after: [] };
  return { target: 'y', leaves: named, after: leaves.map(({ name, path }) => `${name} = y${path}`) };
}

export interface OpsFixture {
  readonly source: string;
  /** Zero-based line of the call. */
  readonly callLine: number;
  /** The names the outputs are bound to, with Keras's spec of each (empty when Keras raises). */
  readonly outputs: { readonly name: string; readonly spec: OpsTensorSpec }[];
}

/** The Python a user would write for a case; throws with the reason when there is none. */
export function fixtureSource(c: OpsCase): OpsFixture {
  if (c.skip !== undefined || !c.inputs || !c.args) throw new Unrenderable(c.skip ?? 'no arguments recorded');
  const definitions = new Definitions();
  const args = c.args.map((v) => renderValue(v, definitions));
  const kwargs = Object.entries(c.kwargs ?? {}).map(([k, v]) => {
    if (!identifier.test(k)) throw new Unrenderable(`keyword argument ${pyString(k)} is not a Python identifier`);
    return `${k}=${renderValue(v, definitions)}`;
  });
  const lines = ['import keras', ...definitions.imports];
  if (c.image_data_format) lines.push(`keras.config.set_image_data_format(${pyString(c.image_data_format)})`);
  c.inputs.forEach((t, i) => {
    const options = [
      `batch_shape=${renderValue({ tuple: t.shape })}`,
      `dtype=${pyString(t.dtype)}`,
      ...(t.sparse ? ['sparse=True'] : []),
      ...(t.ragged ? ['ragged=True'] : []),
    ];
    lines.push(`x${i} = keras.Input(${options.join(', ')})`);
  });
  lines.push(...definitions.statements.flatMap((statement) => statement.split('\n')));
  const { target, leaves, after } = outputTarget('output' in c.keras ? c.keras.output : undefined);
  const callLine = lines.length;
  lines.push(`${target} = ${c.op}(${[...args, ...kwargs].join(', ')})`, ...after);
  return { source: `${lines.join('\n')}\n`, callLine, outputs: leaves };
}

// --- judging ------------------------------------------------------------------------

export type OpsStatus =
  /** Not written as source: `skip` says why. */
  | 'skipped'
  /** Keras's output shapes and dtypes, no error or warning; or, where Keras raises, an error. */
  | 'pass'
  /** We say the output is unknown (with a reason), and no error or warning. */
  | 'unknown'
  /** A known shape or dtype that is not Keras's, an error or warning where Keras accepts, or an internal error. */
  | 'wrong'
  /** Keras raises, and the analysis reports no error. */
  | 'missed';

export interface OpsResult {
  readonly case: OpsCase;
  readonly file: string;
  readonly family: string;
  /** The registry has an entry for the op. */
  readonly modelled: boolean;
  readonly status: OpsStatus;
  readonly skip?: string;
  readonly source?: string;
  readonly unknownReason?: string;
  /** What differs from Keras (wrong), or what Keras raises (missed). */
  readonly problems: string[];
}

const fmt = (shape: readonly JsonDim[]): string => formatShape(shape.map((d) => (typeof d === 'string' ? { symbol: d } : d)));

function sameShape(ours: readonly JsonDim[], keras: readonly (number | null)[]): boolean {
  return ours.length === keras.length && ours.every((d, i) => d === keras[i]);
}

/** Diagnostics of these severities, and internal errors whatever their severity (without their stack location, which moves with every edit). */
function problemsIn(graph: ModelGraph, severities: readonly string[]): string[] {
  return graph.diagnostics
    .filter((d) => severities.includes(d.severity) || d.code === 'internal-error')
    .map((d) => {
      const message = d.code === 'internal-error' ? d.message.replace(/ \(at .*\)$/, '') : d.message;
      return `line ${d.range.start.line + 1}: ${d.severity} ${d.code}: ${message}`;
    });
}

type Comparison = { readonly unknown: string } | { readonly problem: string } | { readonly same: true };

function compareOutput(graph: ModelGraph, value: BoundValue | undefined, name: string, spec: OpsTensorSpec): Comparison {
  if (value === undefined) return { unknown: `the analysis binds no value to ${name}` };
  if (value.kind === 'unknown') return { unknown: value.reason };
  const kerasText = `${fmt(spec.shape)} ${spec.dtype}`;
  let shape: JsonDim[];
  let dtype: string;
  if (value.kind === 'tensor') {
    const tensor = graph.tensors[value.tensor]!;
    shape = shapeToJson(tensor.shape);
    dtype = tensor.dtype;
  } else if (value.kind === 'array') {
    shape = shapeToJson(value.shape);
    dtype = value.dtype;
  } else return { problem: `${name} is a ${value.kind} where Keras gives a tensor ${kerasText}` };
  if (sameShape(shape, spec.shape) && dtype === spec.dtype) return { same: true };
  return { problem: `${name}: ${fmt(shape)} ${dtype} where Keras has ${kerasText}` };
}

function analyzeSafely(analyzer: Analyzer, source: string): ModelGraph | { crash: string } {
  try {
    return analyzer.analyze(source);
  } catch (error) {
    return { crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

export function judgeCase(analyzer: Analyzer, document: OpsDocument, c: OpsCase): OpsResult {
  const base = { case: c, file: fileOf(c.id), family: familyOf(document, c.op), modelled: isModelled(c.op) };
  let fixture: OpsFixture;
  try {
    fixture = fixtureSource(c);
  } catch (error) {
    if (!(error instanceof Unrenderable)) throw error;
    return { ...base, status: 'skipped', skip: error.message, problems: [] };
  }
  const source = fixture.source;
  const graph = analyzeSafely(analyzer, source);
  if ('crash' in graph) return { ...base, status: 'wrong', source, problems: [`internal error: the analysis throws ${graph.crash}`] };
  if ('error' in c.keras) {
    const internal = graph.diagnostics.filter((d) => d.code === 'internal-error');
    if (internal.length > 0) return { ...base, status: 'wrong', source, problems: problemsIn(graph, []) };
    const raised = `Keras raises ${c.keras.error.type}: ${c.keras.error.message}`;
    const errors = problemsIn(graph, ['error']);
    return errors.length > 0
      ? { ...base, status: 'pass', source, problems: [] }
      : { ...base, status: 'missed', source, problems: [`${raised}; Tensor Lens reports no error`] };
  }
  const problems = problemsIn(graph, ['error', 'warning']);
  const unknown: string[] = [];
  for (const { name, spec } of fixture.outputs) {
    const value = graph.bindings.filter((b) => b.name === name).at(-1)?.value;
    const comparison = compareOutput(graph, value, name, spec);
    if ('problem' in comparison) problems.push(comparison.problem);
    else if ('unknown' in comparison) unknown.push(comparison.unknown);
  }
  if (problems.length > 0) return { ...base, status: 'wrong', source, problems };
  if (unknown.length > 0) return { ...base, status: 'unknown', source, unknownReason: [...new Set(unknown)].join('; '), problems };
  return { ...base, status: 'pass', source, problems };
}

export function judgeAll(analyzer: Analyzer, document: OpsDocument = opsReference()): OpsResult[] {
  return document.cases.map((c) => judgeCase(analyzer, document, c));
}

/** What keeps a case from passing, in one line: the text a `knownDifferences` entry pins. */
export function difference(r: OpsResult): string | undefined {
  if (r.status === 'wrong' || r.status === 'missed') return `${r.status}: ${r.problems.join('; ')}`;
  if (r.status === 'unknown') return `unknown: ${r.unknownReason}`;
  return undefined;
}

/** The call of the case as the fixture writes it, in one line. */
export function callText(c: OpsCase): string {
  if (!c.inputs || !c.args) return c.op;
  const inputs = c.inputs.map((t, i) => `x${i}: ${fmt(t.shape)} ${t.dtype}${t.sparse ? ' sparse' : ''}`);
  const kwargs = Object.entries(c.kwargs ?? {}).map(([k, v]) => `${k}=${renderValue(v)}`);
  return `${c.op}(${[...c.args.map((v) => renderValue(v)), ...kwargs].join(', ')}) with ${inputs.join(', ') || 'no inputs'}`;
}

function outputText(output: OpsOutput): string {
  if (isTensor(output)) return `${fmt(output.shape)} ${output.dtype}`;
  if (has(output, 'tuple')) return `(${output.tuple.map(outputText).join(', ')})`;
  if (has(output, 'list')) return `[${output.list.map(outputText).join(', ')}]`;
  if (has(output, 'dict'))
    return `{${Object.entries(output.dict)
      .map(([k, o]) => `${k}: ${outputText(o)}`)
      .join(', ')}}`;
  return JSON.stringify(output.value);
}

/** Keras's outcome in one line. */
export function kerasText(c: OpsCase): string {
  return 'error' in c.keras ? `raises ${c.keras.error.type}: ${c.keras.error.message}` : outputText(c.keras.output);
}

/** One line that says what a result is, for failure messages and reports. */
export function describeResult(r: OpsResult): string {
  const what = difference(r) ?? r.status;
  return `${r.case.id} ${callText(r.case)}: Keras ${kerasText(r.case)}; ${what}`;
}
