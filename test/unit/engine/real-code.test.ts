// Real model files never break evaluation: each tensor whose shape is known
// gets values, or one sentence saying why not. Each file is analysed and every
// binding planned as `inspect --values` does, then evaluated by the real worker
// process on the wasm backend (the shipped dist/worker.js when it is built,
// which bundles TensorFlow.js as users get it).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient, type EngineOptions } from '../../../src/engine/engine-client.js';
import { planEvaluations, splitRequest, type EvaluationSettings } from '../../../src/engine/plan.js';
import { LayerNames, prepareTopology } from '../../../src/engine/topology.js';
import type { EvaluateResult, TensorSummary } from '../../../src/protocol/engine.js';
import { analyze } from '../helpers/analysis.js';

const settings: EvaluationSettings = {
  input: { source: { kind: 'uniform' }, batchSize: 1 },
  weights: { kind: 'initializers' },
  seed: 0,
  memoryBudgetBytes: 2 * 1024 ** 3,
};

const bundledWorker = join(import.meta.dirname, '..', '..', '..', 'dist', 'worker.js');

function client(options: Partial<EngineOptions> = {}): EngineClient {
  return new EngineClient({
    backend: 'wasm',
    timeoutMs: 60_000,
    ...(existsSync(bundledWorker) && { workerPath: bundledWorker }),
    ...options,
  });
}

interface Evaluated {
  readonly values: ReadonlyMap<string, TensorSummary>;
  readonly errors: ReadonlyMap<string, string>;
  readonly results: ReadonlyMap<string, EvaluateResult>;
}

/** Every binding of the file, by name (the last binding of a name wins), evaluated as the CLI does. */
async function evaluateFile(engine: EngineClient, source: string, overrides: Partial<EvaluationSettings> = {}): Promise<Evaluated> {
  const analysis = await analyze(source);
  const plan = planEvaluations(analysis, analysis.bindings, { ...settings, ...overrides });
  const values = new Map<string, TensorSummary>();
  const errors = new Map<string, string>();
  const results = new Map<string, EvaluateResult>();
  for (const { binding, reason } of plan.skipped) errors.set(binding.name, reason);
  for (const planned of plan.requests) {
    try {
      const result = await engine.evaluate({ ...planned.request, withValues: true });
      planned.bindings.forEach((group, i) =>
        group.forEach((b) => {
          values.set(b.name, result.outputs[i]!);
          results.set(b.name, result);
        }),
      );
    } catch (error) {
      planned.bindings.flat().forEach((b) => errors.set(b.name, (error as Error).message));
    }
  }
  return { values, errors, results };
}

function valuesOf(evaluated: Evaluated, name: string): TensorSummary {
  const summary = evaluated.values.get(name);
  assert.ok(summary, `${name} has no values: ${evaluated.errors.get(name) ?? 'not planned'}`);
  return summary;
}

