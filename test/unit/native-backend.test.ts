// The native backend as a VS Code user gets it: the worker bundle with tfjs-node's binding beside it (the layout of
// the linux-x64 VSIX, dist/native/), no TensorFlow library of its own, and the TensorFlow wheel of a Python
// environment (the conformance environment's) put on its library path at spawn. Values equal the CPU backend's.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../src/engine/engine-client.js';
import { buildRequest } from '../../src/engine/plan.js';
import { pythonEnvironments } from '../../src/environment/python-environment.js';
import { findTensorFlowLibraries, type TensorFlowLibraries } from '../../src/environment/tensorflow-libraries.js';
import { analyze, bindingsOf } from './helpers/analysis.js';
import { nativeUnavailable } from './helpers/test-backends.js';

const conformancePython = resolve('.venv-conformance/bin/python');
const binding = resolve('node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node');

const source = `import keras
x = keras.Input((6, 6, 2))
y = keras.layers.Conv2D(3, 3, strides=(2, 1), padding="same", activation="tanh")(x)
y = keras.layers.DepthwiseConv2D(2, dilation_rate=2)(y)
z = keras.layers.Dense(4)(keras.layers.Flatten()(y))`;

async function request() {
  const analysis = await analyze(source);
  const value = bindingsOf(analysis, 'z').at(-1)!.value;
  assert.equal(value.kind, 'tensor');
  const settings = { input: { source: { kind: 'uniform' as const }, batchSize: 2 }, weights: { kind: 'initializers' as const }, seed: 3 };
  return {
    ...buildRequest(analysis, [value.kind === 'tensor' ? value.tensor : -1], [], { ...settings, memoryBudgetBytes: 1024 ** 3 }),
    withValues: true,
  };
}

describe('the native backend from a Python environment', function () {
  this.timeout(120_000);
  let shipped: string;
  let tensorflow: TensorFlowLibraries;
  const engines: EngineClient[] = [];
  const engine = (options: ConstructorParameters<typeof EngineClient>[0]): EngineClient => {
    const made = new EngineClient({ ...options, workerPath: join(shipped, 'worker.js') });
    engines.push(made);
    return made;
  };

  before(function () {
    if (nativeUnavailable !== undefined || !existsSync(binding) || !existsSync('dist/worker.js')) {
      process.stdout.write(`      NOT RUN: ${nativeUnavailable ?? 'the binding or dist/worker.js is missing'}\n`);
      this.skip();
    }
    const found = findTensorFlowLibraries(
      pythonEnvironments({ interpreters: [{ path: conformancePython, source: 'test' }], env: {}, workspaceFolders: [], trusted: true }),
    );
    if ('missing' in found) throw new Error(`the conformance environment has no TensorFlow: ${found.missing}`);
    tensorflow = found;
    shipped = mkdtempSync(join(tmpdir(), 'tensor-lens-dist-'));
    cpSync('dist', shipped, { recursive: true });
    cpSync(binding, join(shipped, 'native', 'tfjs_binding.node'));
  });
  afterEach(() => engines.splice(0).forEach((e) => e.dispose()));
  after(() => shipped && rmSync(shipped, { recursive: true, force: true }));

  it('loads the binding on the environment’s TensorFlow and says which', async () => {
    const [major, minor] = tensorflow.version.split('.');
    assert.deepEqual(await engine({ backend: 'auto', timeoutMs: 60_000, tensorflow }).backend(), {
      name: 'node',
      label: `TensorFlow ${major}.${minor} native`,
      reason: `tfjs-node on TensorFlow ${tensorflow.version}, the TensorFlow ${tensorflow.version} wheel of ${resolve('.venv-conformance')} (test) loaded`,
    });
  });

  it('gives the CPU backend’s values', async () => {
    const native = await engine({ backend: 'node', timeoutMs: 60_000, tensorflow }).evaluate(await request());
    const cpu = await engine({ backend: 'cpu', timeoutMs: 60_000 }).evaluate(await request());
    assert.equal(native.backend.name, 'node');
    assert.deepEqual(native.outputs[0]!.shape, [2, 4]);
    const [ours, reference] = [native.outputs[0]!.values!, cpu.outputs[0]!.values!];
    assert.equal(ours.length, 8);
    ours.forEach((v, i) => assert.ok(Math.abs(v - reference[i]!) <= 1e-5, `${i}: ${v} vs ${reference[i]}`));
  });

  it('falls back to wasm with the reason when no environment has TensorFlow', async () => {
    const missing = { missing: 'no Python environment was found' };
    assert.deepEqual(await engine({ backend: 'auto', timeoutMs: 60_000, tensorflow: missing }).backend(), {
      name: 'wasm',
      label: 'wasm',
      reason: 'native TensorFlow: no Python environment was found; using the wasm backend (SIMD)',
    });
  });
});
