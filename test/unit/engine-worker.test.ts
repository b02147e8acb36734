// The evaluation worker as a real process: backend choice and its reason,
// time limits that kill and restart it, crashes and cancellations that cost
// only the request in flight, the memory budget, and no tensor leaks.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { EngineClient } from '../../src/engine/engine-client.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { buildRequest, type EvaluationSettings } from '../../src/engine/plan.js';
import type { EvaluateRequest } from '../../src/protocol/engine.js';
import { analyze, bindingsOf } from './helpers/analysis.js';

const settings: EvaluationSettings = {
  input: { source: { kind: 'uniform' }, batchSize: 1 },
  weights: { kind: 'initializers' },
  seed: 0,
  memoryBudgetBytes: 2 * 1024 ** 3,
};

async function requestFor(source: string, name: string, overrides: Partial<EvaluationSettings> = {}): Promise<EvaluateRequest> {
  const a = await analyze(source);
  const value = bindingsOf(a, name).at(-1)!.value;
  assert.equal(value.kind, 'tensor');
  return buildRequest(a, [value.kind === 'tensor' ? value.tensor : -1], [], { ...settings, ...overrides });
}

const small = `import keras
x = keras.Input((4,))
y = keras.layers.Dense(3, activation="relu")(x)`;

// About 2.4 GFLOP on the CPU backend: seconds, far past a 200 ms limit.
const slow = `import keras
x = keras.Input((128, 128, 64))
y = keras.layers.Conv2D(64, 3, padding="same")(x)
y = keras.layers.Conv2D(64, 3, padding="same")(y)`;

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('evaluation worker', function () {
  this.timeout(60_000);
  let engine: EngineClient;
  afterEach(() => engine?.dispose());

  it('chooses wasm when tfjs-node is absent, and says why', async function () {
    if (tfjsNodeInstalled()) this.skip();
    engine = new EngineClient({ backend: 'auto', timeoutMs: 30_000 });
    assert.deepEqual(await engine.backend(), {
      name: 'wasm',
      label: 'wasm',
      reason: 'tfjs-node is not installed; using the wasm backend (SIMD)',
    });
  });

  it('falls back when the requested backend cannot start', async function () {
    if (tfjsNodeInstalled()) this.skip();
    engine = new EngineClient({ backend: 'node', timeoutMs: 30_000 });
    assert.deepEqual(await engine.backend(), {
      name: 'wasm',
      label: 'wasm',
      reason: 'node was requested but tfjs-node is not installed; using the wasm backend (SIMD)',
    });
  });

  it('evaluates, then answers the same request from its cache', async () => {
    engine = new EngineClient({ backend: 'cpu', timeoutMs: 30_000 });
    const request = await requestFor(small, 'y');
    const first = await engine.evaluate(request);
    assert.deepEqual(first.outputs[0]!.shape, [1, 3]);
    assert.ok(first.outputs[0]!.min >= 0, 'relu');
    assert.equal(first.cached, false);
    const second = await engine.evaluate(request);
    assert.equal(second.cached, true);
    assert.deepEqual(second.outputs, first.outputs);
  });

  it('kills a worker past the time limit, restarts it, and answers the next request', async () => {
    const logs: string[] = [];
    engine = new EngineClient({ backend: 'cpu', timeoutMs: 200, log: (line) => logs.push(line) });
    await engine.backend();
    const before = engine.pid;
    await assert.rejects(engine.evaluate(await requestFor(slow, 'y')), {
      message: 'Evaluation stopped: it took longer than the time limit of 0.2 s. The worker was restarted.',
    });
    const after = await engine.evaluate(await requestFor(small, 'y'));
    assert.deepEqual(after.outputs[0]!.shape, [1, 3]);
    assert.notEqual(engine.pid, before);
    assert.ok(logs.some((l) => l === 'evaluation took longer than 200 ms: restarting the worker'));
  });

  it('survives the worker being killed from outside', async () => {
    engine = new EngineClient({ backend: 'cpu', timeoutMs: 30_000 });
    await engine.backend();
    const pid = engine.pid!;
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await engine.evaluate(await requestFor(small, 'y'));
    assert.deepEqual(result.outputs[0]!.shape, [1, 3]);
    assert.notEqual(engine.pid, pid);
  });

  it('cancels an evaluation in flight', async () => {
    engine = new EngineClient({ backend: 'cpu', timeoutMs: 30_000 });
    await engine.backend();
    const controller = new AbortController();
    const pending = engine.evaluate(await requestFor(slow, 'y'), controller.signal);
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, { message: 'cancelled' });
    const result = await engine.evaluate(await requestFor(small, 'y'));
    assert.deepEqual(result.outputs[0]!.shape, [1, 3]);
  });

  it('refuses, before building anything, what would not fit the memory budget', async () => {
    engine = new EngineClient({ backend: 'cpu', timeoutMs: 30_000 });
    const huge = `import keras
x = keras.Input((1000,))
y = keras.layers.Dense(10**9)(x)`;
    // (1000 + 1) · 10^9 weights plus 10^9 + 1000 activations, 4 bytes each: about 3.6 TiB.
    await assert.rejects(engine.evaluate(await requestFor(huge, 'y')), {
      message: 'Not evaluated: it would need about 3.6 TiB for weights and activations, more than the memory budget of 2.0 GiB.',
    });
  });
});

