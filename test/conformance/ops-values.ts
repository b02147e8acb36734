// The values of keras.ops calls on the engine against Keras's (reference/keras-ops-values.json, written by
// generate-ops-values.py): each mined case of keras-ops-tests.json that Keras accepts, with every unknown size made 2,
// written as source, analysed, exported and run by TensorFlow.js on the numbers Keras was given.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { opPaths } from '../../src/analysis/keras/ops/signatures.js';
import { runGraph } from '../../src/engine/evaluator.js';
import { operationValues } from '../../src/engine/operation-layer.js';
import { opKernels } from '../../src/engine/ops/index.js';
import { tfjsDtype } from '../../src/engine/topology.js';
import { ExportError, exportSubgraph } from '../../src/graph/keras-json.js';
import { fixtureSource, type OpsCase, type OpsDocument, type OpsOutput, type OpsTensorSpec } from './keras-ops-tests.js';

export const opsValuesPath = join(import.meta.dirname, 'reference', 'keras-ops-values.json');

type RecordedValue = number | boolean | 'nan' | 'inf' | '-inf';

interface ValuesOutput {
  readonly shape: number[];
  readonly dtype: string;
  readonly values: RecordedValue[];
}

export interface ValuesCase {
  readonly id: string;
  /** For a `generated::` case (a call of an op no mined case calls): the call, as a mined case records it. */
  readonly call?: Pick<OpsCase, 'op' | 'inputs' | 'args' | 'kwargs'>;
  readonly outputs?: ValuesOutput[];
  readonly skip?: string;
}

export interface ValuesDocument {
  readonly keras: string;
  readonly backend: string;
  readonly unknown_size: number;
  readonly cases: ValuesCase[];
}

export function opsValues(): ValuesDocument {
  return JSON.parse(readFileSync(opsValuesPath, 'utf8')) as ValuesDocument;
}

const canonical = new Map(opPaths());

/** The engine has a kernel for the op the case calls (by any of its paths). */
export function hasKernel(op: string): boolean {
  return opKernels[canonical.get(op) ?? op] !== undefined;
}

/** generate-ops-values.py's `sample`: round(sin(i·1.37 + seed·2.11), 3); integers 5× that rounded, bools > 0. */
export function inputValues(spec: OpsTensorSpec, shape: readonly number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const base = Array.from({ length: size }, (_, i) => Math.round(Math.sin(i * 1.37 + seed * 2.11) * 1000) / 1000);
  if (spec.dtype === 'bool')
    return tf.tensor(
      base.map((v) => v > 0),
      [...shape],
      'bool',
    );
  if (/^u?int/.test(spec.dtype)) {
    // NumPy rounds half to even; sin never lands on a half here, so Math.round agrees.
    const ints = base.map((v) => Math.round(v * 5)).map((v) => (spec.dtype.startsWith('uint') ? Math.abs(v) : v));
    return tf.tensor(ints, [...shape], 'int32');
  }
  return tf.tensor(base, [...shape], 'float32');
}

export type ValuesStatus = 'pass' | 'differ' | 'not evaluated' | 'skipped';

export interface ValuesResult {
  readonly id: string;
  readonly op: string;
  readonly status: ValuesStatus;
  /** What differs, why it is not evaluated, or why Keras has no values. */
  readonly detail?: string;
}

/** The tensors of an output structure, in order. */
function leafCount(o: OpsOutput): number {
  if ('shape' in o) return 1;
  if ('tuple' in o) return o.tuple.reduce((n, item) => n + leafCount(item), 0);
  if ('list' in o) return o.list.reduce((n, item) => n + leafCount(item), 0);
  return 0;
}

function concreteCase(c: OpsCase, values: ValuesCase, size: number): OpsCase {
  const outputs = values.outputs!;
  let next = 0;
  const output = (o: OpsOutput): OpsOutput => {
    if ('shape' in o) {
      const recorded = outputs[next++]!;
      return { shape: recorded.shape, dtype: recorded.dtype };
    }
    if ('tuple' in o) return { tuple: o.tuple.map(output) };
    if ('list' in o) return { list: o.list.map(output) };
    return o;
  };
  return {
    ...c,
    inputs: c.inputs!.map((t) => ({ ...t, shape: t.shape.map((d) => d ?? size) })),
    keras: { output: output((c.keras as { output: OpsOutput }).output) },
  };
}

const relativeTolerance = 1e-5;
const absoluteTolerance = 1e-6;

function close(ours: number, recorded: RecordedValue): boolean {
  if (recorded === 'nan') return Number.isNaN(ours);
  if (recorded === 'inf') return ours === Infinity;
  if (recorded === '-inf') return ours === -Infinity;
  const expected = typeof recorded === 'boolean' ? Number(recorded) : recorded;
  return Math.abs(ours - expected) <= absoluteTolerance + relativeTolerance * Math.abs(expected);
}

function compareValues(ours: tf.Tensor, recorded: ValuesOutput, name: string): string | undefined {
  const shape = ours.shape.join(',');
  if (shape !== recorded.shape.join(',')) return `${name} has shape (${shape}) where Keras has (${recorded.shape.join(', ')})`;
  const data = Array.from(ours.dataSync() as ArrayLike<number>, Number);
  const first = data.findIndex((v, i) => !close(v, recorded.values[i]!));
  const count = data.filter((v, i) => !close(v, recorded.values[i]!)).length;
  return first < 0
    ? undefined
    : `${name}: ${count} of ${data.length} values differ, first [${first}] ${data[first]} vs Keras ${recorded.values[first]}`;
}

