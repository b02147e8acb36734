// Engine tests that run the same cases on each TensorFlow.js backend the engine selects here (wasm and cpu), with the
// custom Keras layers and the operation layer registered and the backend of the process restored afterwards.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend.js';
import { registerKerasLayers } from '../../../src/engine/layers/index.js';
import { registerOperationLayer } from '../../../src/engine/operation-layer.js';
import type { Analysis } from '../../../src/analysis/analyze.js';
import { exportSubgraph } from '../../../src/graph/keras-json.js';
import type { BackendName } from '../../../src/protocol/engine.js';
import { bindingsOf } from './analysis.js';
import { testBackends } from './test-backends.js';

/** Declares `body`'s tests once per backend, inside a `describe` of that backend. */
export function onEachBackend(body: (backend: BackendName) => void): void {
  let previous: string | undefined;
  before(() => {
    registerKerasLayers();
    registerOperationLayer();
    previous = tf.getBackend();
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });
  for (const backend of testBackends) {
    describe(`on the ${backend} backend`, () => {
      before(async () => {
        const info = await selectBackend(backend);
        assert.equal(info.name, backend);
      });
      body(backend);
    });
  }
}

/** Each value within 1e-5 of Keras's, relative to the value (absolute below 1). */
export function assertKerasValues(values: ArrayLike<number>, expected: readonly number[]): void {
  assert.equal(values.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(values[i]! - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${i}: ${values[i]} vs ${e}`));
}

/** The sub-model TensorFlow.js loads for one binding of an analysis (the engine's export of its graph). */
export async function modelOfBinding(analysis: Analysis, name = 'y'): Promise<tf.LayersModel> {
  const value = bindingsOf(analysis, name).at(-1)!.value;
  assert.equal(value.kind, 'tensor', `${name} is not a tensor`);
  const exported = exportSubgraph(analysis, [value.kind === 'tensor' ? value.tensor : -1]);
  return tf.models.modelFromJSON({ modelTopology: exported.topology } as unknown as tf.io.ModelJSON);
}

/** The expected values' Python `sample`: deterministic values in [-1, 1], round(sin(i·1.37 + seed·2.11), 3). */
export function sample(shape: readonly number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => Math.round(Math.sin(i * 1.37 + seed * 2.11) * 1000) / 1000);
}
