// Tensor Lens in VS Code: starts the language server for Python files, and
// wires the commands, the status bar and the activation panel to it.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { setEvaluationSettingsRequest, workerStatusNotification, type WorkerStatus } from '../protocol/lsp.js';
import type { HostMessage, PanelMessage } from '../protocol/panel.js';
import { registerCommands, restoreWeights } from './commands.js';
import { createLanguageClient } from './language-client.js';
import { activationsViewId, PanelHost } from './panel-host.js';
import { followSelectedInterpreter } from './python-interpreter.js';
import { WorkerStatusItem } from './status-bar.js';
import { TensorInspector } from './tensor-inspector.js';

let client: LanguageClient | undefined;

/** What the extension returns from activation: read-only views for extension-host tests. */
export interface TensorLensApi {
  readonly panelMessage: () => HostMessage | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<TensorLensApi> {
  const output = vscode.window.createOutputChannel('Tensor Lens', { log: true });
  const status = new WorkerStatusItem();
  client = createLanguageClient(context, output);
  const panel = new PanelHost(context.extensionUri, (message: PanelMessage) => handlePanelMessage(message));
  const inspector = new TensorInspector(client, panel, output);
  const commandContext = { context, client, panel, inspector, output };

  function handlePanelMessage(message: PanelMessage): void {
    const commands: Record<Exclude<PanelMessage['type'], 'ready' | 'selectBatchItem'>, () => unknown> = {
      setSampleInput: () => vscode.commands.executeCommand('tensorLens.setSampleInput'),
      setSeed: () => vscode.commands.executeCommand('tensorLens.setSeed'),
      loadWeights: () => vscode.commands.executeCommand('tensorLens.loadWeights'),
      reveal: () => inspector.revealSource(),
    };
    if (message.type === 'selectBatchItem') inspector.selectBatchItem(message.batchItem);
    else if (message.type !== 'ready') void commands[message.type]();
  }

  const showStatusFor = (editor: vscode.TextEditor | undefined): void => status.setVisible(editor?.document.languageId === 'python');
  context.subscriptions.push(
    output,
    status,
    panel,
    inspector,
    vscode.window.registerWebviewViewProvider(activationsViewId, panel),
    ...registerCommands(commandContext),
    vscode.window.onDidChangeActiveTextEditor(showStatusFor),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendRequest(setEvaluationSettingsRequest, { trusted: true });
      void restoreWeights(commandContext);
    }),
    client.onNotification(workerStatusNotification, (s: WorkerStatus) => status.update(s)),
  );
  showStatusFor(vscode.window.activeTextEditor);
  output.info(`Tensor Lens ${VERSION} activating; workspace trusted: ${vscode.workspace.isTrusted}`);
  await client.start();
  context.subscriptions.push(await followSelectedInterpreter(client, output));
  await restoreWeights(commandContext);
  return { panelMessage: () => panel.lastMessage };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

declare const VERSION: string;
