// Test helpers: one analyzer for the whole run, and readable accessors for bindings.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Analysis, Analyzer } from '../../../src/analysis/analyze.js';
import type { Binding, Diagnostic } from '../../../src/graph/ir.js';
import { formatShape } from '../../../src/graph/shape.js';
import { summarizeModel, type ModelSummary } from '../../../src/graph/summary.js';

let shared: Promise<Analyzer> | undefined;

export function analyzer(): Promise<Analyzer> {
  shared ??= Analyzer.create();
  return shared;
}

export async function analyze(source: string): Promise<Analysis> {
  return (await analyzer()).analyze(source);
}

export const fixturesDirectory = join(import.meta.dirname, '..', '..', 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(fixturesDirectory, name), 'utf8');
}

export const examplesDirectory = join(import.meta.dirname, '..', '..', '..', 'examples');

export function example(name: string): string {
  return readFileSync(join(examplesDirectory, name), 'utf8');
}

/** Every binding of a name, in the order the analysis made them. */
export function bindingsOf(analysis: Analysis, name: string): Binding[] {
  return analysis.bindings.filter((b) => b.name === name);
}

/** How a binding's value reads: `(None, 30, 30, 32)` for tensors and arrays, else its kind. */
export function describe(analysis: Analysis, binding: Binding): string {
  const value = binding.value;
  if (value.kind === 'tensor') return formatShape(analysis.tensors[value.tensor]!.shape);
  if (value.kind === 'array') return formatShape(value.shape);
  if (value.kind === 'unknown') return `unknown: ${value.reason}`;
  return value.kind;
}

/** The shape of the last binding of `name` (the value it holds at the end of the file). */
export function shapeOf(analysis: Analysis, name: string): string {
  const bindings = bindingsOf(analysis, name);
  assert.ok(bindings.length > 0, `no binding named ${name}; bindings: ${analysis.bindings.map((b) => b.name).join(', ')}`);
  return describe(analysis, bindings.at(-1)!);
}

export function dtypeOf(analysis: Analysis, name: string): string | undefined {
  const value = bindingsOf(analysis, name).at(-1)?.value;
  if (value?.kind === 'tensor') return analysis.tensors[value.tensor]!.dtype;
  if (value?.kind === 'array') return value.dtype;
  return undefined;
}

export function modelNamed(analysis: Analysis, name: string): ModelSummary {
  const id = analysis.models.find((m) => analysis.layers[m]!.name === name);
  assert.ok(id !== undefined, `no model named ${name}; models: ${analysis.models.map((m) => analysis.layers[m]!.name).join(', ')}`);
  return summarizeModel(analysis, id);
}

/** Rows as `name (Class) shape params`, easy to compare with Keras's summary. */
export function summaryRows(summary: ModelSummary): string[] {
  return summary.rows.map(
    (r) => `${r.name} (${r.className}) ${r.outputShapes === null ? '?' : r.outputShapes.map(formatShape).join(' ')} ${r.params ?? '?'}`,
  );
}

export function messages(analysis: Analysis, severity?: Diagnostic['severity']): string[] {
  return analysis.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.message);
}

/** `line:character` (1-based) of a diagnostic's start, for asserting exact ranges. */
export function where(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;
}
