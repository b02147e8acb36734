// `tensor-lens`: the analysis of a Keras model file for terminals and CI.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Analyzer } from '../analysis/analyze.js';
import { diskSources, type ImportContext } from '../analysis/modules/module-sources.js';
import { notebookProgram, readIpynb, type NotebookCell } from '../analysis/notebook.js';
import { reportInCells } from './notebook-report.js';
import { buildReport } from '../graph/report.js';
import type { InputSource } from '../protocol/engine.js';
import type { Report } from '../protocol/report.js';
import { renderInspect, renderSummary } from './render.js';
import { evaluateReport, type ValueOptions } from './values.js';

const usage = `Usage: tensor-lens <command> FILE [options]

FILE is a Python file, or a Jupyter notebook (.ipynb): its code cells in order.

Commands:
  summary FILE   a model.summary()-style table for every model in the file
  inspect FILE   every tensor the file binds, with its shape, dtype and layer

Options:
  --json               print the machine-readable report (schema in the README)
  --path DIR           also search DIR for the modules FILE imports (after FILE's
                       own folder), as PYTHONPATH would; may be repeated
  --values             (inspect) evaluate every tensor on sample input: statistics,
                       histogram and NumPy-style values
  --input SOURCE       uniform (default, like np.random.rand), normal, zeros, ones,
                       or a .npy / .png / .jpg file
  --seed N             seed of the sample input and the initial weights (default 0)
  --batch N            size of every None dimension (default 1)
  --weights PATH       weights from a .weights.h5, .h5 or .keras file instead of
                       Keras's default initializers
  --backend NAME       auto (default: tfjs-node, else wasm, else cpu), node, wasm, cpu
  --python PATH        the Python interpreter (or environment) whose TensorFlow the
                       native backend loads (default: VIRTUAL_ENV, CONDA_PREFIX, or
                       a .venv or venv in the current folder)
  --timeout MS         time limit of one evaluation (default 10000)
  --memory-budget MB   refuse evaluations estimated above this (default 2048)
  -h, --help           show this help
  -v, --version        show the version

Exit status: 0 when the file was analysed (even with diagnostics), 2 for usage
errors or a file that cannot be read.`;

const maxFileBytes = 10 * 1024 * 1024;
/** A notebook carries its outputs (images, often): only its code cells are analysed, within the analysis's limits. */
const maxNotebookBytes = 64 * 1024 * 1024;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        values: { type: 'boolean' },
        input: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        weights: { type: 'string' },
        backend: { type: 'string' },
        python: { type: 'string' },
        timeout: { type: 'string' },
        'memory-budget': { type: 'string' },
        path: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command !== 'summary' && command !== 'inspect') {
    throw new UsageError(command ? `unknown command '${command}' (expected summary or inspect)` : 'missing command');
  }
  if (!file) throw new UsageError(`${command} needs a FILE`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const evaluation = values.values ? evaluationOptions(values) : undefined;
  if (evaluation && command !== 'inspect') throw new UsageError('--values goes with inspect');
  const notebook = /\.ipynb$/i.test(file);
  const text = readSource(file, notebook ? maxNotebookBytes : maxFileBytes);
  let cells: NotebookCell[] | undefined;
  try {
    cells = notebook ? readIpynb(text) : undefined;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const program = cells && notebookProgram(cells);
  const analyzer = await Analyzer.create();
  const imports: ImportContext = {
    file: resolve(file),
    searchRoots: ((values['path'] as string[] | undefined) ?? []).map((folder) => resolve(folder)),
    sources: diskSources(),
  };
  const analysis = await analyzer.analyzeFully(program?.text ?? text, undefined, imports);
  analyzer.dispose();
  let report: Report = buildReport(file, analysis);
  if (evaluation) report = await evaluateReport(report, analysis, evaluation);
  if (program && cells) report = reportInCells(report, program, cells);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(command === 'summary' ? renderSummary(report) : renderInspect(report));
  return 0;
}

function evaluationOptions(values: Record<string, string | string[] | boolean | undefined>): ValueOptions {
  const integer = (name: string, fallback: number, min: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (typeof text !== 'string' || !Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} takes a whole number of at least ${min}, not '${String(text)}'`);
    return n;
  };
  const backend = (values['backend'] ?? 'auto') as string;
  if (!['auto', 'node', 'wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend takes auto, node, wasm or cpu, not '${backend}'`);
  return {
    input: inputSource(values['input'] as string | undefined),
    seed: integer('seed', 0, 0),
    batchSize: integer('batch', 1, 1),
    weights: values['weights'] as string | undefined,
    backend: backend as ValueOptions['backend'],
    python: (values['python'] as string | undefined) ?? '',
    timeoutMs: integer('timeout', 10_000, 1),
    memoryBudgetBytes: integer('memory-budget', 2048, 1) * 1024 * 1024,
  };
}

function inputSource(text: string | undefined): InputSource {
  if (text === undefined || text === 'uniform' || text === 'normal' || text === 'zeros' || text === 'ones')
    return { kind: text ?? 'uniform' };
  if (/\.npy$/i.test(text)) return { kind: 'npy', path: text };
  if (/\.(png|jpe?g)$/i.test(text)) return { kind: 'image', path: text };
  throw new UsageError(`--input takes uniform, normal, zeros, ones, or a .npy, .png or .jpg file, not '${text}'`);
}

function readSource(file: string, maxBytes: number): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: it is a directory`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  if (size > maxBytes)
    throw new UsageError(
      `cannot read ${file}: ${(size / 1024 / 1024).toFixed(1)} MiB is more than the ${maxBytes / 1024 / 1024} MiB a ${maxBytes === maxFileBytes ? 'model file' : 'notebook'} may have`,
    );
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`tensor-lens: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`tensor-lens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