describe('real code through the evaluation worker', function () {
  this.timeout(120_000);
  let engine: EngineClient;
  before(() => {
    engine = client();
  });
  after(() => engine.dispose());

  it('a model with Dropout evaluates, its Input too, and the Dropout passes its input through', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
inp = keras.Input(shape=(8,))
d = layers.Dropout(0.5)(inp)
out = layers.Dense(2)(d)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'd').values, valuesOf(evaluated, 'inp').values);
    assert.deepEqual(valuesOf(evaluated, 'inp').shape, [1, 8]);
    assert.deepEqual(valuesOf(evaluated, 'out').shape, [1, 2]);
  });

  it('every regularization and noise layer is the identity at inference', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
inp = keras.Input(shape=(4, 4, 3))
a = layers.Dropout(0.5, noise_shape=(None, 1, 1, 3), seed=3)(inp)
b = layers.SpatialDropout2D(0.3)(a)
c = layers.GaussianNoise(0.1)(b)
d = layers.GaussianDropout(0.2)(c)
e = layers.AlphaDropout(0.2)(d)
f = layers.ActivityRegularization(l1=0.01)(e)
g = layers.Reshape((16, 3))(f)
h = layers.SpatialDropout1D(0.2)(g)
v = keras.Input(shape=(2, 2, 2, 2))
w = layers.SpatialDropout3D(0.2)(v)`,
    );
    const input = valuesOf(evaluated, 'inp').values;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'h']) assert.deepEqual(valuesOf(evaluated, name).values, input, name);
    assert.deepEqual(valuesOf(evaluated, 'h').shape, [1, 16, 3]);
    assert.deepEqual(valuesOf(evaluated, 'w').values, valuesOf(evaluated, 'v').values);
  });

  it('merge layers given a list of one tensor return it, as Keras 3 does', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
inp = keras.Input(shape=(4,))
c = layers.Concatenate()([inp])
a = layers.Add()([inp])
m = layers.Maximum()([inp])
both = layers.Concatenate()([inp, c])`,
    );
    const input = valuesOf(evaluated, 'inp').values!;
    for (const name of ['c', 'a', 'm']) assert.deepEqual(valuesOf(evaluated, name).values, input, name);
    assert.deepEqual(valuesOf(evaluated, 'both').values, [...input, ...input]);
  });

  it('Reshape with -1 feeds a Flatten, and Flatten takes a rank-2 input, as in Keras 3', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
a = keras.Input(shape=(3,))
b = layers.Reshape((-1, 1))(a)
c = layers.Flatten()(b)
d = layers.Flatten()(a)`,
    );
    const input = valuesOf(evaluated, 'a').values!;
    assert.deepEqual(valuesOf(evaluated, 'b').shape, [1, 3, 1]);
    for (const name of ['c', 'd']) {
      assert.deepEqual(valuesOf(evaluated, name).shape, [1, 3], name);
      assert.deepEqual(valuesOf(evaluated, name).values, input, name);
    }
  });

  it('a scalar per example (Input(shape=())) is fed with shape [batch]', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
user_id = keras.Input(shape=(), name="user_id", dtype="int32")
e = layers.Embedding(100, 4)(user_id)`,
      { input: { source: { kind: 'uniform' }, batchSize: 3 } },
    );
    const ids = valuesOf(evaluated, 'user_id');
    assert.deepEqual([ids.shape, ids.dtype], [[3], 'int32']);
    assert.ok(ids.values!.every((id) => Number.isInteger(id) && id >= 0 && id < 100));
    assert.deepEqual(valuesOf(evaluated, 'e').shape, [3, 4]);
  });

  it('int64 ids are evaluated as int32 below the vocabulary of the Embedding they feed, and the input says so', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
ids = keras.Input(shape=(10,), name="input_ids", dtype="int64")
e = layers.Embedding(7, 8)(ids)`,
    );
    const ids = valuesOf(evaluated, 'ids');
    assert.deepEqual([ids.shape, ids.dtype], [[1, 10], 'int32']);
    assert.ok(ids.values!.every((id) => Number.isInteger(id) && id >= 0 && id < 7));
    assert.deepEqual(valuesOf(evaluated, 'e').shape, [1, 10, 8]);
    // An id out of range would gather a row of zeros; initial embeddings are never exactly 0.
    assert.equal(valuesOf(evaluated, 'e').zeros, 0);
    assert.equal(
      evaluated.results.get('e')!.inputDescription,
      '(1, 10) uniform integers in [0, 7) as int32 (TensorFlow.js has no int64), seed 0',
    );
  });

  it('bool, uint8 and float64 inputs evaluate', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
flags = keras.Input(shape=(64,), dtype="bool")
pixels = keras.Input(shape=(3,), dtype="uint8")
p = layers.Dense(2)(pixels)
wide = keras.Input(shape=(3,), dtype="float64")
w = layers.Dense(2)(wide)`,
    );
    const flags = valuesOf(evaluated, 'flags');
    assert.equal(flags.dtype, 'bool');
    assert.ok(flags.values!.every((v) => v === 0 || v === 1));
    assert.ok(flags.min === 0 && flags.max === 1, 'both values occur in 64 draws');
    assert.equal(valuesOf(evaluated, 'pixels').dtype, 'int32');
    assert.deepEqual(valuesOf(evaluated, 'p').shape, [1, 2]);
    assert.deepEqual([valuesOf(evaluated, 'wide').dtype, valuesOf(evaluated, 'w').shape], ['float32', [1, 2]]);
  });

  it('a string input is refused with the reason; tensors that do not depend on it still evaluate', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
text = keras.Input(shape=(1,), dtype="string", name="review")
ids = keras.Input(shape=(10,), dtype="int64")
e = layers.Embedding(1000, 8)(ids)`,
    );
    assert.equal(
      evaluated.errors.get('text'),
      "string inputs are not evaluated: TensorFlow.js layers models cannot carry strings (input 'review' has dtype string)",
    );
    assert.deepEqual(valuesOf(evaluated, 'e').shape, [1, 10, 8]);
  });

  it('an input named with a space evaluates under its Keras name', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
a = keras.Input(shape=(1,), name="fixed acidity")
b = keras.Input(shape=(1,), name="_pH (log)")
c = layers.Concatenate()([a, b])
d = layers.Dense(3, name="dense: out")(c)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'a').shape, [1, 1]);
    assert.deepEqual(valuesOf(evaluated, 'd').shape, [1, 3]);
  });

  it('tensor indexing gives the layers after it the shape NumPy would (x[:, 0] into MaxPooling1D)', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
x = keras.Input(shape=(8, 8, 3))
row = layers.MaxPooling1D(2, 2)(x[:, 0])
col = x[..., -1, None]
s = x + x[:, :1]`,
    );
    assert.deepEqual(valuesOf(evaluated, 'row').shape, [1, 4, 3]);
    assert.deepEqual(valuesOf(evaluated, 'col').shape, [1, 8, 8, 1]);
    assert.deepEqual(valuesOf(evaluated, 's').shape, [1, 8, 8, 3]);
  });

  it('an empty slice says it holds no values; the tensors beside it still evaluate', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
x = keras.Input(shape=(6, 4))
c = x[:, 5:2]
y = keras.layers.Dense(2)(x)`,
    );
    assert.equal(evaluated.errors.get('c'), 'it holds no values: its shape (None, 0, 4) has a dimension of size 0');
    assert.deepEqual(valuesOf(evaluated, 'y').shape, [1, 6, 2]);
  });

  it('split, a grouped request that fails costs only the tensors that need the failing layer', async () => {
    const analysis = await analyze(`import keras
from keras import layers
x = keras.Input(shape=(8, 8, 3))
a = layers.Conv2D(2, 3)(x)
r = layers.Resizing(4, 4, crop_to_aspect_ratio=True)(x)`);
    const [grouped] = planEvaluations(analysis, analysis.bindings, settings).requests;
    const refusal = 'Resizing with crop_to_aspect_ratio=True cannot be evaluated yet';
    await assert.rejects(engine.evaluate(grouped!.request), { message: refusal });
    const outcomes = [];
    for (const single of splitRequest(analysis, grouped!, settings)) {
      const name = single.bindings[0]![0]!.name;
      outcomes.push(
        await engine.evaluate(single.request).then(
          (result) => `${name} ${JSON.stringify(result.outputs[0]!.shape)}`,
          (error: Error) => `${name}: ${error.message}`,
        ),
      );
    }
    assert.deepEqual(outcomes, ['x [1,8,8,3]', 'a [1,6,6,2]', `r: ${refusal}`]);
  });

  it('unknown spatial sizes are fed as 32, and the result says so', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
x = keras.Input(shape=(None, None, 3))
y = layers.MaxPooling2D()(x)
z = layers.Conv2D(4, 3)(y)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'x').shape, [1, 32, 32, 3]);
    assert.deepEqual(valuesOf(evaluated, 'y').shape, [1, 16, 16, 3]);
    assert.deepEqual(valuesOf(evaluated, 'z').shape, [1, 14, 14, 4]);
    const result = evaluated.results.get('z')!;
    assert.equal(result.noneSize, 32);
    assert.equal(result.inputDescription, '(1, 32, 32, 3) uniform [0, 1), seed 0, None → 32');
  });

  it('a layer argument from data is given the size None is given, the same everywhere, and the result names it', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
import numpy as np
names = open("names.txt").read().split()
x = keras.Input(shape=(8,))
y = keras.layers.Dense(len(names))(x)
z = keras.layers.Reshape((len(names), 1))(y)
w = keras.layers.Dense(4)(z)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'y').shape, [1, 32]);
    assert.deepEqual(valuesOf(evaluated, 'z').shape, [1, 32, 1]);
    assert.deepEqual(valuesOf(evaluated, 'w').shape, [1, 32, 4]);
    assert.equal(
      evaluated.results.get('w')!.inputDescription,
      '(1, 8) uniform [0, 1), seed 0, None → 32 (len(names) too: a size from data, which a `# tensor-lens:` comment pins)',
    );
  });

  it('a size from data is fed as None is, and the result names it', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
import numpy as np
x_train = np.load("x_train.npy")
x = keras.Input(shape=(x_train.shape[1],))
y = keras.layers.Dense(3)(x)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'y').shape, [1, 3]);
    assert.equal(
      evaluated.results.get('y')!.inputDescription,
      '(1, 32) uniform [0, 1), seed 0, None → 32 (x_train.shape[1] too: a size from data, which a `# tensor-lens:` comment pins)',
    );
  });

  it('a variable-length sequence is fed as 32 steps; a fixed-size model says nothing of None', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
tokens = keras.Input(shape=(None,), dtype="int32")
e = layers.Embedding(50, 4)(tokens)
h = layers.LSTM(3)(e)
fixed = keras.Input(shape=(5,))`,
    );
    assert.deepEqual(valuesOf(evaluated, 'e').shape, [1, 32, 4]);
    assert.deepEqual(valuesOf(evaluated, 'h').shape, [1, 3]);
    assert.equal(evaluated.results.get('fixed')!.noneSize, undefined);
  });

  it('a path that 32 is too small for takes the smallest size that fits', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
x = keras.Input(shape=(None, None, 3))
y = x
for i in range(6):
    y = layers.MaxPooling2D()(y)
z = layers.Conv2D(2, 3, padding="same")(y)`,
    );
    assert.deepEqual(valuesOf(evaluated, 'z').shape, [1, 1, 1, 2]);
    assert.equal(evaluated.results.get('z')!.noneSize, 64);
  });

  it('a path no size fits is refused with the layer and shape, and the worker answers the next request', async () => {
    const evaluated = await evaluateFile(
      engine,
      `import keras
from keras import layers
x = keras.Input(shape=(None, None, 3))
y = x
for i in range(9):
    y = layers.MaxPooling2D()(y)`,
    );
    assert.equal(
      evaluated.errors.get('y'),
      'Not evaluated: max_pooling2d_8 (MaxPooling2D) would output shape (1, 0, 0, 3), and a dimension below 1 cannot be computed (None → 256, the largest size tried).',
    );
    const next = await evaluateFile(engine, 'import keras\nx = keras.Input(shape=(None, None, 3))');
    assert.deepEqual(valuesOf(next, 'x').shape, [1, 32, 32, 3]);
  });
});

