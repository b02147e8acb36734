// The command line of `npm run fuzz -- [options]`.

import { parseArgs } from 'node:util';
import type { CorpusSource } from './corpus/corpus-file.js';

export interface FuzzOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly strict: boolean;
  readonly json: boolean;
  readonly sources: readonly CorpusSource[];
  /** Fuzz these files only (e.g. a reproduction from test-results/fuzz). */
  readonly files: readonly string[];
  readonly whole: boolean;
  readonly timeoutMs: number;
  readonly stallMs: number;
  readonly evaluationStallMs: number;
  readonly fileSeconds: number;
  readonly kerasTests: number;
  /** Generated programs; undefined: 40, then more until the time budget ends. */
  readonly generated: number | undefined;
  readonly huge: boolean;
  readonly killRate: number;
  readonly evaluateRate: number;
  /** Chance that a file is fuzzed as the last cell of a Jupyter notebook, below a cell of imports. */
  readonly notebookRate: number;
  /** Build dist/ first: always, never, or when src/ is newer (auto). */
  readonly build: 'always' | 'never' | 'auto';
  readonly out: string;
}

export const usage = `npm run fuzz -- [options]

Grows model files line by line (and cut at random characters) in the real language
server over stdio, asking for hovers, inlay hints, code lenses, the tensor list and
evaluations after each step, and killing the evaluation worker at random.

  --seconds N          time budget of the steps (default 60)
  --seed N|random      seed of the corpus, the steps and the requests (default 1)
  --strict             fail on stalls, internal-error diagnostics, logged errors and
                       invalid answers too (by default: error responses, crashes, time-outs)
  --json               print the findings as JSON on stdout (the report goes to stderr)
  --sources LIST       repository,keras-tests,generated,adversarial (default: all four)
  --files A.py,B.py    only these files (e.g. a reproduction: --files test-results/fuzz/3.py --whole)
  --whole              one step per file: the whole text
  --timeout-ms N       time limit of each request (default 10000)
  --stall-ms N         a request slower than this is a stall (default 1000)
  --evaluation-stall-ms N  the same for tensorLens/evaluateTensor, which runs a model (default 5000)
  --file-seconds N     time spent at most on one file (default: seconds / 6, at least 8)
  --keras-tests N      Keras test files sampled (default: seconds / 6, 3 to 30)
  --generated N        generated programs (default: 40 in the mix, then more until the budget ends)
  --no-huge            leave out the generated ~5 MB file
  --kill-rate P        chance of killing the worker at each step (default 0.05)
  --evaluate-rate P    chance of evaluating a listed tensor at each step (default 0.25)
  --notebook-rate P    chance of fuzzing a file as a notebook's last cell (default 0.25)
  --build              build dist/ first (node esbuild.js); by default only when src/ is newer
  --no-build           use dist/ as it is
                       (either way the server runs from a copy of dist/ in the output folder)
  --out DIR            findings and reproductions (default test-results/fuzz)
`;

const allSources: readonly CorpusSource[] = ['repository', 'keras-tests', 'generated', 'adversarial'];

function number(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} wants a number, not ${value}`);
  return parsed;
}

export function parseOptions(argv: readonly string[]): FuzzOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string' },
      seed: { type: 'string' },
      strict: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      sources: { type: 'string' },
      files: { type: 'string', multiple: true },
      whole: { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
      'stall-ms': { type: 'string' },
      'evaluation-stall-ms': { type: 'string' },
      'file-seconds': { type: 'string' },
      'keras-tests': { type: 'string' },
      generated: { type: 'string' },
      'no-huge': { type: 'boolean', default: false },
      'kill-rate': { type: 'string' },
      'evaluate-rate': { type: 'string' },
      'notebook-rate': { type: 'string' },
      build: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const seconds = number(values.seconds, 60, 'seconds');
  const sources = values.sources ? values.sources.split(',').map((s) => s.trim()) : allSources;
  for (const source of sources)
    if (!allSources.includes(source as CorpusSource)) throw new Error(`unknown source ${source}: use ${allSources.join(', ')}`);
  const files = (values.files ?? []).flatMap((list) => list.split(',')).filter(Boolean);
  return {
    seconds,
    seed: values.seed === 'random' ? Math.floor(Math.random() * 2 ** 31) : number(values.seed, 1, 'seed'),
    strict: values.strict,
    json: values.json,
    sources: files.length ? ['files'] : (sources as CorpusSource[]),
    files,
    whole: values.whole,
    timeoutMs: number(values['timeout-ms'], 10_000, 'timeout-ms'),
    stallMs: number(values['stall-ms'], 1000, 'stall-ms'),
    evaluationStallMs: number(values['evaluation-stall-ms'], 5000, 'evaluation-stall-ms'),
    fileSeconds: number(values['file-seconds'], Math.max(8, seconds / 6), 'file-seconds'),
    kerasTests: number(values['keras-tests'], Math.min(30, Math.max(3, Math.round(seconds / 6))), 'keras-tests'),
    generated: values.generated === undefined ? undefined : number(values.generated, 40, 'generated'),
    huge: !values['no-huge'],
    killRate: number(values['kill-rate'], 0.05, 'kill-rate'),
    evaluateRate: number(values['evaluate-rate'], 0.25, 'evaluate-rate'),
    notebookRate: number(values['notebook-rate'], 0.25, 'notebook-rate'),
    build: values.build ? 'always' : values['no-build'] ? 'never' : 'auto',
    out: values.out ?? 'test-results/fuzz',
  };
}
