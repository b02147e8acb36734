// Ops whose computed dtype is not their symbolic one (scripts/generate-keras-ops.py's `eagerUnary`). Keras 3.15.1 (jax)
// printed `int32 float32 float32` for gelu of keras.Input((3,), dtype="int32"), of np.array([1, 2, 3], "int32"), of 3.

import assert from 'node:assert/strict';
import { planEvaluations } from '../../src/engine/plan.js';
import { analyze, bindingsOf } from './helpers/analysis.js';

describe('ops that compute another dtype than their symbolic call says', () => {
  it("a concrete tensor has the computed dtype; a KerasTensor keeps Keras's, and its values are refused", async () => {
    const analysis = await analyze(`import keras
import numpy as np
symbolic = keras.ops.gelu(keras.Input((3,), dtype="int32"))
concrete = keras.ops.gelu(np.array([1, 2, 3], "int32"))
number = keras.ops.gelu(3)
`);
    const dtype = (name: string): string => {
      const value = bindingsOf(analysis, name)[0]!.value;
      return value.kind === 'tensor' ? analysis.tensors[value.tensor]!.dtype : value.kind;
    };
    assert.deepEqual(['symbolic', 'concrete', 'number'].map(dtype), ['int32', 'float32', 'float32']);
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'symbolic'), {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'initializers' },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    });
    assert.deepEqual(
      plan.skipped.map((s) => s.reason),
      [
        "Gelu 'gelu' (keras.ops.gelu) is int32 symbolically, as Keras says, but computes float32 when it runs: its values are not evaluated",
      ],
    );
  });
});
