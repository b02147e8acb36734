// Drives the evaluation worker from the CLI or the language server: starts it
// on demand, answers requests in order, kills and restarts it on a timeout or a
// cancellation, and turns a crash into an error for the request in flight only.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendInfo, BackendPreference, EvaluateRequest, EvaluateResult, WorkerRequest, WorkerResponse } from '../protocol/engine.js';

export interface EngineOptions {
  readonly backend: BackendPreference;
  /** Time limit of one evaluation, from when the worker starts on it. */
  readonly timeoutMs: number;
  /** Called with one line per notable event: start, backend, restart. */
  readonly log?: (line: string) => void;
  /** The worker script; by default dist/worker.js beside this bundle, or the source through tsx. */
  readonly workerPath?: string;
  /** Called when the worker process ends for any reason but `dispose`, with the reason in words. */
  readonly onExit?: (reason: string) => void;
}

export class EngineError extends Error {}

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
    return this.start();
  }

  evaluate(request: EvaluateRequest, signal?: AbortSignal): Promise<EvaluateResult> {
    const run = this.chain.then(() => this.send<EvaluateResult>({ type: 'evaluate', request }, signal));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker; the next request starts a fresh one. */
  restart(reason = 'restart requested'): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new EngineError(reason));
      this.pending.delete(id);
    }
  }

  dispose(): void {
    this.restart('the engine was shut down');
  }

  /** The worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  private start(): Promise<BackendInfo> {
    if (this.ready) return this.ready;
    const { entry, execArgv } = this.options.workerPath ? { entry: this.options.workerPath, execArgv: [] } : workerEntry();
    const worker = fork(entry, [], {
      execArgv,
      env: { ...process.env, TENSOR_LENS_BACKEND: this.options.backend },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.worker = worker;
    this.options.log?.(`evaluation worker started (pid ${worker.pid})`);
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    this.ready = new Promise<BackendInfo>((resolve, reject) => {
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
        reject(new EngineError(why));
        this.restart(why);
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
        this.restart(
          `Evaluation stopped: it took longer than the time limit of ${this.options.timeoutMs / 1000} s. The worker was restarted.`,
        );
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      worker.send({ ...message, id } satisfies WorkerRequest);
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
    else pending.reject(new EngineError(response.error));
  }
}

/** dist/worker.js beside the bundle; from source, the TypeScript entry run through tsx. */
function workerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'worker.js');
  if (existsSync(bundled)) return { entry: bundled, execArgv: [] };
  return { entry: join(here, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
}
