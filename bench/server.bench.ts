// `npm run bench`: the language server as an editor sees it, over stdio: how
// long a hover takes with shapes only (warm, and right after an edit of a
// 1,000-layer file), and with values (the first one, which starts the worker;
// a repeated one; and a fresh one on a new seed); then the files that used to
// stall it (a 5 MB file, a name bound 10,000 times, a half-typed endless loop),
// each edited and hovered; and the server's peak memory. Medians of repeated runs.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { readFileSync } from 'node:fs';
import { serverNodeOptions, setEvaluationSettingsRequest } from '../src/protocol/lsp.js';
import { layerCount, resnetSource, thousandLayers } from '../test/fixtures/resnet-source.js';

const runs = 20;
const server = spawn(process.execPath, [...serverNodeOptions, join('dist', 'server.js'), '--stdio'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
connection.listen();
await connection.sendRequest(InitializeRequest.type, {
  processId: process.pid,
  rootUri: null,
  capabilities: {},
  initializationOptions: { hover: { values: 'off', budgetMs: 60_000 } },
});
await connection.sendNotification(InitializedNotification.type, {});

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function quantile(times: number[], q: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function median(times: number[]): number {
  return quantile(times, 0.5);
}

/** The next diagnostics the server publishes for `uri`. */
function nextDiagnostics(uri: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      if (params.uri !== uri) return;
      listener.dispose();
      resolve();
    });
  });
}

async function hover(uri: string, line: number, character: number): Promise<string> {
  const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  return (result?.contents as MarkupContent | undefined)?.value ?? '';
}

// Shapes only, on the generated ResNet: the last assignment of the file.
const resnet = resnetSource(thousandLayers);
const resnetUri = 'file:///bench/resnet.py';
const lastLine = resnet.trimEnd().split('\n').length - 1;
await connection.sendNotification(DidOpenTextDocumentNotification.type, {
  textDocument: { uri: resnetUri, languageId: 'python', version: 1, text: resnet },
});
await hover(resnetUri, lastLine, 0);
const warm: number[] = [];
for (let i = 0; i < runs; i++) warm.push(await timed(() => hover(resnetUri, lastLine, 0)));
const edited: number[] = [];
for (let i = 0; i < runs; i++) {
  // A keystroke at the top of the file (a comment), then the hover: the server analyses the new text first.
  await connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: resnetUri, version: i + 2 },
    contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: i % 2 ? '#\n' : '' }],
  });
  edited.push(await timed(() => hover(resnetUri, lastLine, 0)));
}
// A keystroke as the editor sends it: the change, then the inlay hints of the whole file; done when the hints and
// the new diagnostics have both arrived. Alternately a character typed into the Dense layer's units and taken back.
const denseLine = resnet.split('\n').findIndex((line) => line.includes('Dense(1000'));
const unitsEnd = resnet.split('\n')[denseLine]!.indexOf('1000') + 4;
const keystrokes: number[] = [];
for (let i = 0; i < 2 * runs; i++) {
  const typed = i % 2 === 0;
  const at = { line: denseLine, character: unitsEnd };
  keystrokes.push(
    await timed(async () => {
      const published = nextDiagnostics(resnetUri);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: resnetUri, version: runs + i + 2 },
        contentChanges: [{ range: { start: at, end: typed ? at : { ...at, character: at.character + 1 } }, text: typed ? '0' : '' }],
      });
      await connection.sendRequest(InlayHintRequest.type, {
        textDocument: { uri: resnetUri },
        range: { start: { line: 0, character: 0 }, end: { line: lastLine + 1, character: 0 } },
      });
      await published;
    }),
  );
}

// Values, on the seed's Method 1: conv_layer.
// Shapes only, on a tensor after keras.applications.EfficientNetB0: the first hover reads and parses the Keras sources
// (cold), then the analysis is cached (warm), then each edit analyses the file again with the sources' trees kept.
const transfer = [
  'import keras',
  'from keras import layers',
  'base = keras.applications.EfficientNetB0(include_top=False, weights=None, input_shape=(224, 224, 3))',
  'base.trainable = False',
  'inputs = keras.Input(shape=(224, 224, 3))',
  'x = base(inputs, training=False)',
  'x = layers.GlobalAveragePooling2D()(x)',
  'outputs = layers.Dense(10)(x)',
  '',
].join('\n');
const transferUri = 'file:///bench/transfer.py';
await connection.sendNotification(DidOpenTextDocumentNotification.type, {
  textDocument: { uri: transferUri, languageId: 'python', version: 1, text: transfer },
});
const transferCold = await timed(() => hover(transferUri, 7, 0));
const transferWarm: number[] = [];
for (let i = 0; i < runs; i++) transferWarm.push(await timed(() => hover(transferUri, 7, 0)));
const transferEdited: number[] = [];
for (let i = 0; i < runs; i++) {
  await connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: transferUri, version: i + 2 },
    contentChanges: [{ text: `# edit ${i}\n${transfer}` }],
  });
  transferEdited.push(await timed(() => hover(transferUri, 8, 0)));
}

