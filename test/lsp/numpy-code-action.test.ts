// The "Get … as NumPy" code action through the real server, on a file: offered on a tensor's name, its edit applied
// as an editor would, and the file analysed again.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type CodeAction,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { root, startServer } from './stdio-server.js';

describe('language server: Get … as NumPy', function () {
  this.timeout(30_000);

  it('offers the seed’s methods on a tensor, and nothing on a line without one; the edit gives an array of its shape', async () => {
    const { connection, stop } = await startServer({ initializationOptions: { hover: { values: 'off' } } });
    try {
      const uri = pathToFileURL(join(root, 'examples', 'code-action.py')).href;
      // CRLF line breaks: the inserted lines keep them.
      const text = readFileSync(join(root, 'examples', 'seed_method1_k_function.py'), 'utf8').replace(/\n/g, '\r\n');
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'python', version: 1, text },
      });
      const at = (line: number, character: number) => ({
        textDocument: { uri },
        range: { start: { line, character }, end: { line, character } },
        context: { diagnostics: [] },
      });
      // `conv_tensor = model.output`, line 13.
      const actions = (await connection.sendRequest(CodeActionRequest.type, at(12, 3))) as CodeAction[];
      assert.deepEqual(
        actions.map((a) => [a.title, a.kind]),
        [
          ['Get conv_tensor as NumPy: a sub-model and predict', 'refactor'],
          ['Get conv_tensor as NumPy: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)', 'refactor'],
        ],
      );
      assert.deepEqual(await connection.sendRequest(CodeActionRequest.type, at(0, 0)), []);
      const [insert] = actions[1]!.edit!.changes![uri]!;
      assert.equal(
        insert!.newText,
        '\r\nget_conv_tensor = K.function(model.inputs, [conv_tensor])\r\nconv_tensor_array = get_conv_tensor([np.random.rand(1, 32, 32, 3)])[0]',
      );
      const edited = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, text), [insert!]);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: edited }],
      });
      const line = edited.split('\r\n').findIndex((l) => l.startsWith('conv_tensor_array'));
      const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 1 } });
      assert.match((hover?.contents as MarkupContent).value, /^`conv_tensor_array: ndarray \(1, 30, 30, 32\) float32`/);
    } finally {
      stop();
    }
  });
});
