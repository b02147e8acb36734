// The pass rate of Tensor Lens on Keras's own ops shape tests (reference/keras-ops-tests.json: the
// calls of keras.ops functions on KerasTensors that the *ShapeTest classes of keras/src/ops make),
// overall, by test file and by op family, as Markdown:
//   node --import tsx test/conformance/keras-ops-tests-report.ts
//   node --import tsx test/conformance/keras-ops-tests-report.ts --known-differences   # the table of keras-ops-tests.test.ts
//   node --import tsx test/conformance/keras-ops-tests-report.ts --cases 'conv|pool'   # every case of the matching ops, one a line
// A case passes when our output shapes and dtypes are Keras's with no error or warning (or, where
// Keras raises, when we report an error); unknown: we say we do not know (with a reason); wrong:
// a shape or dtype differs, or an error or warning where Keras accepts; missed: Keras raises and we
// report no error; skipped: it cannot be written as source (every reason is listed).

import { pathToFileURL } from 'node:url';
import { Analyzer } from '../../src/analysis/analyze.js';
import { describeResult, difference, judgeAll, opsReference, type OpsDocument, type OpsResult, type OpsStatus } from './keras-ops-tests.js';

export interface Rate {
  readonly name: string;
  readonly total: number;
  readonly counts: Readonly<Record<OpsStatus, number>>;
  /** Cases of ops the registry models, and how many of them pass. */
  readonly modelled: number;
  readonly modelledPassed: number;
}

export interface OpsPassRates {
  readonly overall: Rate;
  readonly files: Rate[];
  readonly families: Rate[];
  readonly results: OpsResult[];
  /** Public functions no case calls. */
  readonly neverExercised: string[];
}

function tally(name: string, results: readonly OpsResult[]): Rate {
  const counts: Record<OpsStatus, number> = { pass: 0, unknown: 0, wrong: 0, missed: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  const modelled = results.filter((r) => r.modelled && r.status !== 'skipped');
  return {
    name,
    total: results.length,
    counts,
    modelled: modelled.length,
    modelledPassed: modelled.filter((r) => r.status === 'pass').length,
  };
}

function groupBy(results: readonly OpsResult[], key: (r: OpsResult) => string): Rate[] {
  const groups = new Map<string, OpsResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, rs]) => tally(name, rs));
}

export function opsPassRates(analyzer: Analyzer, document: OpsDocument = opsReference()): OpsPassRates {
  const results = judgeAll(analyzer, document);
  const exercised = new Set(document.cases.map((c) => c.op));
  return {
    overall: tally('all', results),
    files: groupBy(results, (r) => r.file),
    families: groupBy(results, (r) => r.family),
    results,
    neverExercised: Object.keys(document.public_ops).filter((op) => !exercised.has(op)),
  };
}

/** The cases the test must pin: any wrong case, and any case of a modelled op that does not pass. */
export function needsPinning(r: OpsResult): boolean {
  return r.status === 'wrong' || (r.modelled && r.status !== 'pass' && r.status !== 'skipped');
}

const percent = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function row(rate: Rate, name = rate.name): string {
  const c = rate.counts;
  const written = rate.total - c.skipped;
  return `| ${name} | ${c.pass} / ${written} | ${percent(c.pass, written)} | ${c.unknown} | ${c.wrong} | ${c.missed} | ${c.skipped} | ${rate.modelledPassed} / ${rate.modelled} |`;
}

const header = (first: string): string[] => [
  `| ${first} | passed | pass rate | unknown | wrong | missed | skipped | modelled ops pass |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

function listSection(title: string, results: readonly OpsResult[]): string[] {
  return results.length === 0 ? [] : ['', `### ${title} (${results.length})`, '', ...results.map((r) => `- ${cell(describeResult(r))}`)];
}

