// `npm run fuzz -- [options]`: the language server fuzzer. Builds dist/, starts
// the real server over stdio, grows every corpus file step by step with an
// editor's requests after each edit, kills the worker at random, and reports
// error responses, stalls, time-outs, crashes and memory peaks, each with the
// input that caused it (test-results/fuzz/<n>.py). Bounded by --seconds;
// reproducible with --seed. Exit code 1 when it found failures.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CorpusFile } from './corpus/corpus-file.js';
import { buildCorpus } from './corpus/index.js';
import { build, distIsStale, snapshotDist } from './dist-snapshot.js';
import { EvaluationErrors } from './evaluation-errors.js';
import { failingKinds, Findings } from './findings.js';
import { fuzzFile, type FileRun } from './fuzz-file.js';
import { MemoryMonitor } from './memory-monitor.js';
import { parseOptions, usage, type FuzzOptions } from './options.js';
import { Random } from './random.js';
import { renderJson, renderText, type RunSummary } from './report.js';
import { Session } from './session.js';
import { describeStep, type StepRef } from './step-ref.js';

const root = resolve(import.meta.dirname, '..', '..');

function options(): FuzzOptions {
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed !== 'help') return parsed;
    process.stdout.write(usage);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
}

/** Removes the findings of an earlier run (only the files this harness writes). */
function cleanOut(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir))
    if (/^\d+\.(py|json)$/.test(name) || name === 'findings.json') rmSync(join(outDir, name), { force: true });
}

const opts = options();
const report = opts.json ? process.stderr : process.stdout;
const say = (line: string): boolean => report.write(`${line}\n`);

if (opts.build === 'always' || (opts.build === 'auto' && distIsStale(root))) {
  say('fuzz: building dist/ (node esbuild.js)');
  const failure = build(root);
  if (failure) {
    process.stderr.write(`fuzz: the build failed:\n${failure}\n`);
    process.exit(2);
  }
}

// The corpus first: a reproduction being replayed from the output folder is read before the folder is emptied.
const random = new Random(opts.seed);
const corpus = buildCorpus(root, random.fork('corpus'), opts);
const outDir = resolve(root, opts.out);
cleanOut(outDir);
// The server runs from its own copy of dist/: builds by others during the run cannot break it.
const serverPath = snapshotDist(root, join(outDir, 'dist'));
say(`fuzz: seed ${opts.seed}, budget ${opts.seconds} s, ${corpus.files.length} files in the corpus, findings in ${opts.out}/`);
for (const note of corpus.notes) say(`  ${note}`);

const findings = new Findings(root, outDir, (finding) =>
  say(
    `  ! #${finding.id} ${finding.kind} ${finding.method ?? ''}: ${finding.message.split('\n')[0]!.slice(0, 160)}\n      at ${describeStep(finding.first.at)} → ${finding.repro}`,
  ),
);
const evaluationErrors = new EvaluationErrors();
// The monitor blames memory on the step running when it samples (the session's current step).
const monitor: MemoryMonitor = new MemoryMonitor((): StepRef | undefined => session.current);
const session = new Session(serverPath, opts, findings, monitor);

const started = performance.now();
const deadline = started + opts.seconds * 1000;
const runs: FileRun[] = [];
let fatal: string | undefined;
try {
  await session.ensureServer();
  const files = function* (): Generator<CorpusFile> {
    yield* corpus.files;
    while (corpus.more) yield corpus.more();
  };
  for (const file of files()) {
    if (performance.now() > deadline) break;
    const context = {
      session,
      findings,
      evaluationErrors,
      options: opts,
      random: random.fork(`file:${file.name}`),
      root,
      monitor,
      deadline,
    };
    const run = await fuzzFile(context, file);
    runs.push(run);
    const problems = run.done.filter((step) => findings.kindsAt(step).size > 0).length;
    const elapsed = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    say(
      `[${elapsed} s] ${file.source.padEnd(11)} ${file.name}: ${run.done.length}/${run.planned} steps in ${run.ms} ms${run.stopped ? ` (stopped: ${run.stopped})` : ''}${problems ? `, ${problems} with problems` : ''}`,
    );
  }
} catch (error) {
  fatal = error instanceof Error ? error.message : String(error);
  process.stderr.write(`fuzz: stopped: ${fatal}\n`);
} finally {
  await session.stop();
  monitor.dispose();
}

const steps = runs.flatMap((run) => run.done);
const failed = steps.filter((step) => findings.kindsAt(step).size > 0).length;
const failing = findings.all().some((finding) => opts.strict || failingKinds.has(finding.kind));
const summary: RunSummary = {
  seed: opts.seed,
  seconds: opts.seconds,
  strict: opts.strict,
  elapsedSeconds: (performance.now() - started) / 1000,
  corpus: corpus.notes,
  files: runs,
  findings: findings.all(),
  evaluationErrors: evaluationErrors.all(),
  serverPeak: monitor.serverPeak,
  workerPeak: monitor.workerPeak,
  serverGrowth: monitor.serverGrowth,
  workersSeen: monitor.workersSeen.size,
  latencies: session.latencies,
  restarts: session.restarts,
  workerKills: session.workerKills,
  passed: steps.length - failed,
  failed,
  exitCode: fatal ? 2 : failing ? 1 : 0,
};
const json = renderJson(summary);
writeFileSync(join(outDir, 'findings.json'), json);
report.write(renderText(summary));
if (opts.json) process.stdout.write(json);
process.exit(summary.exitCode);
