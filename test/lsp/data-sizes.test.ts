// Sizes from data through the real server: hovers name them and offer to pin
// them (a command link for the VS Code client, the comment to write for other
// editors), and a `# tensor-lens:` directive pins them.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type MarkupContent,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { clientCommands } from '../../src/protocol/lsp.js';
import { root, startServer } from './stdio-server.js';

const source = `import keras
import numpy as np
x_train = np.load("x_train.npy")
inputs = keras.Input(shape=x_train.shape[1:])
wide = keras.Input(shape=(x_train.shape[1],))
`;

describe('language server: sizes from data', function () {
  this.timeout(30_000);
  const servers: { connection: ProtocolConnection; stop: () => void }[] = [];
  after(() => servers.forEach((s) => s.stop()));

  async function open(clientCommandsOn: boolean, text: string): Promise<{ connection: ProtocolConnection; uri: string }> {
    const server = await startServer({ initializationOptions: { hover: { values: 'off' }, clientCommands: clientCommandsOn } });
    servers.push(server);
    const uri = pathToFileURL(join(root, 'examples', `data-sizes-${servers.length}.py`)).href;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text },
    });
    return { connection: server.connection, uri };
  }

  async function hoverText(connection: ProtocolConnection, uri: string, line: number): Promise<string> {
    const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 1 } });
    return (result?.contents as MarkupContent | undefined)?.value ?? '';
  }

  it('offers the VS Code client a link that pins the expression, above the line', async () => {
    const { connection, uri } = await open(true, source);
    const text = await hoverText(connection, uri, 3);
    assert.match(text, /^`inputs`: not known statically — the shape of this Input is not known: `x_train` is not known/);
    const link = /\[Pin `x_train.shape`…\]\(command:([\w.]+)\?([^)]+)\)/.exec(text);
    assert.ok(link, text);
    assert.equal(link[1], clientCommands.pinValue);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[2]!)), [uri, 3, 'x_train.shape']);
    // A size named in a known shape is offered too.
    assert.match(
      await hoverText(connection, uri, 4),
      /^`wide: KerasTensor \(None, x_train.shape\[1\]\) float32`[\s\S]*\[Pin `x_train.shape`…\]/,
    );
  });

  it('tells another editor the comment to write, and the comment pins the shape', async () => {
    const { connection, uri } = await open(false, source);
    const text = await hoverText(connection, uri, 3);
    assert.match(text, /_Sizes from data: tell them to Tensor Lens with a comment,_ `# tensor-lens: x_train.shape = \(None, …\)`/);
    assert.doesNotMatch(text, /command:/);
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: source.replace('x_train = ', '# tensor-lens: x_train.shape = (None, 28, 28, 1)\nx_train = ') }],
    });
    assert.match(await hoverText(connection, uri, 4), /^`inputs: KerasTensor \(None, 28, 28, 1\) float32`/);
    assert.match(await hoverText(connection, uri, 5), /^`wide: KerasTensor \(None, 28\) float32`/);
  });
});