export function markdownReport(rates: OpsPassRates, document: OpsDocument = opsReference()): string {
  const o = rates.overall;
  const written = o.total - o.counts.skipped;
  const calls = document.files.reduce((n, f) => n + f.calls, 0);
  const opsExercised = Object.keys(document.public_ops).length - rates.neverExercised.length;
  const modelledOps = new Set(rates.results.filter((r) => r.modelled).map((r) => r.case.op));
  const lines = [
    `## Keras's own ops shape tests (Keras ${document.keras}, ${document.backend})`,
    '',
    `${o.total} distinct cases (${calls} calls of keras.ops functions on KerasTensors in the *ShapeTest classes of ${document.files.length} test files, ` +
      `${opsExercised} of the ${Object.keys(document.public_ops).length} public functions): ${o.counts.pass} pass ` +
      `(${percent(o.counts.pass, written)} of the ${written} written as source, ${percent(o.counts.pass, o.total)} of all), ` +
      `${o.counts.unknown} unknown, ${o.counts.wrong} wrong, ${o.counts.missed} missed, ${o.counts.skipped} skipped. ` +
      `Modelled ops (${modelledOps.size} exercised): ${o.modelledPassed} / ${o.modelled} cases pass.`,
    '',
    "A case passes when our output shapes and dtypes are Keras's and the analysis reports no error or warning, or, where Keras raises, " +
      'when it reports an error; unknown: we say we do not know (with a reason); wrong: a shape or dtype differs, or an error or warning ' +
      'where Keras accepts; missed: Keras raises and we report no error. The pass rate is of the cases written as source (not skipped).',
    '',
    ...header('test file'),
    ...rates.files.map((f) => row(f)),
    row(o, '**all**'),
    '',
    ...header('op family'),
    ...rates.families.map((f) => row(f)),
    row(o, '**all**'),
  ];
  lines.push(
    ...listSection(
      'Wrong',
      rates.results.filter((r) => r.status === 'wrong'),
    ),
  );
  lines.push(
    ...listSection(
      'Modelled ops, not passing',
      rates.results.filter((r) => r.modelled && r.status !== 'pass' && r.status !== 'wrong' && r.status !== 'skipped'),
    ),
  );
  const missed = new Map<string, number>();
  for (const r of rates.results.filter((r) => r.status === 'missed' && !r.modelled))
    missed.set(r.case.op, (missed.get(r.case.op) ?? 0) + 1);
  if (missed.size > 0)
    lines.push(
      '',
      `### Missed errors of ops not modelled, by op (${[...missed.values()].reduce((a, b) => a + b, 0)})`,
      '',
      [...missed].map(([op, n]) => `${op} ${n}`).join(', '),
    );
  const unknownReasons = new Map<string, number>();
  for (const r of rates.results.filter((r) => r.status === 'unknown'))
    unknownReasons.set(r.unknownReason!, (unknownReasons.get(r.unknownReason!) ?? 0) + 1);
  lines.push(
    '',
    `### Unknown, by reason (${o.counts.unknown})`,
    '',
    '| cases | reason |',
    '| ---: | --- |',
    ...[...unknownReasons].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([reason, n]) => `| ${n} | ${cell(reason)} |`),
  );
  const skipped = rates.results.filter((r) => r.status === 'skipped');
  lines.push('', `### Skipped cases (${skipped.length})`, '', '| case | op | reason |', '| --- | --- | --- |');
  for (const r of skipped) lines.push(`| ${cell(r.case.id)} | ${r.case.op} | ${cell(r.skip ?? '')} |`);
  if (document.tests_without_cases.length > 0)
    lines.push(
      '',
      `### Tests that recorded no case (${document.tests_without_cases.length})`,
      '',
      ...document.tests_without_cases.map((t) => `- ${t.test}: ${t.outcome}${t.reason ? ` (${cell(t.reason)})` : ''}`),
    );
  if (document.failed_tests_with_cases.length > 0)
    lines.push(
      '',
      `### Tests that failed after recording cases (${document.failed_tests_with_cases.length})`,
      '',
      ...document.failed_tests_with_cases.map((t) => `- ${t.test}: ${cell(t.reason)}`),
    );
  const collectErrors = document.files.filter((f) => f.collect_error);
  if (collectErrors.length > 0)
    lines.push('', '### Files that failed to collect', '', ...collectErrors.map((f) => `- ${f.file}: ${cell(f.collect_error!)}`));
  lines.push(
    '',
    `### Public functions no shape test calls on a KerasTensor (${rates.neverExercised.length})`,
    '',
    rates.neverExercised.join(', ') || '(none)',
  );
  if (document.shims.length > 0) lines.push('', `Modules stood in for while mining: ${document.shims.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

/** The body of `knownDifferences` in keras-ops-tests.test.ts, from the current tree. */
export function knownDifferencesTable(results: readonly OpsResult[]): string {
  return results
    .filter(needsPinning)
    .map((r) => `  ${JSON.stringify(r.case.id)}: ${JSON.stringify(difference(r))},`)
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const analyzer = await Analyzer.create();
  const document = opsReference();
  const rates = opsPassRates(analyzer, document);
  analyzer.dispose();
  const casesFlag = process.argv.indexOf('--cases');
  if (casesFlag > 0) {
    const pattern = new RegExp(process.argv[casesFlag + 1] ?? '');
    const matching = rates.results.filter((r) => pattern.test(r.case.op));
    process.stdout.write(`${matching.map((r) => `${r.status}: ${describeResult(r)}`).join('\n')}\n`);
  } else {
    process.stdout.write(
      process.argv.includes('--known-differences') ? `${knownDifferencesTable(rates.results)}\n` : markdownReport(rates, document),
    );
  }
}
