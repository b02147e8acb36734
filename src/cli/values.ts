// `inspect --values`: evaluates every tensor of the report in the worker and
// attaches the summaries, or the reason there are none.

import type { Analysis } from '../analysis/analyze.js';
import { reportedBindings } from '../graph/report.js';
import { EngineClient } from '../engine/engine-client.js';
import { planEvaluations } from '../engine/plan.js';
import type { BackendPreference, InputSource, TensorSummary } from '../protocol/engine.js';
import type { Report, ReportTensor } from '../protocol/report.js';
import type { Binding } from '../graph/ir.js';

export interface ValueOptions {
  readonly input: InputSource;
  readonly seed: number;
  readonly batchSize: number;
  readonly weights: string | undefined;
  readonly backend: BackendPreference;
  readonly timeoutMs: number;
  readonly memoryBudgetBytes: number;
}

export async function evaluateReport(report: Report, analysis: Analysis, options: ValueOptions): Promise<Report> {
  const bindings = reportedBindings(analysis);
  const plan = planEvaluations(analysis, bindings, {
    input: { source: options.input, batchSize: options.batchSize },
    weights: options.weights ? { kind: 'file', path: options.weights } : { kind: 'initializers' },
    seed: options.seed,
    memoryBudgetBytes: options.memoryBudgetBytes,
  });
  const values = new Map<Binding, TensorSummary>();
  const errors = new Map<Binding, string>();
  for (const { binding, reason } of plan.skipped) errors.set(binding, reason);
  const engine = new EngineClient({ backend: options.backend, timeoutMs: options.timeoutMs });
  try {
    const backend = await engine.backend();
    for (const planned of plan.requests) {
      try {
        const result = await engine.evaluate(planned.request);
        planned.bindings.forEach((group, i) => group.forEach((b) => values.set(b, result.outputs[i]!)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        planned.bindings.flat().forEach((b) => errors.set(b, message));
      }
    }
    const tensors = report.tensors.map((tensor, i): ReportTensor => {
      const binding = bindings[i]!;
      const summary = values.get(binding);
      if (summary) return { ...tensor, values: summary };
      const error = errors.get(binding);
      return error ? { ...tensor, valuesError: error } : tensor;
    });
    const sourceText = options.input.kind === 'npy' || options.input.kind === 'image' ? options.input.path : options.input.kind;
    return {
      ...report,
      evaluation: {
        backend: backend.name,
        backendReason: backend.reason,
        input: `${sourceText}, None → ${options.batchSize} (the file's own sample data where it feeds a model)`,
        seed: options.seed,
        weights: options.weights ?? 'Keras default initializers',
      },
      tensors,
    };
  } finally {
    engine.dispose();
  }
}
