// One fuzzing session against the language server: starts it, restarts it
// after a crash or a hang, turns each request's outcome into findings for the
// step that was running, and kills its worker when asked.

import { MessageType, type Diagnostic, type LogMessageParams } from 'vscode-languageserver-protocol/node';
import { workerStatusRequest } from '../../src/protocol/lsp.js';
import type { Findings } from './findings.js';
import type { MemoryMonitor } from './memory-monitor.js';
import type { FuzzOptions } from './options.js';
import { killQuietly, ServerProcess, type Exit } from './server-process.js';
import { stepRef, type StepInput, type StepRef } from './step-ref.js';

/** What the server is started with: values only within a short hover budget, so slow hovers mean slow analysis. */
export const initializationOptions = {
  hover: { values: 'auto', budgetMs: 250 },
  evaluation: { timeoutMs: 4000 },
};

const startTimeoutMs = 60_000;
const startAttempts = 3;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const probeTimeoutMs = 5000;

export type Answer<R> = { readonly ok: true; readonly result: R; readonly ms: number } | { readonly ok: false; readonly abandon: boolean };

/** Per method: every request's milliseconds, and the step of the slowest. */
export interface Latencies {
  [method: string]: { times: number[]; slowest: StepRef | undefined; slowestMs: number };
}

export class Session {
  server: ServerProcess | undefined;
  /** The step running now: notifications and crashes are blamed on it. */
  current: StepInput | undefined;
  /** The uri of the document of the current step. */
  uri: string | undefined;
  restarts = 0;
  workerKills = 0;
  /** performance.now() of the latest worker kill. */
  lastKillAt = -Infinity;
  private starting = false;
  readonly latencies: Latencies = {};

  constructor(
    /** The server.js to run (a snapshot of dist/). */
    private readonly serverPath: string,
    private readonly options: FuzzOptions,
    private readonly findings: Findings,
    private readonly monitor: MemoryMonitor,
  ) {}

  async ensureServer(): Promise<ServerProcess> {
    if (this.server && !this.server.exit) return this.server;
    if (this.server) this.restarts++;
    // A start that fails is no input's fault (a loaded machine): retry, then give up on the run.
    for (let attempt = 1; ; attempt++) {
      this.starting = true;
      try {
        this.server = await ServerProcess.start(
          this.serverPath,
          initializationOptions,
          {
            diagnostics: (uri, diagnostics) => this.onDiagnostics(uri, diagnostics),
            log: (message) => this.onLog(message),
            exit: (exit) => this.onExit(exit),
          },
          startTimeoutMs,
        );
        this.monitor.watchServer(this.server.pid);
        return this.server;
      } catch (error) {
        if (attempt >= startAttempts) throw error;
        await sleep(2000);
      } finally {
        this.starting = false;
      }
    }
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** SIGKILLs one evaluation worker (a child of the server), if one runs. */
  killWorker(): boolean {
    const worker = this.monitor.workers()[0];
    if (worker === undefined) return false;
    this.monitor.sample();
    this.monitor.workersSeen.add(worker);
    const killed = killQuietly(worker);
    if (killed) {
      this.workerKills++;
      this.lastKillAt = performance.now();
    }
    return killed;
  }

  /** Sends a request of the current step; a time-out, a crash or an unresponsive server abandons the file. */
  async call<R>(method: string, params: unknown, stallMs = this.options.stallMs): Promise<Answer<R>> {
    const server = await this.ensureServer();
    const input = this.current!;
    const outcome = await server.request<R>(method, params, this.options.timeoutMs);
    const latency = (this.latencies[method] ??= { times: [], slowest: undefined, slowestMs: -1 });
    latency.times.push(outcome.ms);
    if (outcome.ms > latency.slowestMs) Object.assign(latency, { slowest: stepRef(input), slowestMs: outcome.ms });
    switch (outcome.kind) {
      case 'ok':
        if (outcome.ms > stallMs)
          this.findings.record('stall', input, {
            method,
            message: `${method} took ${outcome.ms} ms (over ${stallMs} ms)`,
            ms: outcome.ms,
            params,
            signature: input.file,
          });
        return { ok: true, result: outcome.result, ms: outcome.ms };
      case 'error':
        this.findings.record('error-response', input, { method, message: `${outcome.code}: ${outcome.message}`, ms: outcome.ms, params });
        return { ok: false, abandon: false };
      case 'timeout': {
        this.findings.record('timeout', input, {
          method,
          message: `${method}: no answer in ${this.options.timeoutMs} ms`,
          ms: outcome.ms,
          params,
          signature: input.file,
        });
        const probe = await server.request(workerStatusRequest, undefined, probeTimeoutMs);
        if (probe.kind === 'ok') return { ok: false, abandon: false };
        this.findings.record('unresponsive', input, {
          method,
          message: `no answer to ${method}, nor to ${workerStatusRequest} ${probeTimeoutMs} ms later: the server was restarted`,
          params,
          signature: input.file,
        });
        await server.stop();
        return { ok: false, abandon: true };
      }
      case 'closed':
        // The exit handler records the crash; wait for it so that the report has the exit status.
        await server.stop();
        return { ok: false, abandon: true };
    }
  }

  async notify(method: string, params: unknown): Promise<boolean> {
    return (await this.ensureServer()).notify(method, params);
  }

  private onDiagnostics(uri: string, diagnostics: Diagnostic[]): void {
    if (!this.current || uri !== this.uri) return;
    for (const diagnostic of diagnostics) {
      const message = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
      if (diagnostic.code === 'internal-error' || /internal error/i.test(message))
        this.findings.record('internal-error', this.current, {
          message: `line ${diagnostic.range.start.line + 1}: ${message}`,
          params: { line: diagnostic.range.start.line + 1 },
          // "… Please report: TypeError: x (where)": the same error at another place is the same problem.
          signature: message.replace(/ \([^()]*\)$/, '').replace(/\d+/g, 'N'),
        });
    }
  }

  private onLog(message: LogMessageParams): void {
    if (message.type !== MessageType.Error || !this.current) return;
    this.findings.record('logged-error', this.current, { message: message.message.slice(0, 2000), signature: firstLine(message.message) });
  }

  private onExit(exit: Exit): void {
    if (exit.intended || this.starting || !this.current) return;
    const status = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const last = exit.stderr.split('\n').slice(-12).join('\n');
    this.findings.record('crash', this.current, {
      message: `the server exited (${status})${last ? `; stderr:\n${last}` : ''}`,
      signature: `${status} ${firstLine(exit.stderr.split('\n').filter(Boolean).at(-1) ?? '')}`,
    });
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\d+/g, 'N').slice(0, 200);
}
