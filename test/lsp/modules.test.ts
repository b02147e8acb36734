// A project split over modules, as an editor sees it through the real server
// over stdio: hovers through imported helpers, diagnostics on the importing
// file, and refreshes when a module changes, open in the editor or on disk.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  HoverRequest,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  type Diagnostic,
  type MarkupContent,
  type ProtocolConnection,
  type Registration,
} from 'vscode-languageserver-protocol/node';
import { startServer } from './stdio-server.js';

const blocks = (call: string) => `from keras import layers

def conv_block(x):
    return ${call}
`;
const conv = (filters: number) => `layers.Conv2D(${filters}, 3, padding="same")(x)`;
const train = `import keras
from blocks import conv_block
from extra_helpers import widen

inputs = keras.Input(shape=(32, 32, 3))
features = conv_block(inputs)
wide = widen(features)
`;

describe('language server: the modules a file imports', function () {
  this.timeout(30_000);
  let connection: ProtocolConnection;
  let stop: () => void;
  const folder = mkdtempSync(join(tmpdir(), 'tensor-lens-lsp-modules-'));
  const extra = mkdtempSync(join(tmpdir(), 'tensor-lens-lsp-extra-'));
  const uriOf = (name: string): string => pathToFileURL(join(folder, name)).href;
  const published = new Map<string, Diagnostic[]>();
  const registrations: Registration[] = [];
  let changes = 0;

  before(async () => {
    writeFileSync(join(folder, 'blocks.py'), blocks(conv(16)));
    writeFileSync(join(folder, 'train.py'), train);
    writeFileSync(join(extra, 'extra_helpers.py'), 'from keras import layers\ndef widen(t):\n    return layers.Dense(64)(t)\n');
    ({ connection, stop } = await startServer(
      {
        initializationOptions: { hover: { values: 'off' }, analysis: { extraPaths: [extra] } },
        capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
        workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'project' }],
      },
      (c) => {
        c.onRequest(RegistrationRequest.type, ({ registrations: added }) => void registrations.push(...added));
        c.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
          published.set(uri, diagnostics);
          changes++;
        });
      },
    ));
  });

  after(() => {
    stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(extra, { recursive: true, force: true });
  });

  async function hoverText(line: number, character: number): Promise<string> {
    const result = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uriOf('train.py') },
      position: { line, character },
    });
    return (result?.contents as MarkupContent | undefined)?.value ?? '';
  }

  /** Waits for a publication of the file's diagnostics after the `after`-th one that satisfies the check. */
  async function diagnosticsAfter(after: number, check: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const current = published.get(uriOf('train.py'));
      if (changes > after && current && check(current)) return current;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no matching diagnostics: ${JSON.stringify(published.get(uriOf('train.py')))}`);
  }

  it('watches Python files, and hovers through helpers found in the folder and in analysis.extraPaths', async () => {
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf('train.py'), languageId: 'python', version: 1, text: train },
    });
    const features = await hoverText(5, 2);
    assert.deepEqual(
      registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles').map((r) => r.registerOptions),
      [{ watchers: [{ globPattern: '**/*.py' }] }],
    );
    assert.match(features, /^`features: KerasTensor \(None, 32, 32, 16\) float32`/);
    assert.match(features, /made in `blocks.py`, line 4/);
    assert.match(await hoverText(6, 1), /^`wide: KerasTensor \(None, 32, 32, 64\) float32`/);
    const hints = await connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: uriOf('train.py') },
      range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => h.label),
      ['  # (None, 32, 32, 3)', '  # (None, 32, 32, 16)', '  # (None, 32, 32, 64)'],
    );
  });

  it('an edit of the module open in the editor refreshes the file that imports it; closing it goes back to the disk', async () => {
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf('blocks.py'), languageId: 'python', version: 1, text: blocks(conv(16)) },
    });
    const before = changes;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uriOf('blocks.py'), version: 2 },
      contentChanges: [{ text: blocks('layers.Conv2D(16, 3)(layers.Flatten()(x))') }],
    });
    const [error] = await diagnosticsAfter(before, (d) => d.length === 1);
    assert.equal(error!.range.start.line, 5);
    assert.match(String(error!.message), /\(in blocks.py, line 4\)$/);
    assert.match(await hoverText(5, 2), /^`features`: not known statically — Input 0 of layer 'conv2d' is incompatible/);
    const closed = changes;
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf('blocks.py') } });
    await diagnosticsAfter(closed, (d) => d.length === 0);
    assert.match(await hoverText(5, 2), /^`features: KerasTensor \(None, 32, 32, 16\) float32`/);
  });

  it('a module changed or created on disk refreshes the files that import it, once the client says so', async () => {
    writeFileSync(join(folder, 'blocks.py'), blocks(conv(8)));
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uriOf('blocks.py'), type: FileChangeType.Changed }],
    });
    const deadline = Date.now() + 10_000;
    while (!/\(None, 32, 32, 8\)/.test(await hoverText(5, 2)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(await hoverText(5, 2), /^`features: KerasTensor \(None, 32, 32, 8\) float32`/);

    const later = 'import keras\nfrom later import UNITS\nout = keras.layers.Dense(UNITS)(keras.Input((3,)))\n';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf('uses_later.py'), languageId: 'python', version: 1, text: later },
    });
    const hoverLater = async (): Promise<string> => {
      const result = await connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: uriOf('uses_later.py') },
        position: { line: 2, character: 1 },
      });
      return (result?.contents as MarkupContent | undefined)?.value ?? '';
    };
    assert.match(await hoverLater(), /not known statically — .*`later.UNITS` is imported from a module Tensor Lens does not read/);
    writeFileSync(join(folder, 'later.py'), 'UNITS = 5\n');
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uriOf('later.py'), type: FileChangeType.Created }],
    });
    while (!/\(None, 5\)/.test(await hoverLater()) && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 100));
    assert.match(await hoverLater(), /^`out: KerasTensor \(None, 5\) float32`/);
  });
});
