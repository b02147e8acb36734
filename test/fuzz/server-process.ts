// The built language server as a child process, spoken to over stdio with a
// real LSP connection (as test/lsp/server.test.ts does). Every request has a
// time limit and ends in one of four outcomes; the process's exit is reported.

import { spawn, type ChildProcess } from 'node:child_process';
import {
  CancellationTokenSource,
  createProtocolConnection,
  ErrorCodes,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type LogMessageParams,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { childrenOf } from './proc.js';
import { serverNodeOptions } from '../../src/protocol/lsp.js';

const serverToClientRequests = [
  'client/registerCapability',
  'client/unregisterCapability',
  'workspace/configuration',
  'workspace/inlayHint/refresh',
  'workspace/codeLens/refresh',
  'workspace/diagnostic/refresh',
  'window/workDoneProgress/create',
  'window/showMessageRequest',
];

/** Errors vscode-jsonrpc makes up on this side when the connection breaks: not answers of the server. */
const localCodes: ReadonlySet<number> = new Set([
  ErrorCodes.MessageWriteError,
  ErrorCodes.MessageReadError,
  ErrorCodes.PendingResponseRejected,
  ErrorCodes.ConnectionInactive,
]);

export type Outcome<R> =
  | { readonly kind: 'ok'; readonly result: R; readonly ms: number }
  | { readonly kind: 'error'; readonly code: number; readonly message: string; readonly ms: number }
  | { readonly kind: 'timeout'; readonly ms: number }
  /** The connection ended: the server exited or closed its pipes. */
  | { readonly kind: 'closed'; readonly message: string; readonly ms: number };

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last lines the server wrote to stderr. */
  readonly stderr: string;
  /** We ended it (unresponsive, or the end of the run). */
  readonly intended: boolean;
}

export interface ServerEvents {
  readonly diagnostics: (uri: string, diagnostics: Diagnostic[]) => void;
  readonly log: (message: LogMessageParams) => void;
  readonly exit: (exit: Exit) => void;
}

export class ServerProcess {
  exit: Exit | undefined;
  private stderr = '';
  private intended = false;
  private readonly exited: Promise<Exit>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ProtocolConnection,
    events: ServerEvents,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exit = { code, signal, stderr: this.stderr.trim(), intended: this.intended };
        this.connection.dispose();
        events.exit(this.exit);
        resolve(this.exit);
      }),
    );
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => events.diagnostics(uri, diagnostics));
    connection.onNotification(LogMessageNotification.type, (message) => events.log(message));
    // Requests from the server to the client: accepted, as an editor would.
    for (const method of serverToClientRequests) connection.onRequest(method, () => null);
    connection.onError(() => undefined);
    connection.listen();
  }

  /** Starts `serverPath` (a dist/server.js) with --stdio and initializes it. */
  static async start(serverPath: string, initializationOptions: unknown, events: ServerEvents, timeoutMs: number): Promise<ServerProcess> {
    // Started as the README says and as the VS Code client does, with its Node options.
    const child = spawn(process.execPath, [...serverNodeOptions, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // A write to a server that just died must not end the fuzzer.
    child.stdin!.on('error', () => undefined);
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const server = new ServerProcess(child, connection, events);
    const initialized = await server.request(
      InitializeRequest.method,
      { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions },
      timeoutMs,
    );
    if (initialized.kind !== 'ok') {
      server.kill();
      throw new Error(`the language server did not initialize: ${JSON.stringify(initialized)} ${server.stderr}`);
    }
    await server.notify(InitializedNotification.method, {});
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async request<R>(method: string, params: unknown, timeoutMs: number): Promise<Outcome<R>> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    if (this.exit) return { kind: 'closed', message: 'the server had exited', ms: 0 };
    const cancel = new CancellationTokenSource();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome<R>>((resolve) => {
      timer = setTimeout(() => {
        cancel.cancel();
        resolve({ kind: 'timeout', ms: elapsed() });
      }, timeoutMs);
    });
    const died = this.exited.then((): Outcome<R> => ({ kind: 'closed', message: 'the server exited', ms: elapsed() }));
    const answered = this.connection.sendRequest<R>(method, params, cancel.token).then(
      (result): Outcome<R> => ({ kind: 'ok', result, ms: elapsed() }),
      (error: unknown): Outcome<R> =>
        error instanceof ResponseError && !localCodes.has(error.code) && !this.exit
          ? { kind: 'error', code: error.code, message: error.message, ms: elapsed() }
          : { kind: 'closed', message: error instanceof Error ? error.message : String(error), ms: elapsed() },
    );
    try {
      return await Promise.race([answered, timedOut, died]);
    } finally {
      clearTimeout(timer);
      cancel.dispose();
    }
  }

  async notify(method: string, params: unknown): Promise<boolean> {
    if (this.exit) return false;
    try {
      await this.connection.sendNotification(method, params);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the process and its workers (SIGKILL) and waits for it to be gone. */
  async stop(): Promise<void> {
    for (const worker of childrenOf(this.pid)) killQuietly(worker);
    this.kill();
    await this.exited;
  }

  private kill(): void {
    this.intended = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export function killQuietly(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