/** Evaluates one case on the current TensorFlow.js backend. */
export async function evaluateCase(analyzer: Analyzer, values: ValuesDocument, v: ValuesCase, c: OpsCase): Promise<ValuesResult> {
  const base = { id: v.id, op: c.op };
  if (v.skip !== undefined) return { ...base, status: 'skipped', detail: v.skip };
  if (!hasKernel(c.op)) return { ...base, status: 'not evaluated', detail: `no kernel for ${c.op}` };
  const symbolic = (c.keras as { output: OpsOutput }).output;
  if (leafCount(symbolic) !== v.outputs!.length) {
    // unstack of an axis of unknown size: the concrete call returns as many tensors as the size it was given.
    return {
      ...base,
      status: 'skipped',
      detail: `Keras's eager call returns ${v.outputs!.length} tensors, its symbolic call ${leafCount(symbolic)}`,
    };
  }
  const concrete = concreteCase(c, v, values.unknown_size);
  const fixture = fixtureSource(concrete);
  const graph = analyzer.analyze(fixture.source);
  const tensors: number[] = [];
  for (const { name } of fixture.outputs) {
    const value = graph.bindings.filter((b) => b.name === name).at(-1)?.value;
    if (value?.kind !== 'tensor')
      return {
        ...base,
        status: 'not evaluated',
        detail: `${name} is ${value?.kind === 'unknown' ? `unknown: ${value.reason}` : `a ${value?.kind}`}`,
      };
    tensors.push(value.tensor);
  }
  const inputs = concrete.inputs!.map((spec, i) => inputValues(spec, spec.shape as number[], i));
  try {
    if (concrete.inputs!.some((t) => typeof tfjsDtype(t.dtype) !== 'string')) {
      return { ...base, status: 'not evaluated', detail: 'an input dtype TensorFlow.js has not' };
    }
    const exported = exportSubgraph(graph, tensors);
    const model = await tf.models.modelFromJSON({ modelTopology: exported.topology } as unknown as tf.io.ModelJSON);
    return tf.tidy(() => {
      const fed = exported.inputs.map((t) => {
        // A call on Python values alone (`ops.arange(5)`) is a concrete tensor its kernel computes, as the engine feeds it.
        const constant = graph.tensors[t]?.constant;
        if (constant?.kind === 'operation') return operationValues(constant.call);
        // `ops.ones((1, 3))` inside a function a control-flow op runs: the array constructor's numbers, as the engine feeds it.
        const made = constant?.kind === 'constructor' ? /\.(zeros|ones)$/.exec(constant.fn)?.[1] : undefined;
        const node = graph.tensors[t]!;
        if (made && node.shape.every((d) => typeof d === 'number')) {
          return (made === 'zeros' ? tf.zeros : tf.ones)(node.shape as number[], tfjsDtype(node.dtype) as tf.DataType);
        }
        const binding = graph.bindings.find((b) => b.value.kind === 'tensor' && b.value.tensor === t && /^x\d+$/.test(b.name));
        if (!binding) throw new Error(`exported input ${t} is neither an input of the case nor a keras.ops call on Python values`);
        return inputs[Number(binding.name.slice(1))]!;
      });
      const outputs = runGraph(model, fed);
      const problems = outputs.map((t, i) => compareValues(t, v.outputs![i]!, fixture.outputs[i]!.name)).filter((p) => p !== undefined);
      return problems.length === 0
        ? { ...base, status: 'pass' as const }
        : { ...base, status: 'differ' as const, detail: problems.join('; ') };
    });
  } catch (error) {
    if (error instanceof ExportError) return { ...base, status: 'not evaluated', detail: error.message };
    // A kernel that refuses an argument it cannot compute as Keras does says so (`… is not evaluated`).
    if (error instanceof Error && / is not evaluated\b/.test(error.message))
      return { ...base, status: 'not evaluated', detail: error.message };
    return { ...base, status: 'differ', detail: `the engine throws ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    inputs.forEach((t) => t.dispose());
  }
}

/** The mined case a values case is of, or the call a generated one describes (its outputs are Keras's, recorded). */
export function caseOf(v: ValuesCase, mined: ReadonlyMap<string, OpsCase>): OpsCase {
  if (!v.call) return mined.get(v.id)!;
  const output: OpsOutput =
    v.outputs && v.outputs.length === 1
      ? { shape: v.outputs[0]!.shape, dtype: v.outputs[0]!.dtype }
      : { tuple: (v.outputs ?? []).map((o) => ({ shape: o.shape, dtype: o.dtype })) };
  return { id: v.id, ...v.call, keras: { output } };
}

export async function evaluateAll(analyzer: Analyzer, tests: OpsDocument, values: ValuesDocument): Promise<ValuesResult[]> {
  const mined = new Map(tests.cases.map((c) => [c.id, c]));
  const results: ValuesResult[] = [];
  for (const v of values.cases) results.push(await evaluateCase(analyzer, values, v, caseOf(v, mined)));
  return results;
}
