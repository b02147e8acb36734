// UnitNormalization, RMSNormalization, GroupNormalization, SpectralNormalization, Masking, ReversibleEmbedding and the
// layers that wrap another framework (TFSMLayer, TorchModuleWrapper, JaxLayer, FlaxLayer), beyond the mechanical
// references of test/conformance/reference-layers/: Keras's errors in its own words, sizes known only at run time,
// the variants that change a parameter count, and values through masks and shared calls. Every expected value was
// printed by the pinned Keras (KERAS_BACKEND=jax .venv-conformance/bin/python), with the Python given beside it.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertKerasValues, modelOfBinding, onEachBackend, sample } from './helpers/backends.js';
import { analyze, bindingsOf, describe as describeBinding, messages, modelNamed, shapeOf, summaryRows, where } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\n';

/** The call's output shape (or why it is unknown), the last called layer's parameter count, and every diagnostic. */
async function run(body: string): Promise<{ y: string; params: number | null | undefined; diagnostics: string[] }> {
  const a = await analyze(header + body);
  const layer = a.layers.filter((l) => l.calls.length > 0 && l.className !== 'InputLayer').at(-1);
  return {
    y: shapeOf(a, 'y'),
    params: layer?.params,
    diagnostics: a.diagnostics.map((d) => `${d.severity}: ${d.message}`),
  };
}

