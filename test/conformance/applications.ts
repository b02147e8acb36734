// Tensor Lens against what real Keras builds for keras.applications
// (reference-applications/, recorded by generate-applications.py): each
// builder's variants, analysed as a file calling them, row by row.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { buildReport } from '../../src/graph/report.js';
import type { JsonDim } from '../../src/protocol/report.js';

export const applicationsRoot = join(import.meta.dirname, 'reference-applications');

/** [name, class, output shape, params, non-trainable params], as Keras's `model.layers` has them. */
export type KerasRow = [string, string, JsonDim[] | JsonDim[][], number, number];

export interface ApplicationVariant {
  /** The call, as the file would write it (`keras.applications.VGG16(weights=None, include_top=False)`). */
  readonly call: string;
  readonly model?: string;
  readonly layers?: KerasRow[];
  readonly totalParams?: number;
  readonly trainableParams?: number;
  readonly nonTrainableParams?: number;
  /** What Keras raised, as `ValueError: message`. */
  readonly error?: string;
}

export interface ApplicationReference {
  readonly keras: string;
  readonly backend: string;
  readonly builder: string;
  readonly variants: ApplicationVariant[];
}

export function applicationReferences(): ApplicationReference[] {
  return readdirSync(applicationsRoot)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((f) => JSON.parse(gunzipSync(readFileSync(join(applicationsRoot, f))).toString('utf8')) as ApplicationReference);
}

export function variantSource(variant: ApplicationVariant): string {
  return `import keras\n\nmodel = ${variant.call}\n`;
}

export interface VariantOutcome {
  readonly call: string;
  /** Rows (or the error) exactly as Keras's. */
  readonly ok: boolean;
  readonly rows: number;
  readonly rowsRight: number;
  /** What differs, for the report. */
  readonly differences: string[];
}

/** Analyses one variant and compares it with Keras. */
export function compareVariant(analyzer: Analyzer, variant: ApplicationVariant): VariantOutcome {
  const source = variantSource(variant);
  // As `python model.py` runs it from a folder of its own: the weights paths the variants give are looked for there.
  const graph = analyzer.analyze(source, undefined, {
    file: join(tmpdir(), 'tensor-lens-applications', 'model.py'),
    searchRoots: [],
    sources: diskSources(),
  });
  const errors = graph.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  if (variant.error !== undefined && /weights='[^']+\.h5'/.test(variant.call)) {
    // Keras raises for a weights file that is missing when it runs; one missing as the file is edited may be made by
    // then (a training run, a checkpoint), so Tensor Lens does not say it will raise.
    const ok = errors.length === 0;
    return {
      call: variant.call,
      ok,
      rows: 0,
      rowsRight: 0,
      differences: ok ? [] : [`an error for a weights file that may exist when the code runs: ${errors.join(' | ')}`],
    };
  }
  if (variant.error !== undefined) {
    const ok = errors.some((message) => message.includes(variant.error!));
    return {
      call: variant.call,
      ok,
      rows: 0,
      rowsRight: 0,
      differences: ok ? [] : [`Keras raises ${variant.error}; ours: ${errors.join(' | ') || 'no error'}`],
    };
  }
  const expected = variant.layers!;
  const report = buildReport('model.py', graph);
  const index = graph.models.findIndex((id) => graph.layers[id]!.name === variant.model);
  const differences: string[] = [
    ...errors.map((e) => `error: ${e}`),
    ...graph.diagnostics.filter((d) => d.severity === 'warning').map((d) => `warning: ${d.message}`),
  ];
  if (index < 0) {
    return {
      call: variant.call,
      ok: false,
      rows: expected.length,
      rowsRight: 0,
      differences: [...differences, `no model "${variant.model}"; ours: ${graph.models.map((id) => graph.layers[id]!.name).join(', ')}`],
    };
  }
  const model = report.models[index]!;
  // Keras's `model.layers` leaves out the op nodes (`inputs + layer(x)`) that its summary() lists.
  const own = graph.layers[graph.models[index]!]!.model!.layers.map((id) => graph.layers[id]!);
  const operations = new Set(own.filter((l) => l.operation !== undefined).map((l) => l.name));
  const ours = model.layers
    .filter((l) => !operations.has(l.name))
    .map((l): KerasRow => [l.name, l.class, (l.outputShape ?? null) as KerasRow[2], l.params ?? -1, l.nonTrainableParams ?? -1]);
  let rowsRight = 0;
  expected.forEach((row, i) => {
    const our = ours[i];
    if (our && JSON.stringify(our) === JSON.stringify(row)) rowsRight++;
    else if (differences.length < 12) differences.push(`row ${i}: Keras ${JSON.stringify(row)}; ours ${JSON.stringify(our ?? null)}`);
  });
  if (ours.length !== expected.length) differences.push(`${ours.length} rows; Keras ${expected.length}`);
  const totals: [string, number | null, number][] = [
    ['total', model.totalParams, variant.totalParams!],
    ['trainable', model.trainableParams, variant.trainableParams!],
    ['non-trainable', model.nonTrainableParams, variant.nonTrainableParams!],
  ];
  for (const [what, our, keras] of totals) if (our !== keras) differences.push(`${what} params: ours ${our}; Keras ${keras}`);
  return { call: variant.call, ok: differences.length === 0, rows: expected.length, rowsRight, differences };
}
