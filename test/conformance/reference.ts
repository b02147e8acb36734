// Reads the references that test/conformance/generate.py recorded with real
// Keras, and what Tensor Lens says about the same files, side by side.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analyzer } from '../../src/analysis/analyze.js';
import type { ModelGraph } from '../../src/graph/ir.js';
import { shapeToJson } from '../../src/graph/shape.js';
import { summarizeModel, type ModelSummary } from '../../src/graph/summary.js';
import type { JsonDim } from '../../src/protocol/report.js';

export const referenceRoot = join(import.meta.dirname, 'reference');
export const repoRoot = join(import.meta.dirname, '..', '..');

export interface KerasLayer {
  readonly name: string;
  readonly class: string;
  readonly outputShape: JsonDim[] | JsonDim[][] | null;
  readonly params: number;
}

export interface KerasModel {
  readonly name: string;
  readonly class: string;
  readonly layers: KerasLayer[];
  readonly totalParams: number;
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
  return analyzer.analyze(readFileSync(join(repoRoot, reference.file), 'utf8'));
}

/** Tensor Lens's summary of the model Keras recorded: by name, or for legacy files (other auto-names) by position. */
export function ourModel(graph: ModelGraph, reference: Reference, index: number): { id: number; summary: ModelSummary } | undefined {
  const summaries = graph.models.map((id) => ({ id, summary: summarizeModel(graph, id) }));
  if (reference.legacy) return summaries[index];
  return summaries.find((s) => s.summary.name === reference.models[index]!.name);
}

/** Our rows in the shape of Keras's: output shapes as JSON, one shape or a list of them. */
export function ourLayers(summary: ModelSummary): KerasLayer[] {
  return summary.rows.map((row) => ({
    name: row.name,
    class: row.className,
    outputShape:
      row.outputShapes === null
        ? null
        : row.outputShapes.length === 1
          ? shapeToJson(row.outputShapes[0]!)
          : row.outputShapes.map(shapeToJson),
    params: row.params ?? -1,
  }));
}
