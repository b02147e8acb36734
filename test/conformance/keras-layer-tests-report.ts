// The pass rate of Tensor Lens on Keras's own layer tests (reference/keras-layer-tests.json:
// the run_layer_test cases and the asserted layer calls), by test file, as a Markdown table:
//   node --import tsx test/conformance/keras-layer-tests-report.ts
// A case passes when our output shapes are Keras's and the analysis reports no
// error or warning; it is unknown when we say we do not know the output (with a
// reason); wrong when a shape differs or an error or warning Keras does not raise
// is reported; skipped when it cannot be written as source (the reasons are listed).

import { pathToFileURL } from 'node:url';
import { Analyzer } from '../../src/analysis/analyze.js';
import { type CaseResult, describeResult, judgeAll, type MinedDocument, minedReference } from './keras-layer-tests.js';

export interface FileRate {
  readonly file: string;
  readonly total: number;
  readonly passed: number;
  readonly unknown: number;
  readonly wrong: number;
  readonly skipped: number;
  /** Cases of classes Tensor Lens models (the EXACT tier), and how many of them pass. */
  readonly modelled: number;
  readonly modelledPassed: number;
  /** Of the passing cases with Keras's parameter count: how many of ours agree. */
  readonly paramsCompared: number;
  readonly paramsAgree: number;
  /** Of the passing cases: how many have Keras's output dtypes. */
  readonly dtypesAgree: number;
  readonly skipReasons: ReadonlyMap<string, number>;
}

export interface PassRates {
  readonly files: FileRate[];
  readonly overall: FileRate;
  readonly bySource: { readonly runLayerTest: FileRate; readonly shapeAssertions: FileRate };
  /** Test files with no run_layer_test case, and files that failed to collect. */
  readonly withoutCases: { readonly file: string; readonly why: string }[];
  readonly results: CaseResult[];
}

function dtypesAgree(r: CaseResult): boolean {
  return !!r.dtypes && r.dtypes.ours.length === r.dtypes.keras.length && r.dtypes.ours.every((d, i) => d === r.dtypes!.keras[i]);
}

function tally(file: string, results: readonly CaseResult[]): FileRate {
  const reasons = new Map<string, number>();
  for (const r of results) for (const reason of r.skip ?? []) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  const count = (p: (r: CaseResult) => boolean): number => results.filter(p).length;
  const compared = results.filter((r) => r.status === 'exact' && r.params);
  return {
    file,
    total: results.length,
    passed: count((r) => r.status === 'exact'),
    unknown: count((r) => r.status === 'unknown'),
    wrong: count((r) => r.status === 'wrong'),
    skipped: count((r) => r.status === 'skipped'),
    modelled: count((r) => r.claimed && r.status !== 'skipped'),
    modelledPassed: count((r) => r.claimed && r.status === 'exact'),
    paramsCompared: compared.length,
    paramsAgree: compared.filter((r) => r.params!.ours === r.params!.keras).length,
    dtypesAgree: count((r) => r.status === 'exact' && dtypesAgree(r)),
    skipReasons: reasons,
  };
}

/** Judges every case and counts, per test file and overall. */
export function passRates(analyzer: Analyzer, document: MinedDocument = minedReference()): PassRates {
  const results = judgeAll(analyzer, document);
  const files = document.files
    .filter((f) => f.cases + (f.shape_assertions ?? 0) > 0)
    .map((f) =>
      tally(
        f.file,
        results.filter((r) => r.case.file === f.file),
      ),
    );
  const withoutCases = document.files
    .filter((f) => f.cases + (f.shape_assertions ?? 0) === 0)
    .map((f) => ({
      file: f.file,
      why: f.collect_error
        ? `failed to collect: ${f.collect_error}`
        : f.tests_run === 0
          ? `no test calls run_layer_test${f.tests_run_for_shape_assertions ? `, and no shape assertion of ${f.tests_run_for_shape_assertions} test(s) follows a layer call` : ''}`
          : `${f.tests_run} test(s) reach run_layer_test but recorded no case`,
    }));
  return {
    files,
    overall: tally('all', results),
    bySource: {
      runLayerTest: tally(
        'run_layer_test',
        results.filter((r) => r.case.origin === undefined),
      ),
      shapeAssertions: tally(
        'assertEqual',
        results.filter((r) => r.case.origin === 'assertEqual'),
      ),
    },
    withoutCases,
    results,
  };
}

