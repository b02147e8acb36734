// The built language server as a real process over stdio, started as the
// VS Code client and the README start it, and initialized like an editor.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { serverNodeOptions } from '../../src/protocol/lsp.js';

export const root = join(import.meta.dirname, '..', '..');

export interface StdioServer {
  readonly server: ChildProcess;
  readonly connection: ProtocolConnection;
  readonly initialized: InitializeResult;
  stop(): void;
}

/**
 * Builds dist/, starts the server, lets `listen` register notification handlers
 * before any message flows, and completes the initialize handshake.
 */
export async function startServer(
  params: Partial<Pick<InitializeParams, 'initializationOptions' | 'clientInfo' | 'capabilities' | 'workspaceFolders'>>,
  listen: (connection: ProtocolConnection) => void = () => undefined,
): Promise<StdioServer> {
  const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const server = spawn(process.execPath, [...serverNodeOptions, join(root, 'dist', 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  listen(connection);
  connection.listen();
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    ...params,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    server,
    connection,
    initialized,
    stop: () => {
      connection.dispose();
      server.kill();
    },
  };
}

/** The diagnostics the server last published for each document, and a wait for ones that satisfy a check. */
export class PublishedDiagnostics {
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];

  /** Records the server's publications; call it from startServer's `listen`. */
  listen(connection: ProtocolConnection, onPublished: () => void = () => undefined): void {
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
      this.published.set(uri, diagnostics);
      this.waiters.splice(0).forEach((wake) => wake());
      onPublished();
    });
  }

  get(uri: string): Diagnostic[] | undefined {
    return this.published.get(uri);
  }

  /** Waits (10 s at most) until the diagnostics published for the uri satisfy the check. */
  async until(uri: string, check: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const current = this.published.get(uri);
      if (current && check(current)) return current;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    throw new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(this.published.get(uri))}`);
  }
}
