// The built language server as a real process over stdio, started as the
// VS Code client and the README start it, and initialized like an editor.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
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