await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { tensorLens: { hover: { values: 'auto' } } } });
const method1Uri = 'file:///bench/method1.py';
const method1 = readFileSync(join('examples', 'seed_method1_k_function.py'), 'utf8');
await connection.sendNotification(DidOpenTextDocumentNotification.type, {
  textDocument: { uri: method1Uri, languageId: 'python', version: 1, text: method1 },
});
const first = await timed(() => hover(method1Uri, 8, 3));
const repeated: number[] = [];
for (let i = 0; i < runs; i++) repeated.push(await timed(() => hover(method1Uri, 8, 3)));
const fresh: number[] = [];
for (let i = 0; i < runs; i++) {
  await connection.sendRequest(setEvaluationSettingsRequest, { seed: 100 + i });
  fresh.push(await timed(() => hover(method1Uri, 8, 3)));
}

// Hostile files, shapes only: each run edits the file (so it is analysed again) and hovers its last name.
await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { tensorLens: { hover: { values: 'off' } } } });
const header = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(8,))\n';
let fiveMegabytes = header;
for (let i = 0; fiveMegabytes.length < 5_000_000; i++) fiveMegabytes += `y${i} = layers.Dense(${(i % 50) + 1})(x)\n`;
const hostile: [string, string, number, number][] = [
  ['5 MB file (analysed up to 400,000 characters)', fiveMegabytes, 3, 0],
  ['x bound 10,000 times in a loop, hover on x', `${header}for i in range(10000):\n    x = layers.Dense(8)(x)\n`, 4, 4],
  [
    'while True around an empty for over range(1, 10000)',
    `${header}while True:\n    for t in range(1, 10000):\n        # todo\nz = x\n`,
    5,
    0,
  ],
];
const hostileTimes: [string, number][] = [];
for (const [what, text, line, character] of hostile) {
  const uri = `file:///bench/hostile-${hostileTimes.length}.py`;
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' }],
    });
    times.push(await timed(() => hover(uri, line + i + 1, character)));
  }
  hostileTimes.push([what, median(times)]);
}
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]);

const row = (what: string, ms: number): string => `${what.padEnd(62)} ${ms.toFixed(1).padStart(8)} ms\n`;
process.stdout.write(`\nLanguage server over stdio: hover latency, median of ${runs} (node ${process.version})\n`);
process.stdout.write(row(`shapes only, ${layerCount(thousandLayers)}-layer file, analysis cached`, median(warm)));
process.stdout.write(row(`shapes only, ${layerCount(thousandLayers)}-layer file, right after an edit`, median(edited)));
process.stdout.write(
  row(`a keystroke in the ${layerCount(thousandLayers)}-layer file: new diagnostics and inlay hints`, median(keystrokes)).replace(
    '\n',
    ` (p90 ${quantile(keystrokes, 0.9).toFixed(1)} ms; target < 20 ms: ${median(keystrokes) < 20 ? 'met' : 'NOT met'})\n`,
  ),
);
process.stdout.write(row('shapes only, after EfficientNetB0: first hover (reads Keras)', transferCold));
process.stdout.write(row('shapes only, after EfficientNetB0: analysis cached', median(transferWarm)));
process.stdout.write(row('shapes only, after EfficientNetB0: right after an edit', median(transferEdited)));
process.stdout.write(row('values, Method 1 conv_layer: first hover (starts the worker)', first));
process.stdout.write(row('values, the same hover again (remembered)', median(repeated)));
process.stdout.write(row('values, a new seed each time (evaluated)', median(fresh)));
process.stdout.write(`Hostile files: an edit, then a hover (median of 5)\n`);
for (const [what, ms] of hostileTimes) process.stdout.write(row(what, ms));
process.stdout.write(`server peak resident memory (VmHWM): ${(peakKb / 1024).toFixed(0)} MB\n`);
connection.dispose();
server.kill();
