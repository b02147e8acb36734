// Drives the evaluation worker from the CLI or the language server: starts it
// on demand, answers requests in order, kills and restarts it on a timeout or a
// cancellation. A worker that crashes, is killed, breaks its wasm module or runs
// out of time is replaced and the request tried once more in the new one; only
// a second failure reaches the caller.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnvironment, type TensorFlowSearch } from '../environment/tensorflow-libraries.js';
import type { BackendInfo, BackendPreference, EvaluateRequest, EvaluateResult, WorkerRequest, WorkerResponse } from '../protocol/engine.js';

export interface EngineOptions {
  readonly backend: BackendPreference;
  /** Time limit of one evaluation, from when the worker starts on it. */
  readonly timeoutMs: number;
  /** Called with one line per notable event: start, backend, restart. */
  readonly log?: (line: string) => void;
  /** The worker script; by default dist/worker.js beside this bundle, or the source through tsx. */
  readonly workerPath?: string;
  /** TensorFlow's libraries in the user's Python environment, for the native backend, or why there are none. */
  readonly tensorflow?: TensorFlowSearch;
  /** Called when the worker process ends for any reason but `dispose`, with the reason in words. */
  readonly onExit?: (reason: string) => void;
}

export class EngineError extends Error {}

/** The worker failed rather than the request: worth one more try in a new worker. */
class WorkerFailure extends EngineError {}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type WorkerMessage = WorkerResponse | { type: 'ready'; backend: BackendInfo } | { type: 'fatal'; error: string };

export class EngineClient {
  private worker: ChildProcess | undefined;
  private ready: Promise<BackendInfo> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Requests run one at a time, so a time limit measures one evaluation. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EngineOptions) {}

  /** The backend the worker uses; starts the worker if needed. */
  backend(): Promise<BackendInfo> {
    return this.retried(() => this.start());
  }

  evaluate(request: EvaluateRequest, signal?: AbortSignal): Promise<EvaluateResult> {
    const run = this.chain.then(() => this.retried(() => this.send<EvaluateResult>({ type: 'evaluate', request }, signal), signal));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker; the next request starts a fresh one. */
  restart(reason = 'restart requested'): void {
    this.stop(new EngineError(reason));
  }

  dispose(): void {
    this.restart('the engine was shut down');
  }

  /** The worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  private async retried<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WorkerFailure) || signal?.aborted) throw error;
      this.options.log?.(`${error.message}: trying once more in a new worker`);
      return attempt();
    }
  }

  /** Kills the worker and fails what it was doing with `error`. */
  private stop(error: EngineError): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }

  private start(): Promise<BackendInfo> {
    if (this.ready && this.worker?.connected) return this.ready;
    // A worker whose channel closed before its exit was seen: what it had in hand goes to the new one.
    if (this.worker) this.stop(new WorkerFailure('the evaluation worker stopped'));
    const { entry, execArgv } = this.options.workerPath ? { entry: this.options.workerPath, execArgv: [] } : workerEntry();
    const worker = fork(entry, [], {
      execArgv,
      env: {
        ...process.env,
        TENSOR_LENS_BACKEND: this.options.backend,
        ...(this.options.tensorflow && workerEnvironment(this.options.tensorflow)),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.worker = worker;
    this.options.log?.(`evaluation worker started (pid ${worker.pid})`);
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    this.ready = new Promise<BackendInfo>((resolve, reject) => {
      // Sending to a worker that just died (EPIPE, a closed channel): its exit fails the request, not the process.
      worker.on('error', (error) => {
        if (this.worker !== worker) return;
        const failure = unreachable(error);
        this.options.log?.(failure.message);
        reject(failure);
        this.stop(failure);
      });
      worker.on('message', (message: WorkerMessage) => {
        if ('type' in message && message.type === 'ready') {
          this.options.log?.(`backend: ${message.backend.name} (${message.backend.reason})`);
          resolve(message.backend);
        } else if ('type' in message && message.type === 'fatal')
          reject(new EngineError(`the evaluation worker could not start: ${message.error}`));
        else if ('id' in message) this.settle(message);
      });
      worker.on('exit', (code, signal) => {
        if (this.worker !== worker) return;
        const why = `the evaluation worker stopped (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`;
        this.options.log?.(why);
        reject(new WorkerFailure(why));
        this.stop(new WorkerFailure(why));
        this.options.onExit?.(why);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private async send<T>(message: Omit<WorkerRequest, 'id'>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new EngineError('cancelled');
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    const onAbort = (): void => this.restart('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.options.log?.(`evaluation took longer than ${this.options.timeoutMs} ms: restarting the worker`);
        this.stop(
          new WorkerFailure(
            `Evaluation stopped: it took longer than the time limit of ${this.options.timeoutMs / 1000} s. The worker was restarted.`,
          ),
        );
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      worker.send({ ...message, id } satisfies WorkerRequest, (error) => {
        if (error && this.worker === worker) this.stop(unreachable(error));
      });
    });
    try {
      return await settled;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private settle(response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else if (response.restart) {
      pending.reject(new WorkerFailure(`${response.error}; a new worker takes the next request`));
      this.stop(new WorkerFailure(response.error));
    } else pending.reject(new EngineError(response.error));
  }
}

function unreachable(error: Error): WorkerFailure {
  return new WorkerFailure(`the evaluation worker could not be reached (${error.message})`);
}

/** dist/worker.js beside the bundle; from source, the TypeScript entry run through tsx. */
function workerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'worker.js');
  if (existsSync(bundled)) return { entry: bundled, execArgv: [] };
  return { entry: join(here, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
}
