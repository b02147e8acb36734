// Tests for the Keras weight-file readers: real Keras-made fixtures, synthesised layouts, corrupt files and matching.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import h5wasm from 'h5wasm/node';
import type { File as H5File, Group } from 'h5wasm/node';
import {
  matchWeights,
  readWeightFile,
  WeightFileError,
  type StoredWeight,
  type WeightFile,
} from '../../../src/engine/weights/read-weights.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'weights');

// Printed by test/fixtures/weights/make.py (Keras 3.15.1) for the model Input(4) → Dense(3, "hidden") → BN("norm").
const HIDDEN_KERNEL = [-0.6875, -0.5625, -0.4375, -0.3125, -0.1875, -0.0625, 0.0625, 0.1875, 0.3125, 0.4375, 0.5625, 0.6875];
const HIDDEN_BIAS = [0.5, -0.25, 0.125];
const NORM = {
  gamma: [1.0, 1.5, 2.0],
  beta: [0.0, 0.25, -0.5],
  moving_mean: [0.75, -1.0, 0.0625],
  moving_variance: [1.0, 0.5, 4.0],
};

const TINY_EXPECTED = new Map([
  [
    'hidden',
    [
      { name: 'kernel', shape: [4, 3] },
      { name: 'bias', shape: [3] },
    ],
  ],
  [
    'norm',
    [
      { name: 'gamma', shape: [3] },
      { name: 'beta', shape: [3] },
      { name: 'moving_mean', shape: [3] },
      { name: 'moving_variance', shape: [3] },
    ],
  ],
  ['features', []],
]);

function summary(weights: readonly StoredWeight[] | undefined): { name: string; shape: number[]; values: number[] }[] {
  assert.ok(weights, 'layer is missing');
  return weights.map((w) => ({ name: w.name, shape: w.shape, values: Array.from(w.values) }));
}

