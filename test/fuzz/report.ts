// The end of a run: a summary for people (counts, the distinct problems with
// the input that causes each, stalls, memory peaks, latencies) and the same as
// JSON, then the closing line `fuzz: N passed, M failed` (steps).

import type { EvaluationError } from './evaluation-errors.js';
import { failingKinds, kindTitles, toJson, type Finding, type FindingKind } from './findings.js';
import type { FileRun } from './fuzz-file.js';
import type { Growth, Peak } from './memory-monitor.js';
import type { Latencies } from './session.js';
import { describeStep, type StepRef } from './step-ref.js';

export interface RunSummary {
  readonly seed: number;
  readonly seconds: number;
  readonly strict: boolean;
  readonly elapsedSeconds: number;
  readonly corpus: string[];
  readonly files: FileRun[];
  readonly findings: Finding[];
  readonly evaluationErrors: EvaluationError[];
  readonly serverPeak: Peak | undefined;
  readonly workerPeak: Peak | undefined;
  readonly serverGrowth: Growth[];
  readonly workersSeen: number;
  readonly latencies: Latencies;
  readonly restarts: number;
  readonly workerKills: number;
  readonly passed: number;
  readonly failed: number;
  readonly exitCode: number;
}

const kindOrder: FindingKind[] = [
  'crash',
  'unresponsive',
  'timeout',
  'error-response',
  'stall',
  'internal-error',
  'logged-error',
  'invalid-response',
];

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

export function latencyRows(
  latencies: Latencies,
): { method: string; count: number; p50: number; p95: number; max: number; slowest: StepRef | undefined }[] {
  return Object.entries(latencies).map(([method, { times, slowest }]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { method, count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0, slowest };
  });
}

function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}

function findingLines(finding: Finding): string[] {
  const where = `${finding.method ? `${finding.method}  ` : ''}×${finding.count} in ${finding.files.size} file${finding.files.size === 1 ? '' : 's'}`;
  const lines = [
    `  #${finding.id}  ${where}`,
    `      ${indent(finding.message, '      ')}`,
    `      first: ${describeStep(finding.first.at)} → ${finding.repro}`,
  ];
  if (finding.worst !== finding.first) lines.push(`      worst: ${finding.worst.ms} ms at ${describeStep(finding.worst.at)}`);
  return lines;
}

export function renderText(summary: RunSummary): string {
  const out: string[] = [''];
  const steps = summary.passed + summary.failed;
  const complete = summary.files.filter((run) => !run.stopped).length;
  out.push(
    `== fuzz summary: seed ${summary.seed}, ${summary.elapsedSeconds.toFixed(0)} s of a ${summary.seconds} s budget${summary.strict ? ', strict' : ''} ==`,
  );
  for (const note of summary.corpus) out.push(`corpus: ${note}`);
  const bySource = new Map<string, number>();
  for (const run of summary.files) bySource.set(run.file.source, (bySource.get(run.file.source) ?? 0) + 1);
  out.push(
    `files: ${summary.files.length} fuzzed (${complete} to their last step; ${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')}), ${steps} steps`,
  );
  out.push(
    `worker: ${summary.workersSeen} worker processes seen, ${summary.workerKills} killed (SIGKILL); server restarts: ${summary.restarts}`,
  );
  for (const kind of kindOrder) {
    const found = summary.findings.filter((f) => f.kind === kind).sort((a, b) => b.count - a.count);
    if (found.length === 0) continue;
    const fails = failingKinds.has(kind) || summary.strict;
    const total = found.reduce((sum, f) => sum + f.count, 0);
    out.push('', `${kindTitles[kind]}: ${found.length} distinct, ${total} in all${fails ? '' : ' (reported; fail only with --strict)'}`);
    for (const finding of found.slice(0, 12)) out.push(...findingLines(finding));
    if (found.length > 12) out.push(`  … ${found.length - 12} more in findings.json`);
  }
  if (summary.findings.length === 0) out.push('', 'no problems found');
  if (summary.evaluationErrors.length) {
    out.push(
      '',
      'evaluations answered with an error instead of values (not failures; "after kill" = the fuzzer killed the worker while it ran):',
    );
    for (const e of summary.evaluationErrors.slice(0, 8))
      out.push(
        `  ×${e.count}${e.afterKill ? ` (${e.afterKill} after kill)` : ''}  ${e.message.slice(0, 200)}  [first: ${describeStep(e.first)}]`,
      );
  }
  out.push('', 'memory (peak resident set, VmHWM):');
  const peak = (what: string, p: Peak | undefined): string =>
    p ? `  ${what}: ${mb(p.kb)} (pid ${p.pid})${p.at ? `, first seen during ${describeStep(p.at)}` : ''}` : `  ${what}: not seen`;
  out.push(peak('server', summary.serverPeak), peak('worker', summary.workerPeak));
  const growth = [...summary.serverGrowth].sort((a, b) => b.kb - a.kb).slice(0, 5);
  if (growth.length) out.push('  steps that grew the server peak most:');
  for (const g of growth) out.push(`    +${mb(g.kb)}  ${describeStep(g.at)}`);
  out.push('', 'latency per request (ms):');
  for (const row of latencyRows(summary.latencies)) {
    out.push(`  ${row.method.padEnd(28)} ${String(row.count).padStart(6)} requests  p50 ${row.p50}  p95 ${row.p95}  max ${row.max}`);
    if (row.slowest) out.push(`  ${''.padEnd(28)} slowest: ${describeStep(row.slowest)}`);
  }
  out.push('', `fuzz: ${summary.passed} passed, ${summary.failed} failed`);
  return out.join('\n') + '\n';
}

export function renderJson(summary: RunSummary): string {
  return (
    JSON.stringify(
      {
        seed: summary.seed,
        seconds: summary.seconds,
        strict: summary.strict,
        elapsedSeconds: Math.round(summary.elapsedSeconds),
        corpus: summary.corpus,
        files: summary.files.map((run) => ({
          file: run.file.name,
          source: run.file.source,
          steps: run.done.length,
          planned: run.planned,
          ...(run.stopped && { stopped: run.stopped }),
          ms: run.ms,
        })),
        findings: summary.findings.map(toJson),
        evaluationErrors: summary.evaluationErrors,
        memory: {
          serverPeakKb: summary.serverPeak?.kb,
          serverPeakAt: summary.serverPeak?.at,
          workerPeakKb: summary.workerPeak?.kb,
          workerPeakAt: summary.workerPeak?.at,
          serverGrowth: [...summary.serverGrowth].sort((a, b) => b.kb - a.kb).slice(0, 10),
        },
        latency: latencyRows(summary.latencies),
        workersSeen: summary.workersSeen,
        workerKills: summary.workerKills,
        restarts: summary.restarts,
        passed: summary.passed,
        failed: summary.failed,
        exitCode: summary.exitCode,
        closing: `fuzz: ${summary.passed} passed, ${summary.failed} failed`,
      },
      null,
      2,
    ) + '\n'
  );
}
