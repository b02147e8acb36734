// Initializers made in the file (keras.initializers.*): known by class and config, as Keras serializes them, so that the
// layers given one are evaluated with it. Keras 3.15.1 printed the configs below for the same constructors
// (`Dense(3, kernel_initializer=...).get_config()["kernel_initializer"]`, without its module and registered_name).

import assert from 'node:assert/strict';
import { Evaluator } from '../../src/engine/evaluator.js';
import { planEvaluations } from '../../src/engine/plan.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

async function evaluate(source: string, name: string) {
  const analysis = await analyze(source);
  const plan = planEvaluations(analysis, bindingsOf(analysis, name), {
    input: { source: { kind: 'ones' }, batchSize: 1 },
    weights: { kind: 'initializers' },
    seed: 0,
    memoryBudgetBytes: 2 ** 30,
  });
  assert.deepEqual(plan.skipped, []);
  return (await (await Evaluator.create('cpu')).evaluate({ ...plan.requests[0]!.request, withValues: true })).outputs[0]!;
}

describe('keras.initializers', () => {
  it("are a layer's config as Keras gives it: every parameter, given or defaulted", async () => {
    const analysis = await analyze(
      'import keras\nd = keras.layers.Dense(3, kernel_initializer=keras.initializers.RandomNormal(stddev=0.02), bias_initializer=keras.initializers.constant(0.1))',
    );
    assert.deepEqual(messages(analysis), []);
    const config = analysis.layers[0]!.config;
    assert.deepEqual(config['kernel_initializer'], { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.02, seed: null } });
    assert.deepEqual(config['bias_initializer'], { class_name: 'Constant', config: { value: 0.1 } });
  });

  it('a Dense given Constant initializers evaluates with them', async () => {
    const output = await evaluate(
      'import keras\nx = keras.Input((5,))\ny = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant(0.5), bias_initializer=keras.initializers.Constant(0.25))(x)',
      'y',
    );
    assert.deepEqual(output.values, [2.75, 2.75]);
  });

  it('LeCun initializers, which TensorFlow.js spells LeCun, evaluate by name or object', async () => {
    for (const initializer of ['"lecun_normal"', 'keras.initializers.LecunUniform(seed=3)']) {
      const output = await evaluate(
        `import keras\nx = keras.Input((5,))\ny = keras.layers.Dense(2, kernel_initializer=${initializer})(x)`,
        'y',
      );
      assert.deepEqual(output.shape, [1, 2]);
      assert.ok(output.values!.every((v) => v !== 0 && Number.isFinite(v)));
    }
  });

  it('an argument the initializer does not take leaves it unknown, and the layer not evaluated', async () => {
    const analysis = await analyze(
      'import keras\nx = keras.Input((5,))\ny = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant(valu=1))(x)',
    );
    assert.deepEqual(analysis.layers.find((l) => l.className === 'Dense')!.evaluation, {
      refused: 'is not evaluated: its `kernel_initializer` is not known (keras.initializers.Constant() has no argument `valu`)',
    });
  });
});