describe('normalization-extra layers', () => {
  describe('shapes and parameter counts', () => {
    // Each row: the Python (after `x = keras.Input(...)`), and what Keras 3.15.1 prints for
    // `y = <layer>(x); print(y.shape, layer.count_params())`.
    const cases: { input: string; layer: string; shape: string; params: number }[] = [
      { input: '(5, 6)', layer: 'layers.UnitNormalization(axis=[1, 2])', shape: '(None, 5, 6)', params: 0 },
      // RMSNormalization's scale has the sizes of the axes, sorted: (5, 6).
      { input: '(5, 6)', layer: 'layers.RMSNormalization(axis=[2, 1])', shape: '(None, 5, 6)', params: 30 },
      { input: '(5, 6)', layer: 'layers.RMSNormalization(axis=1)', shape: '(None, 5, 6)', params: 5 },
      { input: '(5, 6)', layer: 'layers.GroupNormalization(groups=3)', shape: '(None, 5, 6)', params: 12 },
      { input: '(5, 6)', layer: 'layers.GroupNormalization(groups=-1)', shape: '(None, 5, 6)', params: 12 },
      { input: '(5, 6)', layer: 'layers.GroupNormalization(groups=5, axis=1)', shape: '(None, 5, 6)', params: 10 },
      { input: '(5, 6)', layer: 'layers.GroupNormalization(groups=2, center=False)', shape: '(None, 5, 6)', params: 6 },
      { input: '(None, 6)', layer: 'layers.GroupNormalization(groups=3)', shape: '(None, None, 6)', params: 12 },
      { input: '(5, 64)', layer: 'layers.GroupNormalization()', shape: '(None, 5, 64)', params: 128 },
      // SpectralNormalization: the wrapped layer's weights plus vector_u, (1, the kernel's last axis).
      { input: '(5, 6)', layer: 'layers.SpectralNormalization(layers.Dense(3))', shape: '(None, 5, 3)', params: 24 },
      { input: '(5, 6)', layer: 'layers.SpectralNormalization(layers.Dense(3, use_bias=False))', shape: '(None, 5, 3)', params: 21 },
      { input: '(5, 6)', layer: 'layers.SpectralNormalization(layers.Conv1D(4, 3))', shape: '(None, 3, 4)', params: 80 },
      {
        input: '(5, 6)',
        layer: 'layers.SpectralNormalization(layers.Conv1D(4, 3, data_format="channels_first"))',
        shape: '(None, 4, 4)',
        params: 68,
      },
      // A transposed kernel is (3, 4, 6): u has the input channels.
      { input: '(5, 6)', layer: 'layers.SpectralNormalization(layers.Conv1DTranspose(4, 3))', shape: '(None, 7, 4)', params: 82 },
      { input: '(5, 6, 2)', layer: 'layers.SpectralNormalization(layers.Conv2DTranspose(4, 3))', shape: '(None, 7, 8, 4)', params: 78 },
      { input: '(5, 6, 2)', layer: 'layers.SpectralNormalization(layers.DepthwiseConv2D(3))', shape: '(None, 3, 4, 2)', params: 21 },
      {
        input: '(5, 6)',
        layer: 'layers.SpectralNormalization(layers.EinsumDense("abc,cd->abd", output_shape=(None, 4)))',
        shape: '(None, None, 4)',
        params: 28,
      },
      {
        input: '(5, 6)',
        layer: 'layers.SpectralNormalization(layers.SpectralNormalization(layers.Dense(3)))',
        shape: '(None, 5, 3)',
        params: 27,
      },
      { input: '(5, 4)', layer: 'layers.Masking(mask_value=0.5)', shape: '(None, 5, 4)', params: 0 },
    ];
    for (const c of cases) {
      it(`${c.layer} on ${c.input}`, async () => {
        const result = await run(`x = keras.Input(${c.input})\ny = ${c.layer}(x)`);
        assert.deepEqual(result, { y: c.shape, params: c.params, diagnostics: [] });
      });
    }

    it('SpectralNormalization of an Embedding on token ids', async () => {
      // x = keras.Input((5,), dtype="int32"); l = layers.SpectralNormalization(layers.Embedding(10, 4)); y = l(x)
      // → (None, 5, 4) float32, 44 (the eager output is cast to the ids' dtype; the KerasTensor is float32)
      const a = await analyze(
        `${header}x = keras.Input((5,), dtype="int32")\ny = layers.SpectralNormalization(layers.Embedding(10, 4))(x)`,
      );
      assert.deepEqual(messages(a), []);
      assert.equal(shapeOf(a, 'y'), '(None, 5, 4)');
      assert.equal(a.tensors[(bindingsOf(a, 'y').at(-1)!.value as { tensor: number }).tensor]!.dtype, 'float32');
    });

    it('ReversibleEmbedding: forward on ids, reverse=True back to input_dim, tie_weights=False doubles the weights', async () => {
      // ids = keras.Input((7,), dtype="int32"); emb = layers.ReversibleEmbedding(20, 6, tie_weights=False)
      // h = emb(ids); logits = emb(h, reverse=True); keras.Model(ids, logits).summary()
      // → h (None, 7, 6), logits (None, 7, 20), reversible_embedding 240 params
      const a = await analyze(`${header}ids = keras.Input((7,), dtype="int32")
emb = layers.ReversibleEmbedding(20, 6, tie_weights=False, logit_soft_cap=2.5)
h = emb(ids)
logits = emb(h, reverse=True)
tied = layers.ReversibleEmbedding(20, 6)(h, reverse=1)
model = keras.Model(ids, logits)`);
      assert.deepEqual(messages(a), []);
      assert.equal(shapeOf(a, 'h'), '(None, 7, 6)');
      assert.equal(shapeOf(a, 'logits'), '(None, 7, 20)');
      assert.equal(shapeOf(a, 'tied'), '(None, 7, 20)');
      assert.deepEqual(summaryRows(modelNamed(a, 'functional')), [
        'input_layer (InputLayer) (None, 7) 0',
        'reversible_embedding (ReversibleEmbedding) (None, 7, 20) 240',
      ]);
      assert.equal(a.layers.find((l) => l.name === 'reversible_embedding_1')!.params, 120);
    });

    it('sizes known only at run time give unknown parameter counts, not errors', async () => {
      const a = await analyze(`${header}import numpy as np
data = np.load("features.npy")
x = keras.Input((5, data.shape[1]))
r = layers.RMSNormalization()
g = layers.GroupNormalization(groups=2)
s = layers.SpectralNormalization(layers.Dense(data.shape[1]))
yr = r(x)
yg = g(x)
ys = s(x)`);
      assert.deepEqual(messages(a, 'error'), []);
      assert.deepEqual(messages(a, 'warning'), []);
      for (const name of ['rms_normalization', 'group_normalization', 'spectral_normalization']) {
        assert.equal(a.layers.find((l) => l.name === name)!.params, null, name);
      }
    });
  });

  describe("Keras's errors, in its words, where Keras raises", () => {
    // Each message is Keras's own (the first line of str(e)) for the same Python, run with the pinned Keras.
    const cases: { body: string; message: string }[] = [
      {
        body: 'x = keras.Input((5, 6))\ny = layers.UnitNormalization(axis=3)(x)',
        message: 'Axis 3 is out of bounds for input shape (None, 5, 6).',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.UnitNormalization(axis=[1, -4])(x)',
        message: 'Axis [1, -4] is out of bounds for input shape (None, 5, 6).',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.UnitNormalization(axis="a")(x)',
        message: 'Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis=a',
      },
      { body: 'x = keras.Input((5, 6))\ny = layers.RMSNormalization(axis=3)(x)', message: 'tuple index out of range' },
      {
        body: 'x = keras.Input((None, 6))\ny = layers.RMSNormalization(axis=[1, 2])(x)',
        message:
          "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 6) for variable path='rms_normalization/scale'",
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.GroupNormalization(groups=4)(x)',
        message: 'Number of groups (4) must be a multiple of the number of channels (6).',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.GroupNormalization()(x)',
        message: 'Number of groups (32) cannot be more than the number of channels (6).',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.GroupNormalization(groups=0)(x)',
        message:
          'Received an invalid value for argument `groups`, expected a positive integer (or `-1` for instance normalization). Received: groups=0',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.GroupNormalization(groups=2.5)(x)',
        message:
          'Received an invalid value for argument `groups`, expected a positive integer (or `-1` for instance normalization). Received: groups=2.5',
      },
      {
        body: 'x = keras.Input((5, None))\ny = layers.GroupNormalization(groups=2)(x)',
        message: 'Axis -1 of input tensor should have a defined dimension but the layer received an input with shape (None, 5, None).',
      },
      { body: 'x = keras.Input((5, 6))\ny = layers.GroupNormalization(groups=3, axis=3)(x)', message: 'tuple index out of range' },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.SpectralNormalization(layers.LSTM(3))(x)',
        message: "LSTM object has no attribute 'kernel' nor 'embeddings'",
      },
      {
        body: 'x = keras.Input((5, 6, 2))\ny = layers.SpectralNormalization(layers.SeparableConv2D(4, 3))(x)',
        message: "SeparableConv2D object has no attribute 'kernel' nor 'embeddings'",
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.SpectralNormalization(layers.SimpleRNNCell(3))(x)',
        message:
          'Layer SimpleRNNCell does not have a `compute_output_shape` method implemented. Should implement `def compute_output_shape(self, input_shape)`.',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.SpectralNormalization(layers.Dense(3), power_iterations=0)(x)',
        message: '`power_iterations` should be greater than zero. Received: `power_iterations=0`',
      },
      {
        body: 'x = keras.Input((5, 6))\ny = layers.SpectralNormalization(3)(x)',
        message: "Layer 3 supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a valid Keras layer.",
      },
      {
        body: 'x = keras.Input((5,), dtype="int32")\ny = layers.ReversibleEmbedding(0, 3)(x)',
        message: '`input_dim` must be a positive integer. Received: input_dim=0 (of type int).',
      },
      {
        body: 'x = keras.Input((5,), dtype="int32")\ny = layers.ReversibleEmbedding(10, 2.5)(x)',
        message: '`output_dim` must be a positive integer. Received: output_dim=2.5 (of type float).',
      },
    ];
    for (const c of cases) {
      it(c.message, async () => {
        const result = await run(c.body);
        assert.deepEqual(result.diagnostics, [`error: ${c.message}`]);
      });
    }

    it('a built SpectralNormalization or GroupNormalization checks the input spec Keras sets in build', async () => {
      // s = layers.SpectralNormalization(layers.Dense(3)); s(keras.Input((5, 6))); s(keras.Input((5, 7)))
      // → ValueError: … of layer 'spectral_normalization' is incompatible with the layer: expected axis -1 of input
      //   shape to have value 6, but received input with shape (None, 5, 7)
      // g = layers.GroupNormalization(groups=3); g(keras.Input((5, 6))); g(keras.Input((7, 6))) → (None, 7, 6)
      const a = await analyze(`${header}s = layers.SpectralNormalization(layers.Dense(3))
a = s(keras.Input((5, 6)))
b = s(keras.Input((5, 7)))
g = layers.GroupNormalization(groups=3)
c = g(keras.Input((5, 6)))
d = g(keras.Input((7, 6)))
e = g(keras.Input((5, 4, 6)))`);
      const errors = messages(a, 'error');
      assert.equal(errors.length, 2);
      assert.match(
        errors[0]!,
        /of layer 'spectral_normalization' is incompatible with the layer: expected axis -1 of input shape to have value 6, but received input with shape \(None, 5, 7\)$/,
      );
      assert.match(errors[1]!, /of layer 'group_normalization' is incompatible with the layer: expected ndim=3, found ndim=4/);
      assert.equal(shapeOf(a, 'd'), '(None, 7, 6)');
    });

    it('ReversibleEmbedding with reverse=True on a last axis other than output_dim: Keras builds it, running it fails', async () => {
      // e = layers.ReversibleEmbedding(10, 3); y = e(keras.Input((4, 5)), reverse=True) → (None, 4, 10), no error;
      // keras.Model(...).predict(...) → TypeError: dot_general requires contracting dimensions to have the same shape
      const result = await run('x = keras.Input((4, 5))\ny = layers.ReversibleEmbedding(10, 3)(x, reverse=True)');
      assert.equal(result.y, '(None, 4, 10)');
      assert.deepEqual(result.diagnostics, [
        'warning: ReversibleEmbedding with reverse=True multiplies its inputs by a (3, 10) matrix: their last axis is 5, not output_dim=3. Keras builds the model, but running it fails.',
      ]);
    });
  });

  describe('layers that wrap another framework', () => {
    const cases = [
      { cls: 'TFSMLayer', make: 'layers.TFSMLayer("exported/model", call_endpoint="serve")' },
      { cls: 'TorchModuleWrapper', make: 'layers.TorchModuleWrapper(module)' },
      { cls: 'JaxLayer', make: 'layers.JaxLayer(call_fn)' },
      { cls: 'FlaxLayer', make: 'layers.FlaxLayer(module)' },
    ];
    for (const c of cases) {
      it(`${c.cls}: an information where it is made, and the tensors after it unknown`, async () => {
        const a = await analyze(`${header}module = None
def call_fn(params, inputs):
    return inputs
x = keras.Input((5, 4))
wrapped = ${c.make}
h = wrapped(x)
y = layers.Dense(2)(h)`);
        assert.deepEqual(
          a.diagnostics.map((d) => `${d.severity} ${where(d)} ${d.code}`),
          [`information 7:11-7:${11 + c.make.length} unsupported-layer`],
        );
        assert.match(messages(a)[0]!, new RegExp(`^${c.cls}: it runs .*\\. Tensors after it are not analysed\\.$`));
        assert.match(describeBinding(a, bindingsOf(a, 'h').at(-1)!), new RegExp(`^unknown: ${c.cls}: it runs `));
        assert.match(shapeOf(a, 'y'), /^unknown: /);
      });
    }
  });

  describe("values, as Keras computes them (Keras's inference math, weights in its order, masks)", () => {
    interface ValueCase {
      readonly name: string;
      readonly body: string;
      readonly input: { shape: number[]; data: number[]; dtype?: 'int32' };
      /** Each layer's weights in Keras's `layer.weights` order, in `model.layers` order: sample(shape, 2), sample(shape, 3), … */
      readonly weights: readonly [string, number[][]][];
      /**
       * The seed of each weight, where the engine holds one of Keras's weights twice: SpectralNormalization's own copy
       * of the kernel, first in its weight file, gets the seed Keras's `layer.weights` gave the kernel.
       */
      readonly seeds?: readonly number[];
      readonly expected: number[];
    }

    const withMask = (shape: number[]): number[] => {
      // data[0, 1] = 0; data[1, 3] = 0 on a (2, 4, 2) sample: masked steps.
      const data = sample(shape, 0);
      for (const step of [1 * 2, (4 + 3) * 2]) data.splice(step, 2, 0, 0);
      return data;
    };
    const unitInput = sample([2, 2, 3], 0).map((v, i) => (i >= 6 ? 0 : v));

    /*
     * The expected values were printed by this Python (Keras 3.15.1, JAX backend), one case at a time:
     *
     *   def sample(shape, seed):
     *       n = int(np.prod(shape))
     *       return np.array([round(float(np.sin(i * 1.37 + seed * 2.11)), 3) for i in range(n)], "float32").reshape(shape)
     *   keras.backend.clear_session()
     *   x = keras.Input(<input shape>)
     *   y = <layer>(x)            # or the expression given
     *   model = keras.Model(x, y)
     *   seed = 1
     *   for l in model.layers:
     *       values = []
     *       for w in l.weights:
     *           seed += 1
     *           values.append(sample(tuple(w.shape), seed))
     *       if values: l.set_weights(values)
     *   data = sample(<batch shape>, 0)   # unit: data[1] = 0; masks: data[0, 1] = 0; data[1, 3] = 0
     *   print(np.asarray(model(data, training=False)).ravel())
     */
    const cases: ValueCase[] = [
      {
        name: 'GroupNormalization(groups=2, axis=1)',
        body: 'x = keras.Input((4, 3))\ny = keras.layers.GroupNormalization(groups=2, axis=1)(x)',
        input: { shape: [2, 4, 3], data: sample([2, 4, 3], 0) },
        weights: [['group_normalization', [[4], [4]]]],
        expected: [
          0.12846, -1.187432, -0.396554, 1.849586, 1.748299, 0.5240939, 1.025772, 0.04619922, -0.69874, -1.365863, 0.07846808, -0.3142885,
          0.648325, 0.8895182, -0.5849922, -0.07276332, 0.7577521, 1.690166, -0.05038053, 1.136484, 1.122092, -1.442945, -2.098341,
          -0.6662802,
        ],
      },
      {
        name: 'RMSNormalization(axis=[1, 2], epsilon=0.1)',
        body: 'x = keras.Input((2, 3))\ny = keras.layers.RMSNormalization(axis=[1, 2], epsilon=0.1)(x)',
        input: { shape: [2, 2, 3], data: sample([2, 2, 3], 0) },
        weights: [['rms_normalization', [[2, 3]]]],
        expected: [
          -0.0, -0.8576176, 0.3352107, -1.003219, 0.2682058, -0.7332231, -1.043895, 0.1329471, -0.7933666, -0.2639075, -0.3126304,
          -0.7538337,
        ],
      },
      {
        name: 'UnitNormalization(axis=[1, 2]), an all-zero sample too',
        body: 'x = keras.Input((2, 3))\ny = keras.layers.UnitNormalization(axis=[1, 2])(x)',
        input: { shape: [2, 2, 3], data: unitInput },
        weights: [],
        expected: [0.0, 0.607884, 0.2425333, -0.5111188, -0.4466087, 0.3330957, 0, 0, 0, 0, 0, 0],
      },
      {
        name: 'SpectralNormalization(Dense(2, activation="tanh")): kernel, vector_u, bias',
        body: 'x = keras.Input((3,))\ny = keras.layers.SpectralNormalization(keras.layers.Dense(2, activation="tanh"))(x)',
        input: { shape: [2, 3], data: sample([2, 3], 0) },
        // Keras's weights: kernel sample(…, 2), vector_u 3, bias 4; the file's order: its kernel, vector_u, the Dense's.
        weights: [['spectral_normalization', [[3, 2], [1, 2], [3, 2], [2]]]],
        seeds: [2, 3, 2, 4],
        expected: [0.871703, 0.1050045, 0.7452388, -0.7718682],
      },
      {
        // The wrapped layer runs as the engine's own Conv2D, which has grouped convolutions.
        name: 'SpectralNormalization(Conv2D(2, 3, groups=2)): a grouped convolution inside',
        body: 'x = keras.Input((4, 4, 4))\ny = keras.layers.SpectralNormalization(keras.layers.Conv2D(2, 3, groups=2))(x)',
        input: { shape: [2, 4, 4, 4], data: sample([2, 4, 4, 4], 0) },
        weights: [['spectral_normalization', [[3, 3, 2, 2], [1, 2], [3, 3, 2, 2], [2]]]],
        seeds: [2, 3, 2, 4],
        expected: [
          6.135711669921875, -3.521038770675659, 6.032111167907715, 1.1475660800933838, -4.605780601501465, 2.3951950073242188,
          -4.185372829437256, -2.307996988296509, 6.513482093811035, -1.948253870010376, 5.161790370941162, 2.7231662273406982,
          -4.872120380401611, 0.7765366435050964, -3.222745180130005, -3.836239814758301,
        ],
      },
      {
        // Keras warns that RMSNormalization destroys the mask: the LSTM then runs every step.
        name: 'Masking → RMSNormalization → LSTM: the mask stops at RMSNormalization',
        body: 'x = keras.Input((4, 2))\ny = keras.layers.LSTM(2)(keras.layers.RMSNormalization()(keras.layers.Masking()(x)))',
        input: { shape: [2, 4, 2], data: withMask([2, 4, 2]) },
        weights: [
          ['rms_normalization', [[2]]],
          ['lstm', [[2, 8], [2, 8], [8]]],
        ],
        expected: [-0.009902903, -0.2730911, -0.04272234, -0.5021453],
      },
      {
        // Keras warns that SpectralNormalization destroys the mask, but its output is the Dense's, which keeps it.
        name: 'Masking → SpectralNormalization(Dense) → LSTM: the LSTM still skips the masked steps',
        body: 'x = keras.Input((4, 2))\ny = keras.layers.LSTM(2)(keras.layers.SpectralNormalization(keras.layers.Dense(2))(keras.layers.Masking()(x)))',
        input: { shape: [2, 4, 2], data: withMask([2, 4, 2]) },
        weights: [
          ['spectral_normalization', [[2, 2], [1, 2], [2, 2], [2]]],
          ['lstm', [[2, 8], [2, 8], [8]]],
        ],
        seeds: [2, 3, 2, 4, 5, 6, 7],
        expected: [0.1060432, 0.1103645, 0.07795008, -0.09846877],
      },
      {
        // ids = keras.Input((3,), dtype="int32")
        // emb = keras.layers.ReversibleEmbedding(5, 3, tie_weights=False, logit_soft_cap=0.5); y = emb(emb(ids), reverse=True)
        // emb.set_weights([sample((5, 3), 2), sample((3, 5), 3)]); model([[0, 4, 2], [3, 3, 1]])
        name: 'ReversibleEmbedding(tie_weights=False, logit_soft_cap=0.5): forward, then reverse=True on the same layer',
        body: 'x = keras.Input((3,), dtype="int32")\nemb = keras.layers.ReversibleEmbedding(5, 3, tie_weights=False, logit_soft_cap=0.5)\ny = emb(emb(x), reverse=True)',
        input: { shape: [2, 3], data: [0, 4, 2, 3, 3, 1], dtype: 'int32' },
        weights: [
          [
            'reversible_embedding',
            [
              [5, 3],
              [3, 5],
            ],
          ],
        ],
        expected: [
          0.1633627, -0.4882058, -0.4201125, 0.4693219, 0.4785314, -0.4723262, 0.3168964, 0.4845108, 0.04066589, -0.4835033, 0.4824156,
          0.4836134, -0.4157226, -0.4936252, 0.0927844, -0.1009804, -0.4928532, -0.3261834, 0.4867765, 0.463612, -0.1009804, -0.4928532,
          -0.3261834, 0.4867765, 0.463612, -0.4844566, 0.07331857, 0.4861016, 0.3033467, -0.4759308,
        ],
      },
      {
        // y = keras.layers.LSTM(2)(keras.layers.ReversibleEmbedding(5, 2, mask_zero=True)(ids)); model([[2, 0, 1], [0, 4, 3]])
        name: 'ReversibleEmbedding(mask_zero=True) → LSTM: the ids of 0 are skipped',
        body: 'x = keras.Input((3,), dtype="int32")\ny = keras.layers.LSTM(2)(keras.layers.ReversibleEmbedding(5, 2, mask_zero=True)(x))',
        input: { shape: [2, 3], data: [2, 0, 1, 0, 4, 3], dtype: 'int32' },
        weights: [
          ['reversible_embedding', [[5, 2]]],
          ['lstm', [[2, 8], [2, 8], [8]]],
        ],
        expected: [0.06305917, -0.3639645, -0.07951158, -0.2603028],
      },
    ];

    async function evaluate(c: ValueCase): Promise<{ values: number[]; weightShapes: string[] }> {
      const a = await analyze(`import keras\n${c.body}`);
      assert.deepEqual(messages(a), []);
      const model = await modelOfBinding(a);
      try {
        let seed = 1;
        let weightIndex = 0;
        const weightShapes: string[] = [];
        for (const [name, shapes] of c.weights) {
          const layer = model.getLayer(name);
          weightShapes.push(`${name} ${layer.weights.map((w) => `(${w.shape.join(', ')})`).join(' ')}`);
          const tensors = shapes.map((shape) => tf.tensor(sample(shape, c.seeds?.[weightIndex++] ?? ++seed), shape));
          layer.setWeights(tensors);
          tf.dispose(tensors);
        }
        const x = tf.tensor(c.input.data, c.input.shape, c.input.dtype ?? 'float32');
        const out = model.call(x, { training: false }) as tf.Tensor | tf.Tensor[];
        const values = Array.from(await (Array.isArray(out) ? out[0]! : out).data());
        tf.dispose([x, out]);
        return { values, weightShapes };
      } finally {
        model.dispose();
      }
    }

    onEachBackend(() => {
      for (const c of cases) {
        it(c.name, async () => {
          const { values, weightShapes } = await evaluate(c);
          assert.deepEqual(
            weightShapes,
            c.weights.map(([name, shapes]) => `${name} ${shapes.map((s) => `(${s.join(', ')})`).join(' ')}`),
          );
          assertKerasValues(values, c.expected);
        });
      }
    });
  });
});
