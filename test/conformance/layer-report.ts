// What the per-layer-class references (generate-layers.py, reference-layers/)
// verify of Tensor Lens, per class of keras.layers: how many cases have
// Keras's exact output shapes, parameter counts and values, how many are
// unknown to us, what is wrong; the classes without a case and why; and what
// we say where Keras rejects the arguments.
//
//   node --import tsx test/conformance/layer-report.ts                      # Markdown table and details
//   node --import tsx test/conformance/layer-report.ts --json               # the same as JSON
//   node --import tsx test/conformance/layer-report.ts --known-differences  # layer-cases.test.ts's knownDifferences, as of now
//   node --import tsx test/conformance/layer-report.ts --readme             # rewrites README.md's table of every class

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../src/analysis/analyze.js';
import { layerEntry } from '../../src/analysis/keras/registry.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import type { BackendName } from '../../src/protocol/engine.js';
import {
  allLayerCases,
  analyzeCase,
  compareCaseValues,
  describeValues,
  dtypeDifferences,
  inexactValues,
  isModelled,
  layerIndex,
  wrongValues,
  type LayerCase,
  type OurCase,
} from './layer-cases.js';

export interface CaseDifference {
  readonly id: string;
  readonly class: string;
  readonly kwargs: LayerCase['kwargs'];
  readonly input: string;
  /** `shapes` or `values:<backend>`. */
  readonly check: string;
  readonly differences: readonly string[];
}

export interface ClassConformance {
  readonly class: string;
  readonly aliases: readonly string[];
  readonly status: 'ok' | 'no-case' | 'not-constructible';
  readonly reason?: string;
  /** Tensor Lens has a shape rule for it. */
  readonly modelled: boolean;
  readonly cases: number;
  /** Cases whose output shapes / parameter count are exactly Keras's. */
  readonly shapes: number;
  readonly params: number;
  /** Cases where ours is unknown (shape or parameter count), not wrong. */
  readonly unknown: number;
  /** Cases with recorded values, and per backend those whose values are within tolerance. */
  readonly valueCases: number;
  readonly values: Readonly<Record<string, number>>;
  /** Never-wrong violations: a known value of ours that is not Keras's, or an error where Keras accepts. */
  readonly wrong: readonly CaseDifference[];
  /** Exact-tier differences of a modelled class (shapes, params, values). */
  readonly inexact: readonly CaseDifference[];
  readonly dtypes: readonly CaseDifference[];
  readonly rejected: readonly RejectedConformance[];
}

export interface RejectedConformance {
  readonly id: string;
  readonly variant: LayerCase['variant'];
  readonly keras: { readonly stage: string; readonly type: string; readonly message: string };
  /** Our errors and warnings for the same source (information left out). */
  readonly ours: readonly { readonly severity: string; readonly code: string; readonly message: string }[];
}

export interface LayerConformance {
  readonly keras: string;
  readonly names: number;
  readonly backends: readonly BackendName[];
  readonly classes: readonly ClassConformance[];
}

function difference(c: LayerCase, check: string, differences: readonly string[]): CaseDifference {
  return { id: c.id, class: c.class, kwargs: c.kwargs, input: c.candidate, check, differences };
}

/**
 * Analyses every case of the references and, for the modelled classes, evaluates it on each backend in turn
 * (TensorFlow.js has one active backend: evaluations of two backends must not interleave).
 */
