// `tensor-lens`: the analysis of a Keras model file for terminals and CI.

import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Analyzer } from '../analysis/analyze.js';
import { buildReport } from '../graph/report.js';
import { renderInspect, renderSummary } from './render.js';

const usage = `Usage: tensor-lens <command> FILE [--json]

Commands:
  summary FILE   a model.summary()-style table for every model in the file
  inspect FILE   every tensor the file binds, with its shape, dtype and layer

Options:
  --json         print the machine-readable report (schema in the README)
  -h, --help     show this help
  -v, --version  show the version

Exit status: 0 when the file was analysed (even with diagnostics), 2 for usage
errors or a file that cannot be read.`;

const maxFileBytes = 10 * 1024 * 1024;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
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
  const text = readSource(file);
  const analyzer = await Analyzer.create();
  const report = buildReport(file, analyzer.analyze(text));
  analyzer.dispose();
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(command === 'summary' ? renderSummary(report) : renderInspect(report));
  return 0;
}

function readSource(file: string): string {
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
  if (size > maxFileBytes)
    throw new UsageError(`cannot read ${file}: ${(size / 1024 / 1024).toFixed(1)} MiB is more than the 10 MiB a model file may have`);
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
