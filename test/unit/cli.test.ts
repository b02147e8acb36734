// The built `tensor-lens` CLI, run as a real process: output, JSON schema, exit codes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/engine/inputs/npy.js';
import type { Report } from '../../src/protocol/report.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tensor-lens CLI', () => {
  before(function () {
    // The CLI is tested as users run it: from the bundle `npm run build` writes.
    const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  });

  it('summary prints a Keras-style table with the total', () => {
    const { code, stdout } = run('summary', 'examples/seed_method2_predict.py');
    assert.equal(code, 0);
    assert.match(stdout, /Model: "functional" \(line 10\)/);
    assert.match(stdout, /│ conv2d \(Conv2D\)\s+│ \(None, 30, 30, 32\)\s+│\s+896 │/);
    assert.match(stdout, /│ dense \(Dense\)\s+│ \(None, 30, 30, 10\)\s+│\s+330 │/);
    // 896 + 330 = 1226 float32 weights = 4904 bytes = 4.79 KB.
    assert.match(stdout, /Total params: 1,226 \(4\.79 KB\)\n Trainable params: 1,226 \(4\.79 KB\)\n Non-trainable params: 0 \(0\.00 B\)\n/);
    assert.match(stdout, /Model: "functional_1"/);
  });

  it("summary splits the total into trainable and non-trainable as Keras's summary() does", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-'));
    const file = join(dir, 'frozen.py');
    writeFileSync(
      file,
      [
        'import keras',
        'from keras import layers',
        'base = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization()], name="base")',
        'base.trainable = False',
        'inputs = keras.Input((8,))',
        'outputs = layers.Dense(2)(base(inputs))',
        'model = keras.Model(inputs, outputs, name="head")',
        'fine = keras.Input((8,))',
        'tuned = keras.Model(fine, layers.Dense(2, trainable=flag)(fine), name="tuned")',
        '',
      ].join('\n'),
    );
    const { code, stdout } = run('summary', file);
    assert.equal(code, 0);
    // base: Dense 8·4+4 = 36 and BatchNormalization 4·4 = 16, all frozen; the head's Dense 4·2+2 = 10 is trainable.
    const head = stdout.slice(stdout.indexOf('Model: "head"'));
    assert.match(head, /Total params: 62 \(248\.00 B\)\n Trainable params: 10 \(40\.00 B\)\n Non-trainable params: 52 \(208\.00 B\)\n/);
    assert.match(
      stdout,
      /Model: "base"[\s\S]*?Total params: 52 \(208\.00 B\)\n Trainable params: 0 \(0\.00 B\)\n Non-trainable params: 52/,
    );
    // A `trainable` the analysis does not know: the total is known, the split is not.
    assert.match(
      stdout,
      /Model: "tuned"[\s\S]*?Total params: 18 \(72\.00 B\)\n Trainable params: \? \(its `trainable=` argument is not known\)/,
    );
    const report = JSON.parse(run('summary', file, '--json').stdout) as Report;
    const model = report.models.find((m) => m.name === 'head')!;
    assert.deepEqual([model.totalParams, model.trainableParams, model.nonTrainableParams], [62, 10, 52]);
    assert.deepEqual(
      model.layers.map((l) => [l.name, l.params, l.nonTrainableParams]),
      [
        ['input_layer_1', 0, 0],
        ['base', 52, 52],
        ['dense_1', 10, 0],
      ],
    );
  });

  it('inspect lists every binding with position, shape, dtype and layer', () => {
    const { code, stdout } = run('inspect', 'examples/seed_method1_k_function.py');
    assert.equal(code, 0);
    assert.match(stdout, /^\s+9:1\s+conv_layer\s+KerasTensor\s+\(None, 30, 30, 32\)\s+float32\s+conv2d \(Conv2D\)$/m);
    assert.match(stdout, /^\s+22:1\s+numpy_array\s+ndarray\s+\(1, 30, 30, 32\)\s+float32\s+conv2d \(Conv2D\)$/m);
  });

  it('--json follows the documented schema', () => {
    const { code, stdout } = run('inspect', 'examples/seed_method3_subclassing.py', '--json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as Report;
    assert.deepEqual(Object.keys(report), ['file', 'models', 'tensors', 'diagnostics']);
    assert.equal(report.file, 'examples/seed_method3_subclassing.py');
    const model = report.models[0]!;
    assert.deepEqual(
      {
        name: model.name,
        class: model.class,
        kind: model.kind,
        built: model.built,
        totalParams: model.totalParams,
        trainableParams: model.trainableParams,
        nonTrainableParams: model.nonTrainableParams,
      },
      {
        name: 'custom_model',
        class: 'CustomModel',
        kind: 'subclassed',
        built: true,
        totalParams: 896 + 330,
        trainableParams: 896 + 330,
        nonTrainableParams: 0,
      },
    );
    assert.deepEqual(model.layers[0], {
      name: 'conv2d',
      class: 'Conv2D',
      outputShape: [1, 30, 30, 32],
      params: 896,
      nonTrainableParams: 0,
      connectedTo: [],
    });
    const convOut = report.tensors.find((t) => t.name === 'conv_out')!;
    assert.deepEqual(convOut, {
      name: 'conv_out',
      line: 14,
      column: 9,
      kind: 'tensor',
      shape: [1, 30, 30, 32],
      dtype: 'float32',
      layer: 'conv2d',
      layerClass: 'Conv2D',
      eager: true,
    });
    assert.deepEqual(report.diagnostics, []);
  });

  it('--json writes None as null and a data-dependent size as a string', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-'));
    const file = join(dir, 'model.py');
    writeFileSync(file, 'import keras\nx_train = load()\ninp = keras.Input((x_train.shape[1], None))\n');
    const report = JSON.parse(run('inspect', file, '--json').stdout) as Report;
    assert.deepEqual(report.tensors.find((t) => t.name === 'inp')!.shape, [null, 'x_train.shape[1]', null]);
    assert.deepEqual(
      report.diagnostics.map((d) => [d.severity, d.line, d.column, d.message]),
      [['warning', 2, 11, '"load" is not defined']],
    );
  });

  it('exits 0 on a file with diagnostics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-'));
    const file = join(dir, 'bad.py');
    writeFileSync(file, 'import keras\na = keras.Input((3,))\nb = keras.Input((4,))\nc = keras.layers.Add()([a, b])\n');
    const { code, stdout } = run('summary', file);
    assert.equal(code, 0);
    assert.match(stdout, /bad\.py:4:5: error: Inputs have incompatible shapes\. Received shapes \(3,\) and \(4,\) \[shape-error\]/);
  });

  it('exits 2 with a one-line message for usage errors and unreadable files', () => {
    const cases: [string[], string][] = [
      [[], 'tensor-lens: missing command\n'],
      [['explain', 'x.py'], "tensor-lens: unknown command 'explain' (expected summary or inspect)\n"],
      [['summary'], 'tensor-lens: summary needs a FILE\n'],
      [['summary', 'no/such/file.py'], 'tensor-lens: cannot read no/such/file.py: no such file\n'],
      [['inspect', 'examples'], 'tensor-lens: cannot read examples: it is a directory\n'],
      [
        ['summary', 'x.py', '--bogus'],
        "tensor-lens: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"\n",
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = run(...args);
      assert.equal(code, 2, `exit code of ${args.join(' ')}`);
      assert.equal(stderr, message);
      assert.equal(stdout, '');
    }
  });

  it('inspect --values evaluates every tensor in the worker, with the file’s own sample data', function () {
    this.timeout(60_000);
    const { code, stdout, stderr } = run('inspect', 'examples/seed_method1_k_function.py', '--values', '--json', '--backend', 'cpu');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as Report;
    assert.deepEqual(report.evaluation, {
      backend: 'cpu',
      backendReason: 'the CPU backend, as configured',
      input: "uniform, batch 1 (the file's own sample data where it feeds a model)",
      seed: 0,
      weights: 'Keras default initializers',
    });
    const byName = new Map(report.tensors.map((t) => [t.name, t]));
    const conv = byName.get('conv_layer')!.values!;
    assert.deepEqual(conv.shape, [1, 30, 30, 32]);
    assert.ok(conv.min >= 0, 'the Conv2D has a relu activation');
    assert.equal(
      conv.histogram.reduce((a, b) => a + b, 0),
      30 * 30 * 32,
    );
    assert.equal(conv.channelMaps!.maps.length, 32);
    const input = byName.get('input_layer')!.values!;
    assert.ok(input.min >= 0 && input.max < 1, 'uniform [0, 1)');
    // numpy_array is K.function's output for np.random.rand(1, 32, 32, 3): the same distribution and seed.
    assert.deepEqual(byName.get('numpy_array')!.values!.shape, [1, 30, 30, 32]);
    assert.equal(byName.get('input_data')!.valuesError, 'sample data made by np.random.rand() in the file');
  });

  it("inspect --values of a model read with load_model uses its archive's weights, and says so", function () {
    this.timeout(60_000);
    const archive = join(root, 'test/fixtures/weights/tiny.keras');
    const file = join(mkdtempSync(join(tmpdir(), 'tensor-lens-cli-')), 'load.py');
    writeFileSync(
      file,
      `import keras\nmodel = keras.models.load_model(${JSON.stringify(archive)})\nnorm = model.get_layer("norm").output\n`,
    );
    const onOnes = (path: string, ...options: string[]): Report => {
      const { code, stdout, stderr } = run('inspect', path, '--values', '--json', '--backend', 'cpu', '--input', 'ones', ...options);
      assert.equal(code, 0, stderr);
      return JSON.parse(stdout) as Report;
    };
    const report = onOnes(file);
    assert.equal(report.evaluation?.weights, `the weights of 'tiny' from ${archive}`);
    // The same numbers as the archive given as the weights file, on the model file it was saved from.
    const expected = onOnes('test/fixtures/tiny_model.py', '--weights', archive).tensors.find((t) => t.name === 'outputs')!.values!;
    const norm = report.tensors.find((t) => t.name === 'norm')!.values!;
    assert.deepEqual([norm.shape, norm.min, norm.max, norm.mean], [expected.shape, expected.min, expected.max, expected.mean]);
  });

  it('inspect --values feeds an np.array written in the file with its own numbers; Keras stores it in a config', function () {
    this.timeout(60_000);
    const file = join(mkdtempSync(join(tmpdir(), 'tensor-lens-cli-')), 'literal.py');
    writeFileSync(
      file,
      `import numpy as np
import keras
data = np.array([[-1.5, 2.0, 0.0], [3.0, -4.0, 0.5]], dtype="float32")
rectified = keras.layers.ReLU()(data)
x = keras.Input((3,))
normalized = keras.layers.Normalization(mean=np.array([1.0, 2.0, 3.0]), variance=np.array([1.0, 4.0, 9.0]))(x)
model = keras.Model(x, normalized)
`,
    );
    const { code, stdout, stderr } = run('inspect', file, '--values', '--json', '--backend', 'cpu');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as Report;
    const byName = new Map(report.tensors.map((t) => [t.name, t]));
    const rectified = byName.get('rectified')!.values!;
    assert.deepEqual(rectified.shape, [2, 3]);
    // relu of the file's numbers: 0, 2, 0, 3, 0, 0.5.
    assert.deepEqual([rectified.min, rectified.max, rectified.mean, rectified.zeros], [0, 3, 5.5 / 6, 3]);
    const summary = run('summary', file, '--json');
    assert.equal(summary.code, 0, summary.stderr);
    const layers = (JSON.parse(summary.stdout) as { models: { layers: { class: string; params: number | null }[] }[] }).models[0]!.layers;
    // Given its mean and variance, Normalization makes no weights (adapt()'s would be 2 · 3 + 1).
    assert.deepEqual(
      layers.map((l) => [l.class, l.params]),
      [
        ['InputLayer', 0],
        ['Normalization', 0],
      ],
    );
  });

  it('inspect --values: a layer that cannot be evaluated costs only the tensors that need it', function () {
    this.timeout(60_000);
    const file = join(mkdtempSync(join(tmpdir(), 'tensor-lens-cli-')), 'partial.py');
    writeFileSync(
      file,
      `import keras
from keras import layers
inp = keras.Input(shape=(None, None, 3))
small = layers.Resizing(8, 8, crop_to_aspect_ratio=True)(inp)
pooled = layers.GlobalAveragePooling2D()(inp)
`,
    );
    const { code, stdout, stderr } = run('inspect', file, '--values', '--json', '--backend', 'cpu');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as Report;
    assert.match(report.evaluation!.input, /^uniform, batch 1, other None dimensions → 32 /);
    const byName = new Map(report.tensors.map((t) => [t.name, t]));
    assert.deepEqual(byName.get('inp')!.values!.shape, [1, 32, 32, 3]);
    assert.equal(byName.get('small')!.valuesError, 'Resizing with crop_to_aspect_ratio=True cannot be evaluated yet');
    const pooled = byName.get('pooled')!.values!;
    assert.deepEqual(pooled.shape, [1, 3]);
    assert.ok(pooled.min > 0.4 && pooled.max < 0.6, 'the mean of 1,024 uniform [0, 1) values per channel');
  });

  it('inspect --values: the same seed gives the same numbers, another seed others', function () {
    this.timeout(60_000);
    const mean = (...extra: string[]): number =>
      (
        JSON.parse(run('inspect', 'examples/seed_method2_predict.py', '--values', '--json', '--backend', 'cpu', ...extra).stdout) as Report
      ).tensors.find((t) => t.name === 'dense_layer')!.values!.mean;
    assert.equal(mean(), mean('--seed', '0'));
    assert.notEqual(mean(), mean('--seed', '7'));
  });

  it('inspect --values with a weights file (.weights.h5, .keras, .h5) and an .npy input gives Keras’s numbers', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-'));
    const input = [1, -2, 0.5, 3];
    writeFileSync(join(dir, 'x.npy'), writeNpy([1, 4], Float32Array.from(input)));
    // The weights test/fixtures/weights/make.py gave the model.
    const kernel = Array.from({ length: 12 }, (_, i) => (i - 5.5) / 8);
    const bias = [0.5, -0.25, 0.125];
    const [gamma, beta, mean, variance] = [
      [1, 1.5, 2],
      [0, 0.25, -0.5],
      [0.75, -1, 0.0625],
      [1, 0.5, 4],
    ];
    const expected = [0, 1, 2].map((j) => {
      const hidden = input.reduce((sum, x, i) => sum + x * kernel[i * 3 + j]!, bias[j]!);
      return (gamma[j]! * (hidden - mean[j]!)) / Math.sqrt(variance[j]! + 1e-3) + beta[j]!;
    });
    for (const weights of ['tiny.weights.h5', 'tiny.keras', 'tiny.h5']) {
      const { code, stdout, stderr } = run(
        'inspect',
        'test/fixtures/tiny_model.py',
        '--values',
        '--json',
        '--backend',
        'cpu',
        '--input',
        join(dir, 'x.npy'),
        '--weights',
        `test/fixtures/weights/${weights}`,
      );
      assert.equal(code, 0, stderr);
      const values = (JSON.parse(stdout) as Report).tensors.find((t) => t.name === 'outputs')!.values!;
      assert.ok(Math.abs(values.min - Math.min(...expected)) < 1e-5, `${weights}: min ${values.min} vs ${Math.min(...expected)}`);
      assert.ok(Math.abs(values.max - Math.max(...expected)) < 1e-5, `${weights}: max`);
      assert.ok(Math.abs(values.mean - expected.reduce((a, b) => a + b) / 3) < 1e-5, `${weights}: mean`);
    }
  });

  it('inspect --values says why when a weights file does not fit the model', function () {
    this.timeout(60_000);
    const { code, stdout } = run(
      'inspect',
      'examples/seed_method2_predict.py',
      '--values',
      '--json',
      '--backend',
      'cpu',
      '--weights',
      'test/fixtures/weights/tiny.weights.h5',
    );
    assert.equal(code, 0);
    const conv = (JSON.parse(stdout) as Report).tensors.find((t) => t.name === 'conv_layer')!;
    assert.equal(conv.values, undefined);
    assert.match(
      conv.valuesError!,
      /^Weights in test\/fixtures\/weights\/tiny\.weights\.h5 do not match the model: conv2d: not found in the file/,
    );
  });

  it('--values usage errors', () => {
    const cases: [string[], string][] = [
      [['summary', 'examples/seed_method2_predict.py', '--values'], 'tensor-lens: --values goes with inspect\n'],
      [
        ['inspect', 'examples/seed_method2_predict.py', '--values', '--seed', 'x'],
        "tensor-lens: --seed takes a whole number of at least 0, not 'x'\n",
      ],
      [
        ['inspect', 'examples/seed_method2_predict.py', '--values', '--backend', 'gpu'],
        "tensor-lens: --backend takes auto, node, wasm or cpu, not 'gpu'\n",
      ],
      [
        ['inspect', 'examples/seed_method2_predict.py', '--values', '--input', 'data.csv'],
        "tensor-lens: --input takes uniform, normal, zeros, ones, or a .npy, .png or .jpg file, not 'data.csv'\n",
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = run(...args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stderr, message);
    }
  });

  it('reads a notebook: its code cells in order, positions as cell and line', () => {
    const summary = run('summary', 'examples/seed_method2_notebook.ipynb');
    assert.equal(summary.code, 0, summary.stderr);
    // Cell 1 is Markdown; cell 3 makes the model from the imports of cell 2, cell 4 the sub-model.
    assert.match(summary.stdout, /^Model: "functional" \(cell 3, line 4\)\n/);
    assert.match(summary.stdout, /│ dense \(Dense\)\s+│ \(None, 30, 30, 10\)\s+│\s+330 │/);
    assert.match(summary.stdout, /Model: "functional_1" \(cell 4, line 1\)/);
    const inspect = run('inspect', 'examples/seed_method2_notebook.ipynb');
    assert.match(
      inspect.stdout,
      /\n {2}cell 3, line 2:1 {2}conv_layer {3}KerasTensor {2}\(None, 30, 30, 32\) {2}float32 {2}conv2d \(Conv2D\)\n/,
    );
    assert.match(inspect.stdout, /\n {2}cell 4, line 3:1 {2}numpy_array {2}ndarray\s+\(1, 30, 30, 32\)\s+float32/);
    const report = JSON.parse(run('inspect', 'examples/seed_method2_notebook.ipynb', '--json').stdout) as Report;
    const conv = report.tensors.find((t) => t.name === 'conv_layer')!;
    assert.deepEqual([conv.cell, conv.line, conv.column], [3, 2, 1]);
    assert.deepEqual([report.models[0]!.cell, report.models[0]!.line], [3, 4]);
  });

  it("reports a notebook's diagnostics in their cell, and says why a file is not a notebook it can read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-'));
    const notebook = join(dir, 'wrong.ipynb');
    const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
    writeFileSync(
      notebook,
      JSON.stringify({
        cells: [
          cell('import keras\n!pip install keras'),
          cell('x = keras.Input((4,))\ny = keras.layers.Add()([x, keras.layers.Dense(2)(x)])'),
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const { code, stdout } = run('summary', notebook);
    assert.equal(code, 0);
    assert.ok(
      stdout.includes(
        `\n${notebook}, cell 2, line 2:5: error: Inputs have incompatible shapes. Received shapes (4,) and (2,) [shape-error]\n`,
      ),
      stdout,
    );
    const report = JSON.parse(run('summary', notebook, '--json').stdout) as Report;
    assert.deepEqual(
      report.diagnostics.map((d) => [d.cell, d.line, d.endLine, d.endCell]),
      [[2, 2, 2, undefined]],
    );
    assert.equal(report.notes, undefined);
    // Cells that ran bottom first: the analysis reads them top to bottom, and says so.
    const reordered = join(dir, 'reordered.ipynb');
    const ran = (source: string, count: number) => ({ ...cell(source), execution_count: count });
    writeFileSync(
      reordered,
      JSON.stringify({
        cells: [ran('import keras\nx = keras.Input((3,))', 2), ran('y = keras.layers.Dense(4)(x)', 1)],
        metadata: {},
        nbformat: 4,
      }),
    );
    const note = 'Analysed in notebook order, top to bottom: the cells last ran in another order (execution counts [2], [1]).';
    assert.ok(run('inspect', reordered).stdout.startsWith(`${reordered}\nnote: ${note}\n  cell 1, line 2:1  x  KerasTensor  (None, 3)`));
    assert.deepEqual((JSON.parse(run('inspect', reordered, '--json').stdout) as Report).notes, [note]);
    const corrupt = join(dir, 'corrupt.ipynb');
    writeFileSync(corrupt, '{"cells": [');
    const refused = run('summary', corrupt);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^tensor-lens: cannot read .*corrupt\.ipynb: it is not a Jupyter notebook: not JSON \(/);
  });

  it('--help and --version', () => {
    assert.match(run('--help').stdout, /^Usage: tensor-lens <command> FILE \[options\]\n/);
    assert.equal(
      run('--version').stdout.trim(),
      JSON.parse(spawnSync('cat', ['package.json'], { cwd: root, encoding: 'utf8' }).stdout).version,
    );
  });
});
