// Runs inside VS Code's extension host (see test/extension/run.ts): the
// installed extension activates, registers its commands, hovers, and opens the
// panel on Evaluate Tensor.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TensorLensApi } from '../../../src/extension/main.js';

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('Tensor Lens in VS Code', function () {
  this.timeout(60_000);
  let editor: vscode.TextEditor;
  let api: TensorLensApi;

  before(async () => {
    const document = await vscode.workspace.openTextDocument(join(examples, 'seed_method1_k_function.py'));
    editor = await vscode.window.showTextDocument(document);
    const extension = vscode.extensions.getExtension<TensorLensApi>('tensor-lens.tensor-lens');
    assert.ok(extension, 'the extension is installed');
    api = await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const ours = [
      'tensorLens.evaluateTensor',
      'tensorLens.showTensor',
      'tensorLens.showPanel',
      'tensorLens.openPanelBeside',
      'tensorLens.setSampleInput',
      'tensorLens.setSeed',
      'tensorLens.loadWeights',
      'tensorLens.restartWorker',
      'tensorLens.showLogs',
    ];
    assert.deepEqual(
      ours.filter((id) => !commands.has(id)),
      [],
    );
  });

  it('hovers a tensor with its shape', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      new vscode.Position(8, 3),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /`conv_layer: KerasTensor \(None, 30, 30, 32\) float32`/);
  });

  it('Evaluate Tensor on the tensor under the cursor shows it in the panel', async () => {
    editor.selection = new vscode.Selection(8, 3, 8, 3);
    await vscode.commands.executeCommand('tensorLens.evaluateTensor');
    const message = api.panelMessage();
    assert.equal(message?.type, 'show');
    if (message?.type !== 'show') return;
    assert.equal(message.evaluation.tensor.name, 'conv_layer');
    assert.deepEqual(message.evaluation.summary?.shape, [1, 30, 30, 32]);
    assert.equal(message.evaluation.summary?.channelMaps?.maps.length, 32);
  });
});