const percent = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);
const short = (file: string): string => file.replace(/^keras\/src\/layers\//, '');
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(rates: PassRates, document: MinedDocument = minedReference()): string {
  const row = (f: FileRate, name: string): string =>
    `| ${name} | ${f.passed} / ${f.total - f.skipped} | ${percent(f.passed, f.total - f.skipped)} | ${f.unknown} | ${f.wrong} | ${f.skipped} | ${f.modelledPassed} / ${f.modelled} | ${f.paramsAgree} / ${f.paramsCompared} | ${f.dtypesAgree} / ${f.passed} |`;
  const o = rates.overall;
  const sentence = (f: FileRate, what: string): string =>
    `${f.total} ${what}: ${f.passed} pass (${percent(f.passed, f.total - f.skipped)} of the ${f.total - f.skipped} written as source, ` +
    `${percent(f.passed, f.total)} of all), ${f.unknown} unknown, ${f.wrong} wrong, ${f.skipped} skipped.`;
  const lines = [
    `## Keras's own layer tests (Keras ${document.keras}, ${document.backend})`,
    '',
    `${sentence(o, `cases in ${rates.files.length} test files`)} ` +
      `Modelled classes: ${o.modelledPassed} / ${o.modelled} exact. Parameter counts agree on ${o.paramsAgree} / ${o.paramsCompared} passing cases, ` +
      `output dtypes on ${o.dtypesAgree} / ${o.passed}.`,
    '',
    `- ${sentence(rates.bySource.runLayerTest, 'calls of run_layer_test')}`,
    `- ${sentence(rates.bySource.shapeAssertions, 'layer calls whose output shape a test asserts (assertEqual), replayed symbolically by Keras')}`,
    '',
    "A case passes when our output shapes are Keras's and the analysis reports no error or warning; unknown: we say we do not know (with a reason); " +
      'wrong: a shape differs, or an error or warning Keras does not raise. The pass rate is of the cases written as source (not skipped).',
    '',
    '| test file | passed | pass rate | unknown | wrong | skipped | modelled classes exact | params agree | dtypes agree |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rates.files.map((f) => row(f, short(f.file))),
    row(o, '**all**'),
  ];
  const wrong = rates.results.filter((r) => r.status === 'wrong');
  if (wrong.length > 0) lines.push('', `### Wrong (${wrong.length})`, '', ...wrong.map((r) => `- ${cell(describeResult(r))}`));
  const modelledUnknown = rates.results.filter((r) => r.claimed && r.status === 'unknown');
  if (modelledUnknown.length > 0)
    lines.push(
      '',
      `### Modelled classes, unknown (${modelledUnknown.length})`,
      '',
      ...modelledUnknown.map((r) => `- ${cell(describeResult(r))}`),
    );
  const paramDiffs = rates.results.filter((r) => r.status === 'exact' && r.params && r.params.ours !== r.params.keras);
  if (paramDiffs.length > 0)
    lines.push(
      '',
      `### Parameter counts that differ (${paramDiffs.length})`,
      '',
      ...paramDiffs.map(
        (r) => `- ${cell(`${short(r.case.file)}::${r.id} ${r.className}: ours ${r.params!.ours}, Keras ${r.params!.keras}`)}`,
      ),
    );
  const dtypeDiffs = rates.results.filter((r) => r.status === 'exact' && r.dtypes && !dtypesAgree(r));
  if (dtypeDiffs.length > 0)
    lines.push(
      '',
      `### Output dtypes that differ (${dtypeDiffs.length})`,
      '',
      ...dtypeDiffs.map(
        (r) =>
          `- ${cell(`${short(r.case.file)}::${r.id} ${r.className}: ours ${r.dtypes!.ours.join(', ')}, Keras ${r.dtypes!.keras.join(', ')}`)}`,
      ),
    );
  const unknownReasons = new Map<string, number>();
  for (const r of rates.results.filter((r) => r.status === 'unknown')) {
    const reason = `${r.className}: ${r.unknownReason}`;
    unknownReasons.set(reason, (unknownReasons.get(reason) ?? 0) + 1);
  }
  lines.push(
    '',
    '### Unknown, by reason',
    '',
    '| cases | reason |',
    '| ---: | --- |',
    ...[...unknownReasons].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([reason, n]) => `| ${n} | ${cell(reason)} |`),
  );
  lines.push('', '### Skipped, by reason', '', '| test file | cases | reason |', '| --- | ---: | --- |');
  for (const f of rates.files)
    for (const [reason, n] of [...f.skipReasons].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`| ${short(f.file)} | ${n} | ${cell(reason)} |`);
  const raising = rates.results.filter((r) => r.whenKerasRaises);
  if (raising.length > 0)
    lines.push(
      '',
      `Of the ${raising.length} skipped cases where Keras raises, Tensor Lens reports an error on ${raising.filter((r) => r.whenKerasRaises!.length > 0).length}.`,
    );
  if (rates.withoutCases.length > 0)
    lines.push(
      '',
      `### Test files without cases (${rates.withoutCases.length})`,
      '',
      ...rates.withoutCases.map((f) => `- ${short(f.file)}: ${cell(f.why)}`),
    );
  if (document.tests_without_cases.length > 0)
    lines.push(
      '',
      `### Tests that reach run_layer_test but recorded no case (${document.tests_without_cases.length})`,
      '',
      ...document.tests_without_cases.map((t) => `- ${short(t.file)}::${t.test}: ${t.outcome}${t.reason ? ` (${cell(t.reason)})` : ''}`),
    );
  if (document.shims.length > 0) lines.push('', `Modules stood in for while mining: ${document.shims.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const analyzer = await Analyzer.create();
  const document = minedReference();
  const rates = passRates(analyzer, document);
  analyzer.dispose();
  process.stdout.write(markdownReport(rates, document));
}
