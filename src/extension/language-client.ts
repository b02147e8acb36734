// Starts the Tensor Lens language server (dist/server.js, over IPC) for Python
// files, passes it the settings and the workspace's trust, and restarts it
// when it dies, a bounded number of times.

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
} from 'vscode-languageclient/node';
import { clientCommands, serverNodeOptions } from '../protocol/lsp.js';

/** At most this many restarts in `restartWindowMs`; then the user is told and it stays stopped. */
const maxRestarts = 4;
const restartWindowMs = 3 * 60 * 1000;

export function settingsForServer(): object {
  // A round trip through JSON keeps the values and drops the configuration object's methods.
  const values = JSON.parse(JSON.stringify(vscode.workspace.getConfiguration('tensorLens'))) as object;
  return { ...values, trusted: vscode.workspace.isTrusted, clientCommands: true };
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  return new LanguageClient(
    'tensorLens',
    'Tensor Lens',
    {
      run: { module, transport: TransportKind.ipc, options: { execArgv: [...serverNodeOptions] } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: [...serverNodeOptions, '--enable-source-maps'] } },
    },
    {
      documentSelector: [{ language: 'python' }],
      synchronize: { configurationSection: 'tensorLens' },
      initializationOptions: settingsForServer,
      outputChannel: output,
      errorHandler: new BoundedRestarts(output),
      markdown: { isTrusted: { enabledCommands: [clientCommands.showTensor, clientCommands.pinValue] }, supportThemeIcons: true },
    },
  );
}

class BoundedRestarts implements ErrorHandler {
  private restarts: number[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < restartWindowMs), now];
    if (this.restarts.length <= maxRestarts) {
      this.output.warn(`The language server stopped; restarting it (${this.restarts.length} of ${maxRestarts} in 3 minutes).`);
      return { action: CloseAction.Restart, handled: true };
    }
    return {
      action: CloseAction.DoNotRestart,
      message: `The Tensor Lens language server stopped ${this.restarts.length} times in 3 minutes and was not restarted again. See "Tensor Lens: Show Logs", then reload the window.`,
    };
  }
}
