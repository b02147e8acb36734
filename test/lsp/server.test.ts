// The built language server as a real process, spoken to over stdio with a real
// LSP connection: hovers (shapes and values), inlay hints, diagnostics, code
// lens, edits, the custom requests, a killed worker, and garbage.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  type MarkupContent,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  evaluateTensorRequest,
  listTensorsRequest,
  restartWorkerRequest,
  setEvaluationSettingsRequest,
  tensorAtRequest,
  workerStatusNotification,
  workerStatusRequest,
  type EvaluationSettingsUpdate,
  type ListTensorsResult,
  type TensorEvaluation,
  type TensorItem,
  type WorkerStatus,
} from '../../src/protocol/lsp.js';
import { PublishedDiagnostics, root, startServer } from './stdio-server.js';

describe('language server over stdio', function () {
  this.timeout(30_000);
  let connection: ProtocolConnection;
  let stop: () => void;
  const published = new PublishedDiagnostics();
  const waiters: (() => void)[] = [];
  const statuses: WorkerStatus[] = [];

  before(async () => {
    ({ connection, stop } = await startServer(
      {
        // Values in hovers wait for a cold worker on a busy machine: the budget is tested on its own below.
        // As the VS Code client does, it says it runs Tensor Lens's commands, so hovers and code lenses link to them.
        initializationOptions: { hover: { budgetMs: 20_000 }, clientCommands: true },
      },
      (connection) => {
        published.listen(connection, () => waiters.splice(0).forEach((wake) => wake()));
        connection.onNotification(workerStatusNotification, (status: WorkerStatus) => {
          statuses.push(status);
          waiters.splice(0).forEach((wake) => wake());
        });
      },
    ));
  });

  after(() => stop());

  async function until<T>(what: string, read: () => T | undefined): Promise<T> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const value = read();
      if (value !== undefined) return value;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  function evaluate(uri: string, line: number, character: number, batchItem?: number): Promise<TensorEvaluation> {
    return connection.sendRequest(evaluateTensorRequest, {
      uri,
      position: { line, character },
      ...(batchItem !== undefined && { batchItem }),
    });
  }

  function configure(update: EvaluationSettingsUpdate): Promise<unknown> {
    return connection.sendRequest(setEvaluationSettingsRequest, update);
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

  it('hovers a use of a name with the value it has there', async () => {
    const uri = await open(
      'uses.py',
      'import keras\nx = keras.Input((4,))\nx = keras.layers.Dense(2)(x)\ny = keras.layers.Dense(3)(\n    x)\n',
    );
    // `x = Dense(2)(x)` reads the Input; after it, x is the Dense output, also in a call split over lines.
    assert.match(await hoverText(uri, 2, 26), /^`x: KerasTensor \(None, 4\) float32`/);
    assert.match(await hoverText(uri, 2, 0), /^`x: KerasTensor \(None, 2\) float32`/);
    assert.match(await hoverText(uri, 4, 4), /^`x: KerasTensor \(None, 2\) float32`/);
    const at = await connection.sendRequest<TensorItem | null>(tensorAtRequest, { uri, position: { line: 4, character: 5 } });
    assert.deepEqual([at?.name, at?.range.start, at?.type], ['x', { line: 2, character: 0 }, 'KerasTensor (None, 2) float32']);
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
    const found = await published.until(uri, (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => [d.range.start, d.severity, d.message, d.source]),
      [[{ line: 3, character: 4 }, 1, 'Inputs have incompatible shapes. Received shapes (3,) and (4,)', 'Tensor Lens']],
    );
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 17 }, end: { line: 2, character: 18 } }, text: '3' }],
    });
    await published.until(uri, (d) => d.length === 0);
    assert.match(await hoverText(uri, 3, 0), /^`c: KerasTensor \(None, 3\) float32`/);
  });

  it('reads a legacy .h5 model once the HDF5 library has loaded, then answers with what it holds', async () => {
    const saved = join(root, 'test/conformance/reference/autoencoder/model.h5');
    const uri = await open(
      'loads_h5.py',
      `import keras\nmodel = keras.models.load_model(${JSON.stringify(saved)})\ncode = model.get_layer("encoder").output\n`,
    );
    const refreshes: string[] = [];
    connection.onRequest(CodeLensRefreshRequest.type, () => void refreshes.push('code lenses'));
    connection.onRequest(InlayHintRefreshRequest.type, () => void refreshes.push('inlay hints'));
    // The first analysis of the server meets the file before the library (megabytes of wasm) is loaded: not known yet.
    assert.match(await hoverText(uri, 2, 1), /model\.h5 is read once the HDF5 reader has loaded, in a moment/);
    // Analysed again once it has, with no edit: the server asks the client for new hints and lenses, as an edit would.
    await until('the refresh requests', () => (refreshes.length >= 2 ? true : undefined));
    assert.deepEqual(refreshes.sort(), ['code lenses', 'inlay hints']);
    const hover = await hoverText(uri, 2, 1);
    assert.match(hover, /^`code: KerasTensor \(None, 7, 7, 8\) float32`/);
  });

  it('survives a document of garbage and keeps answering', async () => {
    const uri = await open('garbage.py', '\u0000))((( def class lambda: @@ [[[ import ' + 'x = ('.repeat(2000));
    await published.until(uri, () => true);
    assert.equal(await hoverText(uri, 0, 3), '');
    const healthy = await open('after.py', 'import keras\nx = keras.Input((2,))\n');
    assert.match(await hoverText(healthy, 1, 0), /^`x: KerasTensor \(None, 2\) float32`/);
  });
  describe('values', () => {
    const method1Text = readFileSync(join(root, 'examples/seed_method1_k_function.py'), 'utf8');
    const tinyText = readFileSync(join(root, 'test/fixtures/tiny_model.py'), 'utf8');
    const weights = join(root, 'test/fixtures/weights');
    const statsPattern = /`min -?[\d.e+-]+ {2}max [\d.e+-]+ {2}mean [\d.e+-]+ {2}std [\d.e+-]+ {2}zeros \d+ {2}nan 0 {2}inf 0`/;

    it('hovers with statistics, a histogram and NumPy-style values of the sample input', async () => {
      const uri = await open('seed_method1_k_function.py', method1Text);
      const conv = await hoverText(uri, 8, 3);
      assert.match(conv, /^`conv_layer: KerasTensor \(None, 30, 30, 32\) float32`/);
      assert.match(conv, statsPattern);
      assert.match(conv, /\n`[ ▁▂▃▄▅▆▇█]{32} {2}-?[\d.]+ … [\d.]+`\n/);
      assert.match(conv, /```python\n\[\[\[\[0\./);
      assert.match(conv, /\n# … \d+ more lines in the panel\n```/);
      assert.match(
        conv,
        /input: \(1, 32, 32, 3\) uniform \[0, 1\), seed 0 · weights: Keras default initializers, seed 0 · (wasm|TensorFlow \d+\.\d+ native)/,
      );
      assert.match(conv, /\[Open in panel\]\(command:tensorLens\.showTensor\?/);
      // K.function on the file's np.random.rand(1, 32, 32, 3) sees the same numbers as the default sample input.
      const numpy = await hoverText(uri, 21, 3);
      assert.match(numpy, /^`numpy_array: ndarray \(1, 30, 30, 32\) float32`/);
      assert.equal(numpy.match(statsPattern)?.[0], conv.match(statsPattern)?.[0]);
    });

    it('waits at most the hover budget, then has the values on the next hover', async () => {
      const uri = await open('budget.py', method1Text);
      await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { tensorLens: { hover: { budgetMs: 0 } } } });
      await configure({ seed: 7 });
      try {
        assert.match(await hoverText(uri, 8, 3), /_Values are being computed; hover again in a moment/);
        await until('the evaluation to end', () => (statuses.at(-1)?.state === 'idle' ? true : undefined));
        const again = await hoverText(uri, 8, 3);
        assert.match(again, statsPattern);
        assert.match(again, /seed 7/);
      } finally {
        await connection.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { tensorLens: { hover: { budgetMs: 20_000 } } },
        });
        await configure({ seed: 0 });
      }
    });

    it('lists the tensors of a document with their types and layers', async () => {
      const uri = await open('seed_method1_k_function.py', method1Text);
      const { tensors } = await connection.sendRequest<ListTensorsResult>(listTensorsRequest, { uri });
      assert.deepEqual(
        tensors.map((t) => [t.name, t.range.start.line, t.type, t.layer ?? null, t.notEvaluable ?? null]),
        [
          ['input_layer', 7, 'KerasTensor (None, 32, 32, 3) float32', "InputLayer 'input_layer'", null],
          ['conv_layer', 8, 'KerasTensor (None, 30, 30, 32) float32', "Conv2D 'conv2d'", null],
          ['conv_tensor', 12, 'KerasTensor (None, 30, 30, 32) float32', "Conv2D 'conv2d'", null],
          ['input_data', 18, 'ndarray (1, 32, 32, 3) float64', null, 'sample data made by np.random.rand() in the file'],
          ['numpy_array', 21, 'ndarray (1, 30, 30, 32) float32', "Conv2D 'conv2d'", null],
        ],
      );
    });

    it('evaluates with a Keras weights file exactly as Keras computes it', async () => {
      const uri = await open('tiny_model.py', tinyText);
      // Dense then BatchNormalization (epsilon 1e-3) on ones, with the weights of test/fixtures/weights/make.py.
      const kernel = Array.from({ length: 12 }, (_, i) => (i - 5.5) / 8);
      const bias = [0.5, -0.25, 0.125];
      const [gamma, beta, mean, variance] = [
        [1.0, 1.5, 2.0],
        [0.0, 0.25, -0.5],
        [0.75, -1.0, 0.0625],
        [1.0, 0.5, 4.0],
      ];
      const expected = [0, 1, 2].map((j) => {
        const dense = [0, 1, 2, 3].reduce((sum, i) => sum + kernel[i * 3 + j]!, bias[j]!);
        return ((dense - mean![j]!) / Math.sqrt(variance![j]! + 1e-3)) * gamma![j]! + beta![j]!;
      });
      try {
        for (const file of ['tiny.weights.h5', 'tiny.keras', 'tiny.h5']) {
          await configure({ sampleInput: 'ones', weights: { uri, path: join(weights, file) } });
          const result = await evaluate(uri, 5, 1);
          assert.equal(result.error, undefined, result.error);
          assert.deepEqual(result.summary?.shape, [1, 3]);
          assert.ok(Math.abs(result.summary!.min - Math.min(...expected)) < 1e-5, `${file}: min ${result.summary!.min}`);
          assert.ok(Math.abs(result.summary!.max - Math.max(...expected)) < 1e-5, `${file}: max ${result.summary!.max}`);
          assert.ok(Math.abs(result.summary!.mean - expected.reduce((a, b) => a + b) / 3) < 1e-5, `${file}: mean`);
          assert.equal(result.weightsDescription, `weights from ${join(weights, file)}`);
          assert.equal(result.inputDescription, '(1, 4) ones');
        }
        await configure({ weights: { uri, path: join(weights, 'missing.weights.h5') } });
        const missing = await evaluate(uri, 5, 1);
        assert.equal(missing.summary, undefined);
        assert.match(missing.error ?? '', /missing\.weights\.h5/);
      } finally {
        await configure({ sampleInput: 'uniform', weights: { uri, path: null } });
      }
    });

    it('evaluates with the weights the file loads (model.load_weights), and says where they came from or why not', async () => {
      const loads = (path: string): string => `${tinyText}model.load_weights("${path}")\n`;
      const relative = (file: string): string => `../test/fixtures/weights/${file}`;
      await configure({ sampleInput: 'ones' });
      try {
        const initial = await evaluate(await open('loads_tiny.py', tinyText), 5, 1);
        for (const file of ['tiny.weights.h5', 'tiny.keras', 'tiny.h5']) {
          // Found from the file's folder (examples/), as Python finds it when run from there.
          const result = await evaluate(await open('loads_tiny.py', loads(relative(file))), 5, 1);
          assert.equal(result.error, undefined, result.error);
          assert.equal(result.weightsDescription, `the weights of 'tiny' from ${join(weights, file)}`);
          const byDocument = await (async () => {
            await configure({ weights: { uri: pathToFileURL(join(root, 'examples', 'tiny_model.py')).href, path: join(weights, file) } });
            return evaluate(await open('tiny_model.py', tinyText), 5, 1);
          })();
          assert.deepEqual(
            [result.summary?.min, result.summary?.max, result.summary?.mean],
            [byDocument.summary?.min, byDocument.summary?.max, byDocument.summary?.mean],
          );
          assert.notEqual(result.summary?.mean, initial.summary?.mean);
        }
        const missing = await evaluate(await open('loads_tiny.py', loads('missing.weights.h5')), 5, 1);
        assert.equal(missing.summary?.mean, initial.summary?.mean);
        assert.equal(
          missing.weightsDescription,
          "Keras default initializers, seed 0; not the weights loaded into 'tiny': missing.weights.h5 is not found from the file's folder or the workspace folders",
        );
        await configure({ trusted: false });
        const untrusted = await evaluate(await open('loads_tiny.py', loads(relative('tiny.weights.h5'))), 5, 1);
        assert.equal(untrusted.summary?.mean, initial.summary?.mean);
        assert.match(untrusted.weightsDescription ?? '', /; not the weights loaded into 'tiny': this workspace is not trusted/);
      } finally {
        await configure({
          trusted: true,
          sampleInput: 'uniform',
          weights: { uri: pathToFileURL(join(root, 'examples', 'tiny_model.py')).href, path: null },
        });
      }
    });

    it('draws the maps of the batch item asked for', async () => {
      const uri = await open('batch.py', method1Text);
      await configure({ batchSize: 2 });
      try {
        const first = await evaluate(uri, 8, 3);
        const second = await evaluate(uri, 8, 3, 1);
        assert.deepEqual(first.summary?.shape, [2, 30, 30, 32]);
        assert.equal(first.summary?.channelMaps?.maps.length, 32);
        assert.deepEqual([second.batchItem, second.summary?.min, second.summary?.max], [1, first.summary?.min, first.summary?.max]);
        assert.notEqual(second.summary?.channelMaps?.maps[0]?.data, first.summary?.channelMaps?.maps[0]?.data);
      } finally {
        await configure({ batchSize: 1 });
      }
    });

    it('reads no file of an untrusted workspace', async () => {
      const uri = await open('tiny_model.py', tinyText);
      await configure({ trusted: false, weights: { uri, path: join(weights, 'tiny.weights.h5') } });
      try {
        const refused = await evaluate(uri, 5, 1);
        assert.match(refused.error ?? '', /^Not evaluated: this workspace is not trusted/);
        await configure({ weights: { uri, path: null } });
        assert.equal((await evaluate(uri, 5, 1)).error, undefined);
      } finally {
        await configure({ trusted: true });
      }
    });

    it('reports the worker, survives it being killed from outside, and restarts it on request', async () => {
      const uri = await open('seed_method1_k_function.py', method1Text);
      await evaluate(uri, 8, 3);
      const status = await connection.sendRequest<WorkerStatus>(workerStatusRequest);
      assert.equal(status.state, 'idle');
      assert.match(status.backend?.name ?? '', /^(wasm|node)$/);
      assert.match(status.backend?.label ?? '', /^(wasm|TensorFlow \d+\.\d+ native)$/);
      assert.ok(status.pid);
      process.kill(status.pid, 'SIGKILL');
      await until('the worker to be reported stopped', () => (statuses.at(-1)?.state === 'stopped' ? true : undefined));
      await configure({ seed: 3 });
      try {
        assert.match(await hoverText(uri, 8, 3), statsPattern);
        const restarted = await connection.sendRequest<WorkerStatus>(workerStatusRequest);
        assert.equal(restarted.state, 'idle');
        assert.notEqual(restarted.pid, status.pid);
        assert.equal((await connection.sendRequest<WorkerStatus>(restartWorkerRequest)).state, 'stopped');
      } finally {
        await configure({ seed: 0 });
      }
    });
  });

  it('puts a code lens with the size of each model above it', async () => {
    const uri = await open('seed_method1_k_function.py', readFileSync(join(root, 'examples/seed_method1_k_function.py'), 'utf8'));
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments ?? null]),
      [
        [9, 'functional: 2 layers · 896 params', '', null],
        [9, 'Evaluate', 'tensorLens.showTensor', [uri, { line: 8, character: 0 }]],
      ],
    );
  });

  it('says in hovers and code lenses how many params are non-trainable', async () => {
    const uri = await open(
      'frozen.py',
      [
        'import keras',
        'inputs = keras.Input((8,))',
        'x = keras.layers.BatchNormalization()(inputs)',
        'y = keras.layers.Dense(4, trainable=False)(x)',
        'model = keras.Model(inputs, y)',
        '',
      ].join('\n'),
    );
    // BatchNormalization: gamma, beta, and the moving mean and variance (non-trainable) of 8; Dense 8·4+4, all frozen.
    assert.match(await hoverText(uri, 2, 0), /BatchNormalization 'batch_normalization' · 32 params \(16 non-trainable\)/);
    assert.match(await hoverText(uri, 3, 0), /Dense 'dense' · 36 params \(all non-trainable\)/);
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.equal(lenses?.[0]?.command?.title, 'functional: 3 layers · 68 params (52 non-trainable)');
  });

  it('turns inlay hints off and on with the setting', async () => {
    const uri = await open('toggle.py', 'import keras\nx = keras.Input((8,))\n');
    const range = { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } };
    await connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { tensorLens: { inlayHints: { enabled: false } } },
    });
    assert.deepEqual(await connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }), []);
    await connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { tensorLens: { inlayHints: { enabled: true } } },
    });
    assert.equal((await connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }))?.length, 1);
  });
});