async function rejectsWith(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WeightFileError, `expected a WeightFileError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** Creates `path` below `parent`, including missing intermediate groups (h5wasm does not). */
function makeGroup(parent: Group, path: string): Group {
  let group = parent;
  for (const part of path.split('/')) {
    const existing = group.keys().includes(part) ? group.get(part) : null;
    group = existing instanceof h5wasm.Group ? existing : group.create_group(part);
  }
  return group;
}

function dataset(group: Group, path: string, shape: number[], values: number[]): void {
  const at = path.lastIndexOf('/');
  const parent = at < 0 ? group : makeGroup(group, path.slice(0, at));
  parent.create_dataset({ name: path.slice(at + 1), data: new Float32Array(values), shape, dtype: '<f' });
}

function range(count: number, scale = 1): number[] {
  return Array.from({ length: count }, (_, i) => i * scale);
}

describe('engine/weights: readWeightFile', function () {
  let dir: string;

  async function writeH5(name: string, build: (file: H5File) => void): Promise<string> {
    await h5wasm.ready;
    const path = join(dir, name);
    const file = new h5wasm.File(path, 'w');
    try {
      build(file);
    } finally {
      file.close();
    }
    return path;
  }

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tensor-lens-weights-test-'));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('real Keras 3.15 files', function () {
    it('reads a Keras 3 .weights.h5 by layer name, ignoring the optimizer state', async function () {
      const file = await readWeightFile(join(FIXTURES, 'tiny.weights.h5'));
      assert.equal(file.format, 'keras3-weights-h5');
      // Groups are layers/batch_normalization and layers/dense; the names come from their vars/@name.
      assert.deepEqual([...file.layers.keys()], ['norm', 'hidden']);
      assert.deepEqual(summary(file.layers.get('hidden')), [
        { name: 'vars/0', shape: [4, 3], values: HIDDEN_KERNEL },
        { name: 'vars/1', shape: [3], values: HIDDEN_BIAS },
      ]);
      assert.deepEqual(summary(file.layers.get('norm')), [
        { name: 'vars/0', shape: [3], values: NORM.gamma },
        { name: 'vars/1', shape: [3], values: NORM.beta },
        { name: 'vars/2', shape: [3], values: NORM.moving_mean },
        { name: 'vars/3', shape: [3], values: NORM.moving_variance },
      ]);
    });

    it('reads a legacy .h5 saved by model.save() with weights under model_weights', async function () {
      const file = await readWeightFile(join(FIXTURES, 'tiny.h5'));
      assert.equal(file.format, 'keras2-h5');
      assert.deepEqual([...file.layers.keys()], ['hidden', 'norm']);
      assert.deepEqual(summary(file.layers.get('hidden')), [
        { name: 'kernel', shape: [4, 3], values: HIDDEN_KERNEL },
        { name: 'bias', shape: [3], values: HIDDEN_BIAS },
      ]);
      assert.deepEqual(summary(file.layers.get('norm')), [
        { name: 'gamma', shape: [3], values: NORM.gamma },
        { name: 'beta', shape: [3], values: NORM.beta },
        { name: 'moving_mean', shape: [3], values: NORM.moving_mean },
        { name: 'moving_variance', shape: [3], values: NORM.moving_variance },
      ]);
    });

    it('reads model.weights.h5 from a .keras archive', async function () {
      const path = join(FIXTURES, 'tiny.keras');
      const file = await readWeightFile(path);
      assert.equal(file.format, 'keras-archive');
      assert.equal(file.path, path);
      assert.deepEqual([...file.layers.keys()], ['norm', 'hidden']);
      assert.deepEqual(summary(file.layers.get('hidden'))[0]?.values, HIDDEN_KERNEL);
      assert.deepEqual(summary(file.layers.get('norm'))[3]?.values, NORM.moving_variance);
    });

    it('matches every fixture to the layers of the model that made it', async function () {
      for (const name of ['tiny.weights.h5', 'tiny.h5', 'tiny.keras']) {
        const matched = matchWeights(await readWeightFile(join(FIXTURES, name)), TINY_EXPECTED);
        assert.deepEqual([...matched.keys()], ['hidden', 'norm', 'features'], name);
        assert.deepEqual(
          matched.get('hidden')?.map((v) => Array.from(v)),
          [HIDDEN_KERNEL, HIDDEN_BIAS],
          name,
        );
        assert.deepEqual(
          matched.get('norm')?.map((v) => Array.from(v)),
          Object.values(NORM),
          name,
        );
        assert.deepEqual(matched.get('features'), [], name);
      }
    });

    it('reads a nested model with float16 and bfloat16 variables', async function () {
      const file = await readWeightFile(join(FIXTURES, 'nested.weights.h5'));
      assert.equal(file.format, 'keras3-weights-h5');
      assert.deepEqual([...file.layers.keys()], ['brain', 'block/half']);
      assert.deepEqual(summary(file.layers.get('block/half')), [
        { name: 'vars/0', shape: [2, 2], values: [0.5, -1.0, 2.0, 0.25] },
        { name: 'vars/1', shape: [2], values: [0.125, -0.5] },
      ]);
      assert.deepEqual(summary(file.layers.get('brain')), [
        { name: 'vars/0', shape: [2, 1], values: [1.5, -0.75] },
        { name: 'vars/1', shape: [1], values: [0.0078125] },
      ]);
    });

    it('keys RNN weights by their cell and gathers a Bidirectional layer forward first', async function () {
      const file = await readWeightFile(join(FIXTURES, 'rnn.weights.h5'));
      assert.deepEqual([...file.layers.keys()], ['bi/forward_lstm/lstm_cell', 'bi/backward_lstm/lstm_cell']);
      const forward = [range(8, 0.125), [0.5, 0.5, 0.5, 0.5], [1, 1, 1, 1]];
      const backward = forward.map((values) => values.map((v) => -v));
      assert.deepEqual(summary(file.layers.get('bi/forward_lstm/lstm_cell')), [
        { name: 'vars/0', shape: [2, 4], values: forward[0] },
        { name: 'vars/1', shape: [1, 4], values: forward[1] },
        { name: 'vars/2', shape: [4], values: forward[2] },
      ]);
      const lstm = [
        { name: 'kernel', shape: [2, 4] },
        { name: 'recurrent_kernel', shape: [1, 4] },
        { name: 'bias', shape: [4] },
      ];
      const matched = matchWeights(file, new Map([['bi', [...lstm, ...lstm]]]));
      assert.deepEqual(
        matched.get('bi')?.map((v) => Array.from(v)),
        [...forward, ...backward],
      );
    });
  });

  describe('synthesised layouts', function () {
    it('reads Keras 3 nested, subclassed and unnamed groups', async function () {
      const path = await writeH5('sub.weights.h5', (f) => {
        f.create_group('vars').create_attribute('name', 'my_model');
        // A subclassed model: attribute `encoder` holding a Dense named "enc", and a list `blocks`.
        const enc = f.create_group('encoder').create_group('vars');
        enc.create_attribute('name', 'enc');
        dataset(enc, '0', [2, 2], [1, 2, 3, 4]);
        dataset(enc, '1', [2], [5, 6]);
        for (const [key, name] of [
          ['dense', 'dense'],
          ['dense_1', 'dense_1'],
        ] as const) {
          const vars = makeGroup(f, `blocks/${key}`).create_group('vars');
          vars.create_attribute('name', name);
          dataset(vars, '0', [1], [name.length]);
        }
        // A Keras 3 file from before vars/@name existed: the group name is used.
        const old = f.create_group('legacy_attr').create_group('vars');
        for (const i of range(12)) dataset(old, String(i), [1], [i]);
        // Optimizer state is not a layer.
        dataset(f.create_group('optimizer').create_group('vars'), '0', [2], [9, 9]);
      });
      const file = await readWeightFile(path);
      assert.equal(file.format, 'keras3-weights-h5');
      assert.deepEqual([...file.layers.keys()], ['dense', 'dense_1', 'enc', 'legacy_attr']);
      assert.deepEqual(summary(file.layers.get('enc')), [
        { name: 'vars/0', shape: [2, 2], values: [1, 2, 3, 4] },
        { name: 'vars/1', shape: [2], values: [5, 6] },
      ]);
      // vars/10 comes after vars/9.
      assert.deepEqual(
        file.layers.get('legacy_attr')?.map((w) => w.name),
        range(12).map((i) => `vars/${i}`),
      );
      assert.deepEqual(
        summary(file.layers.get('legacy_attr')).flatMap((w) => w.values),
        range(12),
      );
    });

    it('reads Keras 2 save_weights .h5 with fixed-length names, :0 suffixes and chunked layer_names', async function () {
      const path = await writeH5('k2.h5', (f) => {
        // Keras splits attributes over 64 KB into layer_names0, layer_names1, …
        f.create_attribute('layer_names0', ['conv2d', 'flatten'], null, 'S7');
        f.create_attribute('layer_names1', ['dense'], null, 'S7');
        f.create_attribute('backend', 'tensorflow');
        f.create_attribute('keras_version', '2.15.0');
        const conv = f.create_group('conv2d');
        conv.create_attribute('weight_names', ['conv2d/kernel:0', 'conv2d/bias:0'], null, 'S15');
        dataset(conv, 'conv2d/kernel:0', [3, 3, 1, 2], range(18, 0.5));
        dataset(conv, 'conv2d/bias:0', [2], [0.25, -0.25]);
        f.create_group('flatten').create_attribute('weight_names', new Float64Array(0));
        const dense = f.create_group('dense');
        dense.create_attribute('weight_names', ['dense/kernel:0', 'dense/bias:0'], null, 'S14');
        dataset(dense, 'dense/kernel:0', [2, 1], [7, 8]);
        dataset(dense, 'dense/bias:0', [1], [9]);
      });
      const file = await readWeightFile(path);
      assert.equal(file.format, 'keras2-h5');
      assert.deepEqual([...file.layers.keys()], ['conv2d', 'dense']);
      assert.deepEqual(summary(file.layers.get('conv2d')), [
        { name: 'kernel', shape: [3, 3, 1, 2], values: range(18, 0.5) },
        { name: 'bias', shape: [2], values: [0.25, -0.25] },
      ]);
      assert.deepEqual(summary(file.layers.get('dense')), [
        { name: 'kernel', shape: [2, 1], values: [7, 8] },
        { name: 'bias', shape: [1], values: [9] },
      ]);
    });

    it('reads a Keras 2 whole-model .h5 with a nested model as one layer', async function () {
      const path = await writeH5('k2-model.h5', (f) => {
        f.create_attribute('model_config', '{"class_name": "Sequential"}');
        const weights = f.create_group('model_weights');
        weights.create_attribute('layer_names', ['inner', 'out'], null, 'S5');
        const inner = weights.create_group('inner');
        inner.create_attribute('weight_names', ['in_dense/kernel:0', 'in_dense/bias:0'], null, 'S17');
        dataset(inner, 'in_dense/kernel:0', [1, 2], [1, 2]);
        dataset(inner, 'in_dense/bias:0', [2], [3, 4]);
        const out = weights.create_group('out');
        out.create_attribute('weight_names', ['out/kernel:0'], null, 'S12');
        dataset(out, 'out/kernel:0', [2, 1], [5, 6]);
        dataset(f.create_group('optimizer_weights'), 'iterations:0', [1], [10]);
      });
      const file = await readWeightFile(path);
      assert.equal(file.format, 'keras2-h5');
      assert.deepEqual(summary(file.layers.get('inner')), [
        { name: 'in_dense/kernel', shape: [1, 2], values: [1, 2] },
        { name: 'in_dense/bias', shape: [2], values: [3, 4] },
      ]);
      assert.deepEqual(summary(file.layers.get('out')), [{ name: 'kernel', shape: [2, 1], values: [5, 6] }]);
    });

    it('reads integer datasets as float32', async function () {
      const path = await writeH5('ints.weights.h5', (f) => {
        const vars = makeGroup(f, 'layers/embedding').create_group('vars');
        vars.create_attribute('name', 'lookup');
        vars.create_dataset({ name: '0', data: new Int8Array([-3, 4]), shape: [2], dtype: '<b' });
        vars.create_dataset({ name: '1', data: new Int32Array([-70000, 70000]), shape: [2], dtype: '<i' });
      });
      assert.deepEqual(summary((await readWeightFile(path)).layers.get('lookup')), [
        { name: 'vars/0', shape: [2], values: [-3, 4] },
        { name: 'vars/1', shape: [2], values: [-70000, 70000] },
      ]);
    });

    it('builds a .keras zip around a weights file', async function () {
      const weights = await writeH5('inner.weights.h5', (f) => {
        const vars = makeGroup(f, 'layers/dense').create_group('vars');
        vars.create_attribute('name', 'dense');
        dataset(vars, '0', [1, 1], [42]);
      });
      const path = join(dir, 'built.keras');
      writeFileSync(
        path,
        zipSync({
          'metadata.json': strToU8('{"keras_version": "3.15.1"}'),
          'config.json': strToU8('{"class_name": "Sequential"}'),
          'model.weights.h5': readFileSync(weights),
        }),
      );
      const file = await readWeightFile(path);
      assert.equal(file.format, 'keras-archive');
      assert.deepEqual(summary(file.layers.get('dense')), [{ name: 'vars/0', shape: [1, 1], values: [42] }]);
    });
  });

  describe('errors', function () {
    it('rejects a missing file', async function () {
      const path = join(dir, 'nope.weights.h5');
      await rejectsWith(readWeightFile(path), `Cannot read ${path}: no such file`);
    });

    it('rejects random bytes as not HDF5', async function () {
      const path = join(dir, 'random.h5');
      writeFileSync(
        path,
        Uint8Array.from(range(4096), (i) => (i * 7919 + 13) & 255),
      );
      await rejectsWith(readWeightFile(path), `${path} is not an HDF5 file`);
    });

    it('rejects a text file as not HDF5', async function () {
      const path = join(dir, 'notes.weights.h5');
      writeFileSync(path, 'these are not weights\n');
      await rejectsWith(readWeightFile(path), `${path} is not an HDF5 file`);
    });

    it('rejects a truncated HDF5 file', async function () {
      const path = join(dir, 'truncated.weights.h5');
      const bytes = readFileSync(join(FIXTURES, 'tiny.weights.h5'));
      writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await rejectsWith(readWeightFile(path), `${path} is corrupt or truncated`);
    });

    it('rejects an HDF5 file whose structure is overwritten with garbage', async function () {
      const path = join(dir, 'garbled.weights.h5');
      const bytes = readFileSync(join(FIXTURES, 'tiny.weights.h5'));
      for (let i = 96; i < bytes.length; i++) bytes[i] = (i * 7919) & 255;
      writeFileSync(path, bytes);
      await rejectsWith(readWeightFile(path), `${path} is corrupt or truncated`);
    });

    it('rejects an HDF5 file without layer weights, and closes it', async function () {
      const path = await writeH5('empty.weights.h5', (f) => {
        f.create_group('vars').create_attribute('name', 'sequential');
        makeGroup(f, 'layers/input_layer').create_group('vars').create_attribute('name', 'input_layer');
      });
      await rejectsWith(readWeightFile(path), `No layer weights found in ${path}`);
      // Truncating a file that is still open fails in libhdf5, so this proves the reader closed it.
      await h5wasm.ready;
      new h5wasm.File(path, 'w').close();
    });

    it('rejects a legacy file whose listed layer group is missing', async function () {
      const path = await writeH5('broken-k2.h5', (f) => {
        f.create_attribute('layer_names', ['dense'], null, 'S5');
      });
      await rejectsWith(readWeightFile(path), `${path} is corrupt: layer dense is listed but has no weights group`);
    });

    it('rejects a .keras file that is not a zip', async function () {
      const path = join(dir, 'plain.keras');
      writeFileSync(path, readFileSync(join(FIXTURES, 'tiny.weights.h5')));
      await rejectsWith(readWeightFile(path), `${path} is not a .keras archive (not a zip file)`);
    });

    it('rejects a truncated .keras archive', async function () {
      const path = join(dir, 'truncated.keras');
      const bytes = readFileSync(join(FIXTURES, 'tiny.keras'));
      writeFileSync(path, bytes.subarray(0, bytes.length - 200));
      await rejectsWith(readWeightFile(path), `${path} is not a valid .keras archive (corrupt or truncated zip)`);
    });

    it('rejects a .keras archive without model.weights.h5', async function () {
      const path = join(dir, 'config-only.keras');
      writeFileSync(path, zipSync({ 'config.json': strToU8('{}') }));
      await rejectsWith(readWeightFile(path), `No model.weights.h5 found in ${path}`);
    });

    it('rejects a .keras archive whose weights are not HDF5', async function () {
      const path = join(dir, 'bad-inner.keras');
      writeFileSync(path, zipSync({ 'model.weights.h5': strToU8('nothing here') }));
      await rejectsWith(readWeightFile(path), `${path} (model.weights.h5) is not an HDF5 file`);
    });
  });
});

describe('engine/weights: matchWeights', function () {
  const weight = (name: string, shape: number[]): StoredWeight => ({
    name,
    shape,
    values: new Float32Array(shape.reduce((a, b) => a * b, 1)),
  });
  const file: WeightFile = {
    path: 'model.weights.h5',
    format: 'keras3-weights-h5',
    layers: new Map([
      ['conv2d', [weight('vars/0', [3, 3, 3, 16]), weight('vars/1', [16])]],
      ['bn', [weight('vars/0', [16]), weight('vars/1', [16])]],
      ['dense', [weight('vars/0', [16, 10]), weight('vars/1', [10])]],
      ['block/inner_dense', [weight('vars/0', [10, 2])]],
    ]),
  };

  it('returns the values of each expected layer, finding nested layers by their own name', function () {
    const matched = matchWeights(
      file,
      new Map([
        [
          'dense',
          [
            { name: 'kernel', shape: [16, 10] },
            { name: 'bias', shape: [10] },
          ],
        ],
        ['inner_dense', [{ name: 'kernel', shape: [10, 2] }]],
        ['flatten', []],
      ]),
    );
    assert.deepEqual([...matched.keys()], ['dense', 'inner_dense', 'flatten']);
    assert.equal(matched.get('dense')?.[0], file.layers.get('dense')?.[0]?.values);
    assert.equal(matched.get('inner_dense')?.[0]?.length, 20);
    assert.deepEqual(matched.get('flatten'), []);
  });

  it('gathers the sublayers of a nested model in the order its expected shapes fit', function () {
    const nested: WeightFile = {
      path: 'nested.weights.h5',
      format: 'keras3-weights-h5',
      layers: new Map([
        ['block/norm', [weight('vars/0', [3]), weight('vars/1', [3]), weight('vars/2', [3]), weight('vars/3', [3])]],
        ['block/first', [weight('vars/0', [4, 3]), weight('vars/1', [3])]],
        ['block/second', [weight('vars/0', [3, 2]), weight('vars/1', [2])]],
        ['head', [weight('vars/0', [2, 1])]],
      ]),
    };
    const block = [
      { name: 'kernel', shape: [4, 3] },
      { name: 'bias', shape: [3] },
      { name: 'gamma', shape: [3] },
      { name: 'beta', shape: [3] },
      { name: 'moving_mean', shape: [3] },
      { name: 'moving_variance', shape: [3] },
      { name: 'kernel', shape: [3, 2] },
      { name: 'bias', shape: [2] },
    ];
    const layers = nested.layers;
    const values = (key: string): Float32Array[] => (layers.get(key) ?? []).map((w) => w.values);
    const matched = matchWeights(nested, new Map([['block', block]]));
    const order = [...values('block/first'), ...values('block/norm'), ...values('block/second')];
    assert.equal(matched.get('block')?.length, 8);
    matched.get('block')?.forEach((v, i) => assert.equal(v, order[i], `weight ${i}`));

    assert.throws(() => matchWeights(nested, new Map([['block', block.slice(0, 6)]])), {
      message:
        'Weights in nested.weights.h5 do not match the model: block: expected 6 weights (kernel, bias, gamma, beta, moving_mean, moving_variance), found 8',
    });
  });

  it('gathers the nested model of the real fixture', async function () {
    const file = await readWeightFile(join(FIXTURES, 'nested.weights.h5'));
    const matched = matchWeights(
      file,
      new Map([
        [
          'block',
          [
            { name: 'kernel', shape: [2, 2] },
            { name: 'bias', shape: [2] },
          ],
        ],
        [
          'brain',
          [
            { name: 'kernel', shape: [2, 1] },
            { name: 'bias', shape: [1] },
          ],
        ],
      ]),
    );
    assert.deepEqual(
      matched.get('block')?.map((v) => Array.from(v)),
      [
        [0.5, -1.0, 2.0, 0.25],
        [0.125, -0.5],
      ],
    );
  });

  it('lists every mismatch in one error', function () {
    const expected = new Map([
      [
        'conv2d',
        [
          { name: 'kernel', shape: [3, 3, 3, 32] },
          { name: 'bias', shape: [32] },
        ],
      ],
      [
        'bn',
        [
          { name: 'gamma', shape: [16] },
          { name: 'beta', shape: [16] },
          { name: 'moving_mean', shape: [16] },
          { name: 'moving_variance', shape: [16] },
        ],
      ],
      [
        'dense',
        [
          { name: 'kernel', shape: [16, 10] },
          { name: 'bias', shape: [10] },
        ],
      ],
      ['dense_1', [{ name: 'kernel', shape: [10, 1] }]],
      ['scale', [{ name: 'factor', shape: [] }]],
    ]);
    assert.throws(
      () => matchWeights(file, expected),
      (error: unknown) => {
        assert.ok(error instanceof WeightFileError);
        assert.equal(
          error.message,
          'Weights in model.weights.h5 do not match the model: ' +
            'conv2d: expected kernel (3, 3, 3, 32), found (3, 3, 3, 16); ' +
            'conv2d: expected bias (32,), found (16,); ' +
            'bn: expected 4 weights (gamma, beta, moving_mean, moving_variance), found 2; ' +
            'dense_1: not found in the file; ' +
            'scale: not found in the file',
        );
        return true;
      },
    );
  });

  it('reports a layer the model expects without weights that has some in the file', function () {
    assert.throws(() => matchWeights(file, new Map([['dense', []]])), {
      message: 'Weights in model.weights.h5 do not match the model: dense: expected 0 weights, found 2',
    });
  });

  it('formats scalar shapes as ()', function () {
    const scalarFile: WeightFile = { ...file, layers: new Map([['scale', [weight('vars/0', [1])]]]) };
    assert.throws(() => matchWeights(scalarFile, new Map([['scale', [{ name: 'factor', shape: [] }]]])), {
      message: 'Weights in model.weights.h5 do not match the model: scale: expected factor (), found (1,)',
    });
  });
});
