// The engine's values of keras.ops calls against Keras's, as a report (ops-values.ts does the work):
//   node --import tsx test/conformance/ops-values-report.ts                 # totals and ops, on wasm and cpu
//   node --import tsx test/conformance/ops-values-report.ts --cases 'conv'  # every case of the matching ops, on cpu

import { pathToFileURL } from 'node:url';
import { Analyzer } from '../../src/analysis/analyze.js';
import { opPaths } from '../../src/analysis/keras/ops/signatures.js';
import { selectBackend } from '../../src/engine/backend.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { registerOperationLayer } from '../../src/engine/operation-layer.js';
import { opKernels } from '../../src/engine/ops/index.js';
import type { BackendName } from '../../src/protocol/engine.js';
import { opsReference } from './keras-ops-tests.js';
import { evaluateAll, opsValues, type ValuesResult } from './ops-values.js';

const canonical = new Map(opPaths());

export async function valuesOn(backend: BackendName, analyzer: Analyzer): Promise<ValuesResult[]> {
  await selectBackend(backend);
  return evaluateAll(analyzer, opsReference(), opsValues());
}

function count(results: readonly ValuesResult[], status: ValuesResult['status']): number {
  return results.filter((r) => r.status === status).length;
}

export function markdownReport(byBackend: ReadonlyMap<string, readonly ValuesResult[]>): string {
  const lines = ["## keras.ops values on the engine against Keras's", ''];
  const publicOps = new Set(canonical.values()).size;
  const kernels = Object.keys(opKernels);
  for (const [backend, results] of byBackend) {
    const evaluated = count(results, 'pass') + count(results, 'differ');
    const passedOps = new Set(results.filter((r) => r.status === 'pass').map((r) => canonical.get(r.op) ?? r.op));
    const differOps = new Set(results.filter((r) => r.status === 'differ').map((r) => canonical.get(r.op) ?? r.op));
    const verified = kernels.filter((op) => passedOps.has(op) && !differOps.has(op));
    lines.push(
      `- ${backend}: ${count(results, 'pass')} of ${evaluated} evaluated cases give Keras's values (rtol 1e-5, atol 1e-6); ` +
        `${count(results, 'not evaluated')} not evaluated, ${count(results, 'skipped')} without Keras values. ` +
        `Ops verified: ${verified.length} of the ${publicOps} public ops (${kernels.length} have kernels).`,
    );
  }
  const first = [...byBackend.values()][0] ?? [];
  const tally = (keep: (r: ValuesResult) => boolean) => {
    const counts = new Map<string, number>();
    for (const r of first.filter((r) => r.status === 'not evaluated' && keep(r))) {
      const op = canonical.get(r.op) ?? r.op;
      counts.set(op, (counts.get(op) ?? 0) + 1);
    }
    return `(${counts.size}): ${[...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op.replace('keras.ops.', '')} ${n}`)
      .join(', ')}`;
  };
  const noKernel = (r: ValuesResult) => (r.detail ?? '').startsWith('no kernel for ');
  lines.push(
    '',
    `Ops with cases and no kernel ${tally(noKernel)}`,
    '',
    `Ops with cases not evaluated (refused by the kernel or the analysis, or a dtype) ${tally((r) => !noKernel(r))}`,
  );
  const differing = [...byBackend].flatMap(([backend, results]) =>
    results.filter((r) => r.status === 'differ').map((r) => `- ${backend}: ${r.id}: ${r.detail}`),
  );
  if (differing.length > 0) lines.push('', `### Differences (${differing.length})`, '', ...differing);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  registerKerasLayers();
  registerOperationLayer();
  const analyzer = await Analyzer.create();
  const casesFlag = process.argv.indexOf('--cases');
  if (casesFlag > 0) {
    const pattern = new RegExp(process.argv[casesFlag + 1] ?? '');
    const results = await valuesOn('cpu', analyzer);
    for (const r of results.filter((r) => pattern.test(r.op)))
      process.stdout.write(`${r.status}: ${r.id} ${r.op}${r.detail ? `: ${r.detail}` : ''}\n`);
  } else {
    const byBackend = new Map<string, ValuesResult[]>();
    for (const backend of ['wasm', 'cpu'] as BackendName[]) byBackend.set(backend, await valuesOn(backend, analyzer));
    process.stdout.write(markdownReport(byBackend));
  }
  analyzer.dispose();
}
