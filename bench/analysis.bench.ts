// `npm run bench`: full analysis time (parse + interpret + shapes) of each
// example and of a generated ~1,000-layer ResNet-style file, warm, as the
// median and p90 of repeated runs; then what the CLI spends on the 1,000-layer
// file beyond what it spends on a small one. Targets: the 1,000-layer file
// under 40 ms, the CLI under 100 ms more.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Analyzer } from '../src/analysis/analyze.js';
import { notebookProgram, type NotebookCell } from '../src/analysis/notebook.js';
import { diskSources, type ImportContext } from '../src/analysis/modules/module-sources.js';
import { layerCount, resnetSource, thousandLayers } from '../test/fixtures/resnet-source.js';

const warmup = 10;
const runs = 40;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `text`: the file, or a notebook's cells (made into one program at each run, as the server does after an edit). */
function measure(
  analyzer: Analyzer,
  text: string | NotebookCell[],
  imports?: ImportContext,
): { median: number; p90: number; layers: number } {
  const analyze = () => analyzer.analyze(typeof text === 'string' ? text : notebookProgram(text).text, undefined, imports);
  let layers = 0;
  for (let i = 0; i < warmup; i++) layers = analyze().layers.length;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    analyze();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p90: quantile(times, 0.9), layers };
}

const coldStart = performance.now();
const analyzer = await Analyzer.create();
const startup = performance.now() - coldStart;

const files: [string, string][] = readdirSync('examples')
  .filter((f) => f.endsWith('.py'))
  .sort()
  .map((f) => [`examples/${f}`, readFileSync(join('examples', f), 'utf8')]);
files.push([`generated ResNet (${layerCount(thousandLayers)} layers)`, resnetSource(thousandLayers)]);

const rows = files.map(([name, text]) => ({ name, lines: text.split('\n').length, ...measure(analyzer, text) }));
// A project over three modules, its modules' trees kept between analyses as the server keeps them.
const split = resolve('examples/split_model/train.py');
const splitImports: ImportContext = { file: split, searchRoots: [], sources: diskSources() };
const splitText = readFileSync(split, 'utf8');
const firstStarted = performance.now();
(await Analyzer.create()).analyze(splitText, undefined, splitImports);
const splitFirst = performance.now() - firstStarted;
rows.splice(rows.length - 1, 0, {
  name: 'examples/split_model/train.py (+ 3 modules)',
  lines: splitText.split('\n').length,
  ...measure(analyzer, splitText, splitImports),
});
// The same 1,000-layer file as a notebook: a cell for each top-level statement.
const resnetText = files.at(-1)![1];
const cells = resnetText.split(/\n(?=\S)/).map((text) => ({ text }));
rows.push({ name: `the same as a notebook of ${cells.length} cells`, lines: resnetText.split('\n').length, ...measure(analyzer, cells) });
const width = Math.max(...rows.map((r) => r.name.length));
process.stdout.write(`Analysis, warm: median and p90 of ${runs} runs after ${warmup} warm-up runs (node ${process.version})\n`);
process.stdout.write(`parser start-up (wasm load, once): ${startup.toFixed(1)} ms\n\n`);
process.stdout.write(`${'file'.padEnd(width)}  lines  graph layers  median ms  p90 ms\n`);
for (const r of rows) {
  process.stdout.write(
    `${r.name.padEnd(width)}  ${String(r.lines).padStart(5)}  ${String(r.layers).padStart(12)}  ${r.median.toFixed(2).padStart(9)}  ${r.p90.toFixed(2).padStart(6)}\n`,
  );
}
process.stdout.write(`\nsplit_model, first analysis by a fresh analyzer (its modules parsed): ${splitFirst.toFixed(1)} ms\n`);
const big = rows.find((r) => r.name.startsWith('generated ResNet'))!;
process.stdout.write(`\n1,000-layer target (< 40 ms median): ${big.median < 40 ? 'met' : 'NOT met'} (${big.median.toFixed(1)} ms)\n`);
analyzer.dispose();

/** Wall time of `tensor-lens summary FILE`, the bundled CLI as installed. */
function cliMilliseconds(file: string): number {
  const started = performance.now();
  const ran = spawnSync(process.execPath, ['dist/cli.js', 'summary', file], { encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`tensor-lens summary ${file} failed: ${ran.stderr}`);
  return performance.now() - started;
}
const folder = mkdtempSync(join(tmpdir(), 'tensor-lens-bench-'));
const small = join(folder, 'small.py');
const thousand = join(folder, 'thousand.py');
writeFileSync(small, resnetSource({ blocksPerStage: 0, stageFilters: [8] }));
writeFileSync(thousand, resnetSource(thousandLayers));
// In pairs, one right after the other, so that the load of a shared machine weighs on both alike.
const pairs = Array.from({ length: 15 }, () => [cliMilliseconds(small), cliMilliseconds(thousand)] as const);
const sortedMedian = (values: number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const smallMs = sortedMedian(pairs.map(([a]) => a));
const thousandMs = sortedMedian(pairs.map(([, b]) => b));
const extras = pairs.map(([a, b]) => b - a).sort((a, b) => a - b);
rmSync(folder, { recursive: true });
const extra = quantile(extras, 0.5);
process.stdout.write(
  `CLI \`tensor-lens summary\`, median of ${pairs.length} pairs: ${layerCount({ blocksPerStage: 0, stageFilters: [8] })}-layer file ${smallMs.toFixed(0)} ms, ${layerCount(thousandLayers)}-layer file ${thousandMs.toFixed(0)} ms; the difference ${extra.toFixed(0)} ms, p90 ${quantile(extras, 0.9).toFixed(0)} ms (target < 100 ms: ${extra < 100 ? 'met' : 'NOT met'})\n`,
);
