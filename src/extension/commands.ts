// The commands of the palette, the hovers and the code lenses.

import * as vscode from 'vscode';
import { directiveValue } from '../analysis/directives.js';
import type { LanguageClient } from 'vscode-languageclient/node';
import { restartWorkerRequest, setEvaluationSettingsRequest, type TensorItem, type TextPosition } from '../protocol/lsp.js';
import { placeLabel } from './notebook-cells.js';
import type { PanelHost } from './panel-host.js';
import type { TensorInspector } from './tensor-inspector.js';

export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly client: LanguageClient;
  readonly panel: PanelHost;
  readonly inspector: TensorInspector;
  readonly output: vscode.LogOutputChannel;
}

/** Weights chosen per document, kept in the workspace state so a restart loses nothing. */
const weightsKey = 'tensorLens.weightsByDocument';

export function registerCommands(c: CommandContext): vscode.Disposable[] {
  const register = (id: string, run: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await run(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        c.output.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Tensor Lens: ${message}`);
      }
    });
  return [
    register('tensorLens.evaluateTensor', () => evaluateTensor(c)),
    register('tensorLens.showTensor', async (uri: string, position: TextPosition) => {
      await c.panel.reveal();
      await c.inspector.show(uri, position, { withProgress: true });
    }),
    register('tensorLens.showPanel', () => showPanel(c)),
    register('tensorLens.openPanelBeside', () => c.panel.openBeside()),
    register('tensorLens.setSampleInput', () => setSampleInput()),
    register('tensorLens.setSeed', () => setSeed()),
    register('tensorLens.loadWeights', () => loadWeights(c)),
    register('tensorLens.restartWorker', async () => {
      await c.client.sendRequest(restartWorkerRequest);
      void vscode.window.showInformationMessage(
        'Tensor Lens: the evaluation worker was restarted; it starts again on the next evaluation.',
      );
    }),
    register('tensorLens.showLogs', () => c.output.show(true)),
    register('tensorLens.pinValue', (uri: string, line: number, expression: string) => pinValue(uri, line, expression)),
  ];
}

/**
 * Asks the value an expression has in the user's data (`x_train.shape`) and writes the directive that tells it to
 * Tensor Lens on the line before: `# tensor-lens: x_train.shape = (None, 28, 28, 1)`.
 */
async function pinValue(uri: string, line: number, expression: string): Promise<void> {
  const shape = expression.endsWith('.shape');
  const value = await vscode.window.showInputBox({
    title: `Tensor Lens: the value of ${expression}`,
    prompt: shape
      ? `The shape ${expression} has in your data; None for a size that varies (the number of samples).`
      : `The value ${expression} has in your data.`,
    placeHolder: shape ? '(None, 28, 28, 1)' : '10',
    validateInput: (text) =>
      directiveValue(text, expression) === undefined ? 'A number, None, or a tuple of them, as Python writes it: (None, 30)' : undefined,
  });
  if (value === undefined) return;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const indent = /^\s*/.exec(document.lineAt(line).text)![0];
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(line, 0), `${indent}# tensor-lens: ${expression} = ${value.trim()}\n`);
  await vscode.workspace.applyEdit(edit);
}

/** Re-sends the weights chosen earlier for each document: the server starts without them. */
export async function restoreWeights(c: Pick<CommandContext, 'context' | 'client'>): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const chosen = c.context.workspaceState.get<Record<string, string>>(weightsKey, {});
  for (const [uri, path] of Object.entries(chosen)) await c.client.sendRequest(setEvaluationSettingsRequest, { weights: { uri, path } });
}

function pythonEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') throw new Error('open a Python model file first.');
  return editor;
}

async function evaluateTensor(c: CommandContext): Promise<void> {
  const editor = pythonEditor();
  const uri = editor.document.uri.toString();
  const chosen = (await c.inspector.tensorAt(editor.document, editor.selection.active)) ?? (await pickTensor(c, editor.document));
  if (!chosen) return;
  await c.panel.reveal();
  await c.inspector.show(chosen.uri ?? uri, chosen.range.start, { withProgress: true, tensor: chosen });
}

/** A quick pick of every tensor of the document with its type; undefined when there is none or the user cancels. */
async function pickTensor(c: CommandContext, document: vscode.TextDocument): Promise<TensorItem | undefined> {
  const { tensors } = await c.inspector.tensors(document);
  if (tensors.length === 0) {
    void vscode.window.showInformationMessage('Tensor Lens: this file has no tensors that Tensor Lens can see.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tensors.map((tensor) => ({
      label: tensor.name,
      description: tensor.type,
      detail: `${placeLabel(tensor.uri ?? document.uri.toString(), tensor.range.start.line)}${tensor.layer ? ` · ${tensor.layer}` : ''}${tensor.notEvaluable ? ` · no values: ${tensor.notEvaluable}` : ''}`,
      tensor,
    })),
    { title: 'Tensor Lens: Evaluate Tensor', placeHolder: 'Choose a tensor to evaluate', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.tensor;
}