describe('evaluator cache', () => {
  it('an edit elsewhere in the file keeps the result; an edit upstream computes anew', async () => {
    const evaluator = await Evaluator.create('cpu');
    const base = `import keras\nx = keras.Input((4,))\nh = keras.layers.Dense(3, name="h")(x)\ny = keras.layers.Dense(2, name="out")(h)`;
    const first = await evaluator.evaluate(await requestFor(base, 'h'));
    assert.equal(first.cached, false);
    // A layer added after h, and an unrelated line: h's sub-graph is the same.
    const after = await evaluator.evaluate(await requestFor(`${base}\nz = keras.layers.Dense(7)(y)\nprint("hello")`, 'h'));
    assert.equal(after.cached, true);
    assert.deepEqual(after.outputs, first.outputs);
    const upstream = await evaluator.evaluate(
      await requestFor(base.replace('Dense(3, name="h")', 'Dense(3, name="h", activation="relu")'), 'h'),
    );
    assert.equal(upstream.cached, false);
    assert.notDeepEqual(upstream.outputs, first.outputs);
  });
});

describe('random token ids', () => {
  it('stay below the vocabulary of the Embedding they feed', async () => {
    const evaluator = await Evaluator.create('cpu');
    const request = await requestFor('import keras\nx = keras.Input((50,), dtype="int32")\ny = keras.layers.Embedding(2, 4)(x)', 'y');
    assert.deepEqual(request.inputIntRanges, [2]);
    for (const kind of ['uniform', 'normal'] as const) {
      const values = (await evaluator.evaluate({ ...request, input: { ...request.input, source: { kind } } })).outputs[0]!;
      // An id out of range gathers a row of zeros; the initial embeddings are never exactly 0.
      assert.equal(values.zeros, 0, kind);
    }
  });
});

describe('evaluator memory', () => {
  it('keeps the number of tensors flat over 200 evaluations', async function () {
    this.timeout(60_000);
    const evaluator = await Evaluator.create('cpu');
    const request = await requestFor(
      `import keras
from keras import layers
x = keras.Input((8, 8, 3))
y = layers.Conv2D(4, 3, activation="relu")(x)
z = layers.BatchNormalization()(y)
w = layers.GlobalAveragePooling2D()(z)
out = layers.Dense(2, activation="softmax")(w)`,
      'out',
    );
    await evaluator.evaluate({ ...request, seed: 1000 });
    const before = tf.memory().numTensors;
    for (let seed = 0; seed < 200; seed++) assert.equal((await evaluator.evaluate({ ...request, seed })).cached, false);
    assert.equal(tf.memory().numTensors, before);
  });
});