describe('a worker that dies is replaced, and the request answered', function () {
  this.timeout(120_000);
  let engine: EngineClient | undefined;
  afterEach(() => engine?.dispose());

  const small = 'import keras\nx = keras.Input((4,))\ny = keras.layers.Dense(3)(x)';

  it('killed between two evaluations: the second answers values', async () => {
    engine = client();
    assert.deepEqual(valuesOf(await evaluateFile(engine, small), 'y').shape, [1, 3]);
    const analysis = await analyze(`${small}\nz = keras.layers.Dense(2)(y)`);
    const { request } = planEvaluations(analysis, analysis.bindings.slice(-1), settings).requests[0]!;
    const pid = engine.pid!;
    process.kill(pid, 'SIGKILL');
    // In the same tick: the request goes to the dying process (EPIPE, a closed channel) and must still be answered.
    assert.deepEqual((await engine.evaluate(request)).outputs[0]!.shape, [1, 2]);
    assert.notEqual(engine.pid, pid);
  });

  it('killed while it evaluates: the request is answered by a new worker', async () => {
    const logs: string[] = [];
    engine = client({ log: (line) => logs.push(line) });
    await engine.backend();
    const pid = engine.pid!;
    // About a second of work on wasm: still running when the worker is killed.
    const analysis = await analyze(`import keras
x = keras.Input((64, 64, 32))
y = keras.layers.Conv2D(64, 3, padding="same")(x)
y = keras.layers.Conv2D(64, 3, padding="same")(y)`);
    const { request } = planEvaluations(analysis, analysis.bindings.slice(-1), settings).requests[0]!;
    const pending = engine.evaluate(request);
    setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
    assert.deepEqual((await pending).outputs[0]!.shape, [1, 64, 64, 64]);
    assert.notEqual(engine.pid, pid);
    assert.ok(logs.includes('the evaluation worker stopped (SIGKILL): trying once more in a new worker'), logs.join('\n'));
  });

  it('past the time limit twice: a clear message, and the next request succeeds', async () => {
    const logs: string[] = [];
    // The CPU backend: seconds for this model, so past the limit however fast the machine.
    engine = client({ backend: 'cpu', timeoutMs: 300, log: (line) => logs.push(line) });
    await engine.backend();
    const slow = `import keras
x = keras.Input((128, 128, 64))
y = keras.layers.Conv2D(64, 3, padding="same")(x)
y = keras.layers.Conv2D(64, 3, padding="same")(y)
y = keras.layers.Conv2D(64, 3, padding="same")(y)`;
    const evaluated = await evaluateFile(engine, slow);
    assert.equal(evaluated.errors.get('y'), 'Evaluation stopped: it took longer than the time limit of 0.3 s. The worker was restarted.');
    assert.equal(logs.filter((l) => l === 'evaluation took longer than 300 ms: restarting the worker').length, 2, 'tried twice');
    assert.deepEqual(valuesOf(await evaluateFile(engine, small), 'y').shape, [1, 3]);
  });

  describe('a worker whose wasm module breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-worker-'));
    // A stand-in worker: answers "ready", then fails every evaluation the way a broken wasm module does
    // until its marker file exists, and exits after each failure as the real worker does.
    const stub = join(dir, 'stub-worker.mjs');
    writeFileSync(
      stub,
      `import { existsSync, writeFileSync } from 'node:fs';
const marker = process.env.STUB_MARKER;
process.send({ type: 'ready', backend: { name: 'wasm', reason: 'stub' } });
process.on('message', (request) => {
  if (marker && existsSync(marker)) {
    process.send({ id: request.id, ok: true, result: { outputs: [], backend: { name: 'wasm', reason: 'stub' }, inputDescription: 'stub', weightsDescription: 'stub', milliseconds: 0, cached: false } });
    return;
  }
  if (marker) writeFileSync(marker, 'crashed once');
  process.send({ id: request.id, ok: false, restart: true, error: "TensorFlow.js's wasm backend crashed (memory access out of bounds)" }, () => process.exit(1));
});
process.on('disconnect', () => process.exit(0));
`,
    );
    after(() => delete process.env['STUB_MARKER']);
    const request = async (): Promise<Parameters<EngineClient['evaluate']>[0]> => {
      const analysis = await analyze(small);
      return planEvaluations(analysis, analysis.bindings, settings).requests[0]!.request;
    };

    it('is replaced and the request tried again, invisibly', async () => {
      process.env['STUB_MARKER'] = join(dir, 'marker');
      const logs: string[] = [];
      engine = new EngineClient({ backend: 'wasm', timeoutMs: 10_000, workerPath: stub, log: (line) => logs.push(line) });
      await engine.backend();
      const pid = engine.pid;
      const result = await engine.evaluate(await request());
      assert.equal(result.inputDescription, 'stub');
      assert.notEqual(engine.pid, pid);
      assert.ok(logs.some((l) => l.includes('memory access out of bounds') && l.includes('trying once more in a new worker')));
    });

    it('failing again, says what happened; the next request gets a fresh worker', async () => {
      delete process.env['STUB_MARKER'];
      engine = new EngineClient({ backend: 'wasm', timeoutMs: 10_000, workerPath: stub });
      await assert.rejects(engine.evaluate(await request()), {
        message: "TensorFlow.js's wasm backend crashed (memory access out of bounds); a new worker takes the next request",
      });
      await assert.rejects(engine.evaluate(await request()), /memory access out of bounds/);
    });
  });
});