export async function layerConformance(backends: readonly BackendName[] = ['wasm', 'cpu']): Promise<LayerConformance> {
  const index = layerIndex();
  const analyzer = await Analyzer.create();
  const all = allLayerCases();
  const analysed = new Map<string, OurCase>();
  try {
    for (const { cases, rejected } of all) for (const c of [...cases, ...rejected]) analysed.set(c.id, analyzeCase(analyzer, c));
  } finally {
    analyzer.dispose();
  }
  // Per case and backend: the value difference, or undefined where the values agree.
  const valueDifferences = new Map<string, string | undefined>();
  for (const backend of backends) {
    const evaluator = await Evaluator.create(backend);
    if (evaluator.backend.name !== backend) throw new Error(`the ${backend} backend did not start: ${evaluator.backend.reason}`);
    for (const { entry, cases } of all) {
      if (!isModelled(entry.class)) continue;
      for (const c of cases.filter((k) => k.values))
        valueDifferences.set(`${c.id} ${backend}`, describeValues(await compareCaseValues(evaluator, c, analysed.get(c.id)!)));
    }
  }
  const classes = all.map(({ entry, cases, rejected }): ClassConformance => {
    const modelled = isModelled(entry.class);
    let shapes = 0;
    let params = 0;
    let unknown = 0;
    const values: Record<string, number> = Object.fromEntries(backends.map((b) => [b, 0]));
    const wrong: CaseDifference[] = [];
    const inexact: CaseDifference[] = [];
    const dtypes: CaseDifference[] = [];
    for (const c of cases) {
      const ours = analysed.get(c.id)!;
      const keras = c.outputs!.map((o) => o.shape);
      if (JSON.stringify(ours.shapes) === JSON.stringify(keras)) shapes++;
      if (ours.params === c.params) params++;
      if (ours.shapes === null || ours.params === null || ours.shapes.some((s) => s.some((d) => typeof d === 'string'))) unknown++;
      const w = wrongValues(c, ours);
      if (w.length > 0) wrong.push(difference(c, 'never-wrong', w));
      const d = dtypeDifferences(c, ours);
      if (d.length > 0) dtypes.push(difference(c, 'dtypes', d));
      if (!modelled) continue;
      const x = inexactValues(c, ours);
      if (x.length > 0) inexact.push(difference(c, 'shapes', x));
      if (!c.values) continue;
      for (const backend of backends) {
        const v = valueDifferences.get(`${c.id} ${backend}`);
        if (v === undefined) values[backend]!++;
        else inexact.push(difference(c, `values:${backend}`, [v]));
      }
    }
    return {
      class: entry.class,
      aliases: entry.aliases,
      status: entry.status,
      ...(entry.reason !== undefined && { reason: entry.reason }),
      modelled,
      cases: cases.length,
      shapes,
      params,
      unknown,
      valueCases: cases.filter((c) => c.values).length,
      values,
      wrong,
      inexact,
      dtypes,
      rejected: rejected.map((c) => ({
        id: c.id,
        variant: c.variant,
        keras: c.error!,
        ours: analysed.get(c.id)!.problems.map(({ severity, code, message }) => ({ severity, code, message })),
      })),
    };
  });
  return { keras: index.keras, names: index.names, backends, classes };
}

const firstLine = (text: string): string => text.split('\n').find((l) => l.trim() !== '') ?? '';

/** Keras's message without the frame it puts around errors raised in call() ("Exception encountered when calling …"). */
export function kerasMessageCore(message: string): string {
  const framed = /^Exception encountered when calling [^\n]*\n\n([\s\S]*?)(\n\nArguments received by[\s\S]*)?$/.exec(message);
  return firstLine(framed ? framed[1]! : message);
}

/** What a class is to a user, in a few words: verified against Keras, with differences, or refused and why. */
function verdict(c: ClassConformance): string {
  const refusal = layerEntry(c.class)?.rule?.unsupported;
  if (refusal) return `refused: ${refusal}`;
  if (c.status !== 'ok') return `${c.modelled ? 'modelled, no Keras case' : 'not modelled'}: ${firstLine(c.reason ?? '')}`;
  if (!c.modelled) return 'not modelled';
  const differing = new Set([...c.wrong, ...c.inexact].map((d) => d.id)).size;
  return differing === 0 ? 'verified' : `differs on ${differing} of ${c.cases} cases`;
}

