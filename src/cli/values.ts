// `inspect --values`: evaluates every tensor of the report in the worker and
// attaches the summaries, or the reason there are none.

import type { Analysis } from '../analysis/analyze.js';
import { reportedBindings } from '../graph/report.js';
import { EngineClient } from '../engine/engine-client.js';
import { pythonEnvironments } from '../environment/python-environment.js';
import { findTensorFlowLibraries } from '../environment/tensorflow-libraries.js';
import { planEvaluations, splitRequest, type PlannedRequest } from '../engine/plan.js';
import type { BackendPreference, InputSource, TensorSummary } from '../protocol/engine.js';
import type { Report, ReportTensor } from '../protocol/report.js';
import type { Binding } from '../graph/ir.js';

export interface ValueOptions {
  readonly input: InputSource;
  readonly seed: number;
  readonly batchSize: number;
  readonly weights: string | undefined;
  readonly backend: BackendPreference;
  /** The interpreter named by --python, or ''. */
  readonly python: string;
  readonly timeoutMs: number;
  readonly memoryBudgetBytes: number;
}

export async function evaluateReport(report: Report, analysis: Analysis, options: ValueOptions): Promise<Report> {
  const bindings = reportedBindings(analysis);
  const settings = {
    input: { source: options.input, batchSize: options.batchSize },
    weights: options.weights ? { kind: 'file' as const, path: options.weights } : { kind: 'initializers' as const },
    seed: options.seed,
    memoryBudgetBytes: options.memoryBudgetBytes,
  };
  const plan = planEvaluations(analysis, bindings, settings);
  const values = new Map<Binding, TensorSummary>();
  const errors = new Map<Binding, string>();
  for (const { binding, reason } of plan.skipped) errors.set(binding, reason);
  const environments = pythonEnvironments({
    interpreters: [{ path: options.python, source: '--python' }],
    env: process.env,
    workspaceFolders: [process.cwd()],
    trusted: true,
  });
  const tensorflow = findTensorFlowLibraries(environments);
  const engine = new EngineClient({ backend: options.backend, timeoutMs: options.timeoutMs, tensorflow });
  const noneSizes = new Set<number>();
  // Where the file loads weights (load_weights, a saved model, an ImageNet file), each evaluation says which it used.
  const loadedWeights = new Set<string>();
  const run = async (planned: PlannedRequest, split: boolean): Promise<void> => {
    try {
      const result = await engine.evaluate(planned.request);
      if (result.noneSize !== undefined) noneSizes.add(result.noneSize);
      if (planned.request.weights.kind === 'code') loadedWeights.add(result.weightsDescription);
      planned.bindings.forEach((group, i) => group.forEach((b) => values.set(b, result.outputs[i]!)));
    } catch (error) {
      // One layer that cannot be evaluated must not cost the tensors before it: each of them on its own.
      if (split && planned.tensors.length > 1) {
        for (const single of splitRequest(analysis, planned, settings)) await run(single, false);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      planned.bindings.flat().forEach((b) => errors.set(b, message));
    }
  };
  try {
    const backend = await engine.backend();
    for (const planned of plan.requests) await run(planned, true);
    const tensors = report.tensors.map((tensor, i): ReportTensor => {
      const binding = bindings[i]!;
      const summary = values.get(binding);
      if (summary) return { ...tensor, values: summary };
      const error = errors.get(binding);
      // An unknown value already says why it is unknown; "not a tensor" would only repeat it.
      return error && tensor.kind !== 'unknown' ? { ...tensor, valuesError: error } : tensor;
    });
    const sourceText = options.input.kind === 'npy' || options.input.kind === 'image' ? options.input.path : options.input.kind;
    return {
      ...report,
      evaluation: {
        backend: backend.name,
        backendReason: backend.reason,
        input: `${sourceText}, batch ${options.batchSize}${otherSizes(noneSizes)} (the file's own sample data where it feeds a model)`,
        seed: options.seed,
        weights: loadedWeights.size > 0 ? [...loadedWeights].join(' | ') : (options.weights ?? 'Keras default initializers'),
      },
      tensors,
    };
  } finally {
    engine.dispose();
  }
}

/** The sizes the engine chose for None dimensions besides the batch, when it had to. */
function otherSizes(sizes: ReadonlySet<number>): string {
  return sizes.size === 0 ? '' : `, other None dimensions → ${[...sizes].sort((a, b) => a - b).join(' or ')}`;
}
