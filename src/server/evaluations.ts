// Values for the server: turns a binding into an evaluation request, runs it
// in the worker one at a time, and remembers results (and evaluations in
// flight) by the request's content, so an edit elsewhere in the file, a second
// hover or the panel never computes the same thing twice.

import { createHash } from 'node:crypto';
import type { Binding, ModelGraph } from '../graph/ir.js';
import { EngineClient } from '../engine/engine-client.js';
import { planEvaluations, type EvaluationSettings } from '../engine/plan.js';
import type { BackendInfo, BackendPreference, EvaluateRequest, EvaluateResult } from '../protocol/engine.js';
import type { WorkerStatus } from '../protocol/lsp.js';
import type { TensorFlowSearch } from '../environment/tensorflow-libraries.js';

export interface EvaluationOutcome {
  readonly result?: EvaluateResult;
  /** The output of the result this binding shows. */
  readonly output?: number;
  readonly error?: string;
}

export interface EvaluationServiceOptions {
  readonly backend: BackendPreference;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly onStatus: (status: WorkerStatus) => void;
  readonly workerPath?: string;
  readonly tensorflow?: TensorFlowSearch;
}

const rememberedResults = 128;

interface Remembered {
  readonly promise: Promise<EvaluateResult>;
  settled: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('Evaluation cancelled.');
  }
}

export class EvaluationService {
  private engine: EngineClient;
  private readonly results = new Map<string, Remembered>();
  private queue: Promise<unknown> = Promise.resolve();
  private status: WorkerStatus = { state: 'stopped' };
  private backendInfo: BackendInfo | undefined;

  constructor(private options: EvaluationServiceOptions) {
    this.engine = this.createEngine();
  }

  /** The result for this binding if it is already known (no evaluation is started). */
  async peek(graph: ModelGraph, binding: Binding, settings: EvaluationSettings, batchItem = 0): Promise<EvaluationOutcome | undefined> {
    const planned = plan(graph, binding, settings, batchItem);
    if ('error' in planned) return { error: planned.error };
    const remembered = this.results.get(planned.key);
    if (!remembered?.settled) return undefined;
    return this.outcome(remembered.promise, planned.output);
  }

  /**
   * Evaluates the binding. `stale` aborts it while it waits its turn (the
   * document changed); `cancel` also stops it while it runs (the user cancelled).
   */
  evaluate(
    graph: ModelGraph,
    binding: Binding,
    settings: EvaluationSettings,
    { batchItem = 0, stale, cancel, label }: { batchItem?: number; stale?: AbortSignal; cancel?: AbortSignal; label?: string } = {},
  ): Promise<EvaluationOutcome> {
    const planned = plan(graph, binding, settings, batchItem);
    if ('error' in planned) return Promise.resolve({ error: planned.error });
    let remembered = this.results.get(planned.key);
    if (remembered) {
      // Most recently used last.
      this.results.delete(planned.key);
      this.results.set(planned.key, remembered);
    } else {
      remembered = this.remember(planned.key, this.run(planned.request, label ?? binding.name, stale, cancel));
    }
    return this.outcome(remembered.promise, planned.output);
  }

  workerStatus(): WorkerStatus {
    return this.status;
  }

  /** Ends the worker (and what it was doing); the next evaluation starts a fresh one. */
  restartWorker(): void {
    this.engine.restart('the worker was restarted');
    this.results.clear();
    this.setStatus({ state: 'stopped' });
  }

  /** New backend or time limit: a new worker with them. */
  /** A new worker for a new backend, time limit or TensorFlow (its library path is set when it starts). */
  configure(options: Pick<EvaluationServiceOptions, 'backend' | 'timeoutMs' | 'tensorflow'>): void {
    const same =
      options.backend === this.options.backend &&
      options.timeoutMs === this.options.timeoutMs &&
      JSON.stringify(options.tensorflow) === JSON.stringify(this.options.tensorflow);
    if (same) return;
    this.options = { ...this.options, ...options };
    this.engine.dispose();
    this.engine = this.createEngine();
    this.results.clear();
    this.backendInfo = undefined;
    this.setStatus({ state: 'stopped' });
  }

  dispose(): void {
    this.engine.dispose();
  }

  private createEngine(): EngineClient {
    return new EngineClient({
      backend: this.options.backend,
      timeoutMs: this.options.timeoutMs,
      log: this.options.log,
      ...(this.options.workerPath && { workerPath: this.options.workerPath }),
      ...(this.options.tensorflow && { tensorflow: this.options.tensorflow }),
      onExit: (reason) => this.setStatus({ state: 'stopped', detail: reason }),
    });
  }

  private run(request: EvaluateRequest, label: string, stale?: AbortSignal, cancel?: AbortSignal): Promise<EvaluateResult> {
    const engine = this.engine;
    const turn = this.queue.then(async () => {
      if (stale?.aborted || cancel?.aborted) throw new CancelledError();
      if (!this.backendInfo) {
        this.setStatus({ state: 'starting' });
        try {
          this.backendInfo = await engine.backend();
        } catch (error) {
          this.setStatus({ state: 'failed', detail: messageOf(error) });
          throw error;
        }
      }
      this.setStatus({ state: 'evaluating', backend: this.backendInfo, detail: label, ...this.pid() });
      try {
        const result = await engine.evaluate(request, cancel);
        this.setStatus({ state: 'idle', backend: this.backendInfo, ...this.pid() });
        return result;
      } catch (error) {
        if (cancel?.aborted) throw new CancelledError();
        // The worker may have been restarted (a time limit): it reports its backend again when it starts.
        if (engine.pid === undefined) this.backendInfo = undefined;
        this.setStatus({
          state: engine.pid === undefined ? 'stopped' : 'idle',
          ...(this.backendInfo && { backend: this.backendInfo }),
          detail: messageOf(error),
        });
        throw error;
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async outcome(pending: Promise<EvaluateResult>, output: number): Promise<EvaluationOutcome> {
    try {
      return { result: await pending, output };
    } catch (error) {
      return { error: messageOf(error) };
    }
  }

  private remember(key: string, promise: Promise<EvaluateResult>): Remembered {
    const remembered: Remembered = { promise, settled: false };
    this.results.set(key, remembered);
    promise.then(
      () => (remembered.settled = true),
      // A failure is not remembered: the next request tries again (the file may have been fixed, the worker restarted).
      () => {
        if (this.results.get(key) === remembered) this.results.delete(key);
      },
    );
    if (this.results.size > rememberedResults) this.results.delete(this.results.keys().next().value!);
    return remembered;
  }

  private pid(): { pid?: number } {
    return this.engine.pid === undefined ? {} : { pid: this.engine.pid };
  }

  private setStatus(status: WorkerStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }
}

function plan(
  graph: ModelGraph,
  binding: Binding,
  settings: EvaluationSettings,
  batchItem: number,
): { key: string; request: EvaluateRequest; output: number } | { error: string } {
  const { requests, skipped } = planEvaluations(graph, [binding], settings);
  if (skipped.length > 0) return { error: `No values: ${skipped[0]!.reason}.` };
  const planned = requests[0]!;
  const request = batchItem > 0 ? { ...planned.request, batchItem } : planned.request;
  const key = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  return { key, request, output: planned.bindings.findIndex((group) => group.includes(binding)) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