describe('TensorFlow.js names for Keras names', () => {
  it('renames what tfjs rejects, keeps every reference, and restores the names in messages', () => {
    const topology = {
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'fixed acidity',
            config: { name: 'fixed acidity', dtype: 'int64', batch_input_shape: [null, null] },
            inbound_nodes: [],
          },
          {
            class_name: 'Dense',
            name: 'fixed_acidity',
            config: { name: 'fixed_acidity', units: 2 },
            inbound_nodes: [[['fixed acidity', 0, 0, {}]]],
          },
        ],
        input_layers: [['fixed acidity', 0, 0]],
        output_layers: [['fixed_acidity', 0, 0]],
      },
    };
    const prepared = prepareTopology(topology, [[1, 6]]);
    const layers = (prepared.topology as typeof topology).config.layers;
    assert.deepEqual(
      layers.map((l) => [l.name, l.config.name]),
      [
        ['fixed_acidity_1', 'fixed_acidity_1'],
        ['fixed_acidity', 'fixed_acidity'],
      ],
    );
    assert.deepEqual(layers[0]!.config, { name: 'fixed_acidity_1', dtype: 'int32', batch_input_shape: [1, 6] });
    assert.deepEqual(layers[1]!.inbound_nodes, [[['fixed_acidity_1', 0, 0, {}]]]);
    assert.deepEqual((prepared.topology as typeof topology).config.input_layers, [['fixed_acidity_1', 0, 0]]);
    assert.equal(
      prepared.names.restore('Layer fixed_acidity_1 expects 1 input, and fixed_acidity 2'),
      'Layer fixed acidity expects 1 input, and fixed_acidity 2',
    );
    assert.equal(new LayerNames(['_private', '9 lives']).tfjs('_private'), 'x_private');
  });
});

describe('the bundled TensorFlow.js (src/engine/tfjs-bundle.ts, as esbuild.js bundles it)', () => {
  it('clones and casts tensors: an identity layer such as Dropout returns a clone of its input', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import * as tf from ${JSON.stringify(join(import.meta.dirname, '..', '..', '..', 'src', 'engine', 'tfjs-bundle.ts'))};
await tf.setBackend('cpu');
const x = tf.tensor([1.5, 2.5]);
const model = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.5, inputShape: [2] })] });
const y = model.predict(tf.tensor2d([[1, 2]]));
console.log(JSON.stringify([Array.from(x.clone().dataSync()), Array.from(x.cast('int32').dataSync()), Array.from(y.dataSync())]));
`,
    );
    const out = join(dir, 'out.mjs');
    const esbuild = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'esbuild');
    execFileSync(esbuild, [
      entry,
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${out}`,
      '--log-level=warning',
      '--banner:js=import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    ]);
    assert.equal(execFileSync(process.execPath, [out], { encoding: 'utf8' }).trim().split('\n').at(-1), '[[1.5,2.5],[1,2],[1,2]]');
  });
});
