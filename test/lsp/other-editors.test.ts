// The server as an editor other than VS Code sees it (no Tensor Lens client
// commands), on files that broke it before: real stdio, the built server.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  type MarkupContent,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { listTensorsRequest, type ListTensorsResult } from '../../src/protocol/lsp.js';
import { root, startServer } from './stdio-server.js';

const header = 'import keras\nfrom keras import layers\n';

describe('language server in another editor', function () {
  this.timeout(30_000);
  let connection: ProtocolConnection;
  let stop: () => void;
  let opened = 0;

  before(async () => {
    ({ connection, stop } = await startServer({
      clientInfo: { name: 'Neovim', version: '0.11.0' },
      initializationOptions: { hover: { budgetMs: 20_000 } },
    }));
  });

  after(() => stop());

  async function open(text: string): Promise<string> {
    const uri = pathToFileURL(join(root, 'examples', `other-editor-${++opened}.py`)).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text },
    });
    return uri;
  }

  async function hoverText(uri: string, line: number, character: number): Promise<string> {
    const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    return (result?.contents as MarkupContent | undefined)?.value ?? '';
  }

  it('sends no command links that only VS Code can follow, in hovers or code lenses', async () => {
    const uri = await open(`${header}inp = keras.Input(shape=(8,))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)\n`);
    const text = await hoverText(uri, 3, 1);
    assert.match(text, /^`out: KerasTensor \(None, 2\) float32`/);
    assert.match(text, /min .* max /);
    assert.doesNotMatch(text, /command:/);
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      lenses?.map((l) => l.command),
      [{ title: 'functional: 2 layers · 18 params', command: '' }],
    );
  });

  it('hovers a name bound 10,000 times in a loop, listing each distinct value once', async () => {
    const uri = await open(`${header}x = keras.Input(shape=(8,))\nfor i in range(10000):\n    x = layers.Dense(8)(x)\n`);
    const text = await hoverText(uri, 4, 5);
    // As many as the analysis reached within its time budget: all 10,000 on a fast machine.
    const count = Number(/\*\*binding 1 of (\d+)\*\*/.exec(text)?.[1]);
    assert.ok(count >= 1000 && count <= 10_000, text.slice(0, 200));
    assert.match(text, new RegExp(`_…and ${count - 4} more bindings_`));
  });

  it('puts inlay hints at the end of their line when lines end with a lone CR', async () => {
    const uri = await open('import keras\rfrom keras import layers\rinp = keras.Input(shape=(3,))\rout = layers.Dense(2)(inp)\r');
    const hints = await connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => [h.position, h.label]),
      [
        [{ line: 2, character: 29 }, '  # (None, 3)'],
        [{ line: 3, character: 26 }, '  # (None, 2)'],
      ],
    );
  });

  it('answers every request on a file whose Sequential holds an InputLayer (once an internal error)', async () => {
    const uri = await open(`${header}model = keras.Sequential([layers.InputLayer(shape=(4,)), layers.Dense(3)])\ny = model.output\n`);
    const listed: ListTensorsResult = await connection.sendRequest(listTensorsRequest, { uri });
    assert.deepEqual(
      listed.tensors.map((t) => [t.name, t.shape]),
      [['y', '(None, 3)']],
    );
  });
});