/** The summary lines and the table of every class (README's "Every layer class" carries them). */
export function formatClassTable(report: LayerConformance): string {
  const b = report.backends;
  const rows = report.classes.map((c) => {
    const name = c.aliases.length > 1 ? `${c.class} (${c.aliases.filter((a) => a !== c.class).join(', ')})` : c.class;
    const what = verdict(c).replaceAll('|', '\\|');
    if (c.status !== 'ok') return `| ${name} | ${what} | | | | | | |`;
    const values = b.map((backend) => `${c.values[backend]}/${c.valueCases}`).join(', ');
    return `| ${name} | ${what} | ${c.cases} | ${c.shapes} | ${c.params} | ${c.modelled ? values : '–'} | ${c.wrong.length} | ${c.rejected.length} |`;
  });
  const rejected = report.classes.reduce((n, c) => n + c.rejected.length, 0);
  const total = (f: (c: ClassConformance) => number) => report.classes.reduce((n, c) => n + f(c), 0);
  return [
    `Layer classes of Keras ${report.keras}: ${report.classes.length} classes (${report.names} names), ` +
      `${total((c) => (c.status === 'ok' ? 1 : 0))} with cases, ${total((c) => c.cases)} cases, ${rejected} rejected by Keras; ` +
      `${total((c) => (c.modelled && c.status === 'ok' ? 1 : 0))} classes modelled, ${total((c) => (verdict(c) === 'verified' ? 1 : 0))} verified on every case.`,
    `Exact shapes ${total((c) => c.shapes)}, exact parameter counts ${total((c) => c.params)}, ` +
      `values ${b.map((backend) => `${backend} ${total((c) => c.values[backend] ?? 0)}`).join(', ')} of ${total((c) => (c.modelled ? c.valueCases : 0))} ` +
      `(rtol 1e-5, atol 1e-6); never-wrong violations ${total((c) => c.wrong.length)}; exact-tier differences ${total((c) => c.inexact.length)}.`,
    '',
    `| layer class | verdict | cases | exact shapes | exact params | values (${b.join(', ')}) | never-wrong violations | rejected by Keras |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** The class table, then the lists behind its counts. */
export function formatLayerConformance(report: LayerConformance): string {
  const all = (f: (c: ClassConformance) => readonly CaseDifference[]) => report.classes.flatMap(f);
  const line = (d: CaseDifference) =>
    `- ${d.id} ${d.class} ${JSON.stringify(d.kwargs)} on ${d.input} [${d.check}]: ${d.differences.join('; ')}`;
  const rejected = report.classes.flatMap((c) => c.rejected.map((r) => ({ ...r, class: c.class })));
  return [
    formatClassTable(report),
    '',
    '### Never-wrong violations',
    ...all((c) => c.wrong).map(line),
    '',
    '### Exact-tier differences (modelled classes)',
    ...all((c) => c.inexact).map(line),
    '',
    '### Output dtypes that differ from Keras (not asserted)',
    ...all((c) => c.dtypes).map(line),
    '',
    '### Arguments Keras rejects: what Tensor Lens says',
    ...rejected.map(
      (r) =>
        `- ${r.id} ${r.class} ${r.variant ? `${r.variant.parameter}=${JSON.stringify(r.variant.value)}` : ''}: Keras (${r.keras.stage}) ${r.keras.type}: ${kerasMessageCore(r.keras.message)}\n` +
        `  ours: ${r.ours.length === 0 ? 'no diagnostic' : r.ours.map((o) => `${o.severity} [${o.code}] ${firstLine(o.message)}`).join(' | ')}`,
    ),
    '',
  ].join('\n');
}

/** The exact-tier differences as layer-cases.test.ts's `knownDifferences` object literal. */
export function formatKnownDifferences(report: LayerConformance): string {
  const entries = report.classes
    .flatMap((c) => [...c.wrong, ...c.inexact])
    .map((d) => `  ${JSON.stringify(`${d.id} ${d.check}`)}: ${JSON.stringify(d.differences)},`);
  return `{\n${entries.join('\n')}\n}\n`;
}

const readmeStart = '<!-- layer-conformance: written by `node --import tsx test/conformance/layer-report.ts --readme` -->';
const readmeEnd = '<!-- /layer-conformance -->';

/** README.md with its class table replaced by this report's. */
export function withClassTable(readme: string, report: LayerConformance): string {
  const start = readme.indexOf(readmeStart);
  const end = readme.indexOf(readmeEnd);
  if (start < 0 || end < start) throw new Error(`README.md has no ${readmeStart} … ${readmeEnd} section`);
  return `${readme.slice(0, start + readmeStart.length)}\n${formatClassTable(report)}\n${readme.slice(end)}`;
}

export const readmePath = join(import.meta.dirname, '..', '..', 'README.md');

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const report = await layerConformance();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  else if (process.argv.includes('--known-differences')) process.stdout.write(formatKnownDifferences(report));
  else if (process.argv.includes('--readme')) writeFileSync(readmePath, withClassTable(readFileSync(readmePath, 'utf8'), report));
  else process.stdout.write(formatLayerConformance(report));
}
