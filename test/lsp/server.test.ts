// The built language server as a real process, spoken to over stdio with a real
// LSP connection: hovers, inlay hints and diagnostics, edits, and garbage.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type MarkupContent,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

const root = join(import.meta.dirname, '..', '..');

describe('language server over stdio', function () {
  this.timeout(30_000);
  let server: ChildProcess;
  let connection: ProtocolConnection;
  const published = new Map<string, Diagnostic[]>();
  const waiters: (() => void)[] = [];

  before(async () => {
    const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    server = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
      published.set(uri, diagnostics);
      waiters.splice(0).forEach((wake) => wake());
    });
    connection.listen();
    const result = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(result.capabilities.hoverProvider, true);
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(() => {
    connection.dispose();
    server.kill();
  });

  /** Waits until diagnostics for the uri arrive that satisfy the check, polling on each publication. */
  async function diagnosticsOf(uri: string, check: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const current = published.get(uri);
      if (current && check(current)) return current;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    throw new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(published.get(uri))}`);
  }

  async function open(name: string, text: string): Promise<string> {
    const uri = pathToFileURL(join(root, 'examples', name)).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text },
    });
    return uri;
  }

  async function hoverText(uri: string, line: number, character: number): Promise<string> {
    const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    return (result?.contents as MarkupContent | undefined)?.value ?? '';
  }

  it('hovers every seed method’s tensors with their exact shapes', async () => {
    const method1 = await open('seed_method1_k_function.py', readFileSync(join(root, 'examples/seed_method1_k_function.py'), 'utf8'));
    // Line 9 (0-based 8): conv_layer = layers.Conv2D(...)
    const conv = await hoverText(method1, 8, 3);
    assert.match(conv, /^`conv_layer: KerasTensor \(None, 30, 30, 32\) float32`/);
    assert.match(conv, /Conv2D 'conv2d' · 896 params/);
    assert.match(conv, /filters=32, kernel_size=\(3, 3\), strides=\(1, 1\), padding='valid'.*activation='relu'/);
    assert.match(await hoverText(method1, 21, 3), /^`numpy_array: ndarray \(1, 30, 30, 32\) float32`/);

    const method3 = await open('seed_method3_subclassing.py', readFileSync(join(root, 'examples/seed_method3_subclassing.py'), 'utf8'));
    assert.match(await hoverText(method3, 13, 10), /^`conv_out: Tensor \(1, 30, 30, 32\) float32`/);
  });

  it('hovers a layer call that is not assigned to a name', async () => {
    const uri = await open('inline.py', 'import keras\nx = keras.Input((8,))\nprint(keras.layers.Dense(4)(x))\n');
    assert.match(await hoverText(uri, 2, 10), /^`dense`: Dense → \(None, 4\)/);
  });

  it('gives inlay hints with the shape of each tensor assignment', async () => {
    const text = 'import keras\nx = keras.Input((8,))\nh = keras.layers.Dense(4)(x)\n';
    const uri = await open('hints.py', text);
    const hints = await connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => [h.position, h.label]),
      [
        [{ line: 1, character: 21 }, '  # (None, 8)'],
        [{ line: 2, character: 28 }, '  # (None, 4)'],
      ],
    );
  });

  it('publishes shape errors, and follows edits', async () => {
    const uri = await open('broken.py', 'import keras\na = keras.Input((3,))\nb = keras.Input((4,))\nc = keras.layers.Add()([a, b])\n');
    const found = await diagnosticsOf(uri, (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => [d.range.start, d.severity, d.message, d.source]),
      [[{ line: 3, character: 4 }, 1, 'Inputs have incompatible shapes. Received shapes (3,) and (4,)', 'Tensor Lens']],
    );
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 17 }, end: { line: 2, character: 18 } }, text: '3' }],
    });
    await diagnosticsOf(uri, (d) => d.length === 0);
    assert.match(await hoverText(uri, 3, 0), /^`c: KerasTensor \(None, 3\) float32`/);
  });

  it('survives a document of garbage and keeps answering', async () => {
    const uri = await open('garbage.py', '\u0000))((( def class lambda: @@ [[[ import ' + 'x = ('.repeat(2000));
    await diagnosticsOf(uri, () => true);
    assert.equal(await hoverText(uri, 0, 3), '');
    const healthy = await open('after.py', 'import keras\nx = keras.Input((2,))\n');
    assert.match(await hoverText(healthy, 1, 0), /^`x: KerasTensor \(None, 2\) float32`/);
  });
});
