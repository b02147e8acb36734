// Every activation of keras.activations (Keras's own list, reference/activations.json by generate-activations.py) as
// a layer applies it, on each backend: `keras.layers.Activation(name)` on the recorded input gives Keras's values
// within 1e-5, or the engine refuses it in words that name it. The lookup is the one every layer's `activation=`
// goes through (Dense, Conv2D, …).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Analyzer } from '../../src/analysis/analyze.js';
import { kerasVersionOfSignatures } from '../../src/analysis/keras/registry.js';
import { bindingsOf } from '../unit/helpers/analysis.js';
import { assertKerasValues, modelOfBinding, onEachBackend } from '../unit/helpers/backends.js';

interface ActivationCase {
  readonly name: string;
  readonly shape?: number[];
  readonly values?: number[];
  readonly error?: string;
}

const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'reference', 'activations.json'), 'utf8')) as {
  keras: string;
  input: number[];
  shape: number[];
  cases: ActivationCase[];
};

/** Activations the engine refuses, with why: each must still be refused, by name, so that support is noticed. */
const refused: Readonly<Record<string, string>> = {
  // Keras's own symbolic shape is the input's (Activation.compute_output_shape), while its call halves the last axis.
  glu: 'its output shape differs from the shape Keras declares for it',
  sparsemax: 'no kernel yet',
};

describe('keras.activations through a layer, against Keras (reference/activations.json)', function () {
  this.timeout(120_000);
  let analyzer: Analyzer;
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());

  const rows = [0, 1].map((r) => reference.input.slice(r * reference.shape[1]!, (r + 1) * reference.shape[1]!));
  const source = (name: string): string =>
    `import keras\nimport numpy as np\nx = np.array(${JSON.stringify(rows)}, dtype="float32")\ny = keras.layers.Activation("${name}")(x)\n`;

  it('was recorded by the pinned Keras from its list of activations', () => {
    assert.equal(reference.keras, kerasVersionOfSignatures);
    assert.ok(reference.cases.length >= 30, `${reference.cases.length} activations`);
  });

  onEachBackend(() => {
    for (const activation of reference.cases) {
      const why = activation.error ? `Keras raises for it (${activation.error.split('\n')[0]})` : refused[activation.name];
      if (why !== undefined && activation.error) {
        it(`${activation.name}: skipped, ${why}`, () => assert.ok(activation.values === undefined));
        continue;
      }
      it(`${activation.name}: ${why === undefined ? "Keras's values" : `refused by name, ${why}`}`, async () => {
        const analysis = analyzer.analyze(source(activation.name));
        assert.ok(bindingsOf(analysis, 'y').length > 0);
        const input = tf.tensor(reference.input, reference.shape);
        if (why !== undefined) {
          // tfjs looks an activation up by its camel-cased name (hard_swish → hardSwish).
          const tfjsName = activation.name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
          await assert.rejects(
            async () => {
              const model = await modelOfBinding(analysis);
              tf.dispose(model.predict(input));
              model.dispose();
            },
            (error: Error) => error.message.includes(`activation: ${tfjsName}`),
          );
          return;
        }
        const model = await modelOfBinding(analysis);
        const output = model.predict(input) as tf.Tensor;
        assert.deepEqual(output.shape, activation.shape);
        assertKerasValues(await output.data(), activation.values!);
        tf.dispose([output, input]);
        model.dispose();
      });
    }
  });
});