async function showPanel(c: CommandContext): Promise<void> {
  await c.panel.reveal();
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'python') {
    c.panel.post({ type: 'empty', message: 'Open a Python model file and put the cursor on a tensor to see its values here.' });
    return;
  }
  const item = await c.inspector.tensorAt(editor.document, editor.selection.active);
  if (item) await c.inspector.show(item.uri ?? editor.document.uri.toString(), item.range.start, { tensor: item });
  else
    c.panel.post({ type: 'empty', message: 'Put the cursor on a tensor variable, or run "Tensor Lens: Evaluate Tensor" to choose one.' });
}

const distributions = [
  { label: 'uniform', description: 'uniform in [0, 1), like np.random.rand' },
  { label: 'normal', description: 'standard normal, like np.random.randn' },
  { label: 'zeros', description: 'all zeros' },
  { label: 'ones', description: 'all ones' },
];

async function setSampleInput(): Promise<void> {
  const current = vscode.workspace.getConfiguration('tensorLens').get<string>('sampleInput', 'uniform');
  const fileChoices = vscode.workspace.isTrusted
    ? [
        { label: 'NumPy file…', description: 'a .npy array', file: 'npy' },
        { label: 'Image…', description: 'a .png or .jpg, resized to the input', file: 'image' },
      ]
    : [];
  const picked = await vscode.window.showQuickPick([...distributions.map((d) => ({ ...d, picked: d.label === current })), ...fileChoices], {
    title: 'Tensor Lens: Set Sample Input',
    placeHolder: `What models are fed (now: ${current})`,
  });
  if (!picked) return;
  let value = picked.label;
  if ('file' in picked) {
    const filters: Record<string, string[]> = picked.file === 'npy' ? { 'NumPy array': ['npy'] } : { Image: ['png', 'jpg', 'jpeg'] };
    const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters, openLabel: 'Use as sample input' })) ?? [];
    if (!file) return;
    value = file.fsPath;
  }
  await vscode.workspace.getConfiguration('tensorLens').update('sampleInput', value, configurationTarget());
}

async function setSeed(): Promise<void> {
  const current = vscode.workspace.getConfiguration('tensorLens').get<number>('seed', 0);
  const text = await vscode.window.showInputBox({
    title: 'Tensor Lens: Set Seed',
    prompt: 'Seed of the sample input and of the initial weights',
    value: String(current),
    validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'A whole number, 0 or more.'),
  });
  if (text === undefined) return;
  await vscode.workspace.getConfiguration('tensorLens').update('seed', Number(text.trim()), configurationTarget());
}

async function loadWeights(c: CommandContext): Promise<void> {
  if (!vscode.workspace.isTrusted) throw new Error('weights files are not read in an untrusted workspace. Trust the workspace first.');
  const editor = pythonEditor();
  const uri = editor.document.uri.toString();
  const chosen = c.context.workspaceState.get<Record<string, string>>(weightsKey, {});
  if (chosen[uri]) {
    const action = await vscode.window.showQuickPick(['Choose another weights file…', 'Use Keras default initializers'], {
      title: 'Tensor Lens: Load Weights',
      placeHolder: `Now: ${chosen[uri]}`,
    });
    if (!action) return;
    if (action !== 'Choose another weights file…') {
      delete chosen[uri];
      await c.context.workspaceState.update(weightsKey, chosen);
      await c.client.sendRequest(setEvaluationSettingsRequest, { weights: { uri, path: null } });
      c.inspector.refresh();
      return;
    }
  }
  const [file] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Keras weights': ['h5', 'keras'] },
      openLabel: 'Load weights',
      title: `Weights for ${vscode.workspace.asRelativePath(editor.document.uri)}`,
    })) ?? [];
  if (!file) return;
  chosen[uri] = file.fsPath;
  await c.context.workspaceState.update(weightsKey, chosen);
  await c.client.sendRequest(setEvaluationSettingsRequest, { weights: { uri, path: file.fsPath } });
  c.inspector.refresh();
  void vscode.window.showInformationMessage(
    `Tensor Lens: ${vscode.workspace.asRelativePath(file)} gives the weights of this file's models.`,
  );
}

function configurationTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}
