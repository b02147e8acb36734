// Preprocessing and augmentation layers (src/analysis/keras/rules/preprocessing.ts, src/engine/layers/preprocessing.ts)
// beyond the mechanical references: the arguments Keras rejects, in its words; shapes that depend on a vocabulary,
// adapt() or the call; sizes only the data fixes (a named dimension, so later layers are not wrongly refused); what
// is not evaluated and why; the layers in models; values at inference on the cpu and wasm backends.
// Every expected value was produced by the pinned Keras 3.15.1 (KERAS_BACKEND=jax .venv-conformance/bin/python), with
// the Python quoted beside it.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { registerOperationLayer } from '../../src/engine/operation-layer.js';
import { prepareTopology } from '../../src/engine/topology.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { analyze, bindingsOf, dtypeOf, messages, modelNamed, shapeOf, summaryRows } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers as L\n';

/** `y = <layer>(x)` on `x = keras.Input(<shape>, dtype=<dtype>)`: the analysis. */
function layerOn(layer: string, shape: string, dtype = 'float32') {
  return analyze(`${header}x = keras.Input(shape=${shape}, dtype="${dtype}")\ny = ${layer}(x)\n`);
}

/** The output of `y`, its dtype and the layer's parameter count, as a Keras summary reads. */
async function outputOf(layer: string, shape: string, dtype = 'float32'): Promise<string> {
  const a = await layerOn(layer, shape, dtype);
  assert.deepEqual(messages(a, 'error'), []);
  const made = a.layers.filter((l) => l.className !== 'InputLayer' && !l.operation).at(-1)!;
  return `${shapeOf(a, 'y')} ${dtypeOf(a, 'y')} ${made.params ?? '?'}`;
}

describe('preprocessing layers', () => {
  describe('arguments Keras rejects, in its words', () => {
    // keras.layers.<Class>(...) raises at construction, with these messages.
    const cases: [string, string][] = [
      [
        'L.RandomRotation((0.1, 0.2, 0.3))',
        'The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. Received: factor=(0.1, 0.2, 0.3)',
      ],
      ['L.RandomRotation(0.2, fill_mode="x")', "Unknown `fill_mode` x. Expected of one ('reflect', 'wrap', 'constant', 'nearest')."],
      ['L.RandomRotation(0.2, interpolation="bicubic")', "Unknown `interpolation` bicubic. Expected of one ('nearest', 'bilinear')."],
      [
        'L.RandomZoom(-1)',
        'The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. Received: input_number=-1',
      ],
      [
        'L.RandomZoom((0.1,))',
        'The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. Received: height_factor=(0.1,)',
      ],
      [
        'L.RandomTranslation(0.1, 1.5)',
        'The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. Received: input_number=1.5',
      ],
      [
        'L.RandomContrast(1.5)',
        'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. Received: factor=1.5',
      ],
      [
        'L.RandomBrightness(0.2, value_range=(0, 1, 2))',
        'The `value_range` argument should be a list of two numbers. Received: value_range=(0, 1, 2)',
      ],
      [
        'L.RandomShear(-0.2)',
        'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. Received: input_number=-0.2',
      ],
      ['L.RandomPerspective(scale=1.5)', 'The `scale` argument should be a number in the range [0,1]. Received: scale=1.5'],
      [
        'L.RandomElasticTransform(scale=3)',
        'The `scale` argument should be a number (or a list of two numbers) in the range [0, 1]. Received: factor=3',
      ],
      ['L.RandomGaussianBlur(kernel_size=4)', 'kernel_size must be an odd number. Received: kernel_size=4'],
      [
        'L.RandomGaussianBlur(kernel_size=(3, 4, 5))',
        'The `kernel_size` argument should be a number (or a list of two numbers) Received: kernel_size=(3, 4, 5)',
      ],
      ['L.RandomGrayscale(1.5)', '`factor` should be between 0 and 1. Received: factor=1.5'],
      [
        'L.RandomPosterization(9)',
        'The `factor` argument should be a number (or a list of two numbers) in the range [1, 8]. Received: factor=9',
      ],
      [
        'L.RandomColorJitter(hue_factor=1.5)',
        'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. Received: factor=1.5',
      ],
      [
        'L.Solarization(1.2)',
        'The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) in the range [0, 1]. Received: input_number=1.2',
      ],
      ['L.AutoContrast(value_range=1)', 'The `value_range` argument should be a list of two numbers. Received: value_range=1'],
      // Keras 3.15.1's Equalization refers to a message attribute it lacks.
      ['L.Equalization(value_range=1)', "'Equalization' object has no attribute '_VALUE_RANGE_VALIDATION_ERROR'"],
      ['L.AugMix(interpolation="x")', "Unknown `interpolation` x. Expected of one ('nearest', 'bilinear')."],
      [
        'L.Normalization(mean=0.5)',
        'When setting values directly, both `mean` and `variance` must be set. Received: mean=0.5 and variance=None',
      ],
      [
        'L.Normalization(mean=[0.5, 1], variance=[1.5])',
        'When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape (2,) and variance shape (1,)',
      ],
      [
        'L.Normalization(mean=[[0.5, 1]], variance=[[1.5, 2]])',
        'The rank of `mean` must be less than or equal to the number of axes (1). Received: mean shape (1, 2) for axis (-1,)',
      ],
      [
        'L.CategoryEncoding()',
        'num_tokens must be set to use this layer. If the number of tokens is not known beforehand, use the IntegerLookup layer instead.',
      ],
      ['L.CategoryEncoding(5, output_mode="int")', 'Unknown arg for output_mode: int'],
      ['L.Discretization()', 'You need to set either `num_bins` or `bin_boundaries`.'],
      [
        'L.Discretization(bin_boundaries=[1.5], output_mode="x")',
        "Unknown value for `output_mode` argument of Discretization. Allowed values are: ('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=x",
      ],
      [
        'L.Hashing(5, dtype="float32")',
        "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'in64'. Received: dtype=float32",
      ],
      [
        'L.Hashing(5, salt=[1, 2, 3])',
        'The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. Received: salt=[1, 2, 3].',
      ],
      [
        'L.HashedCrossing(5, output_mode="multi_hot")',
        "Unknown value for `output_mode` argument of HashedCrossing. Allowed values are: ('int', 'one_hot'). Received: output_mode=multi_hot",
      ],
      ['L.StringLookup(pad_to_max_tokens=True)', 'If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None'],
      [
        'L.StringLookup(vocabulary=["a", "b", "c"], max_tokens=2)',
        'Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is 4; `max_tokens` is 2.',
      ],
      [
        'L.StringLookup(vocabulary=["a", "b", "a"])',
        "The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: [np.str_('a')]",
      ],
      [
        'L.StringLookup(vocabulary=["a"], output_mode="tf_idf")',
        'When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must also be provided.',
      ],
      [
        'L.StringLookup(vocabulary=["a"], invert=True, output_mode="one_hot")',
        "`output_mode` must be `'int'` when `invert` is true. Received: output_mode=one_hot",
      ],
      [
        'L.IntegerLookup(vocabulary_dtype="int32")',
        "Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype=int32",
      ],
      ['L.IntegerLookup(salt=3)', "`salt` can only be used when `oov_method='farmhash'`. Received: oov_method=floormod"],
      [
        'L.TextVectorization(output_mode="multi_hot", output_sequence_length=3)',
        "`output_sequence_length` must not be set if `output_mode` is not 'int'. Received output_sequence_length=3.",
      ],
      [
        'L.TextVectorization(split="x")',
        "Unknown value for `split` argument of TextVectorization. Allowed values are: ('whitespace', 'character'). Received: split=x",
      ],
      ['L.TextVectorization(max_tokens=1)', 'If set, `max_tokens` must be greater than 1. Received: max_tokens=1'],
    ];
    for (const [layer, message] of cases) {
      it(layer, async () => {
        const a = await analyze(`${header}layer = ${layer}\n`);
        assert.deepEqual(messages(a, 'error'), [message]);
      });
    }

    it('no false error for values Keras accepts: a falsy factor is 0.0, width_factor=None, a float factor pair', async () => {
      const a = await analyze(
        `${header}a = L.RandomRotation(0)\nb = L.RandomZoom(0.2, None)\nc = L.RandomContrast((0.1, 0.4))\nd = L.RandomColorJitter(brightness_factor=0.2)\n`,
      );
      assert.deepEqual(messages(a), []);
    });
  });

  describe('errors Keras raises at the call', () => {
    // L.CenterCrop(4, 5)(keras.Input((8, 8, 8, 3)))
    it('CenterCrop on a rank-5 tensor', async () => {
      const a = await layerOn('L.CenterCrop(4, 5)', '(8, 8, 8, 3)');
      assert.deepEqual(messages(a, 'error'), [
        '`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 (batched). ',
      ]);
    });
    // L.RandomColorDegeneration(0.5)(keras.Input((8, 8, 4)))
    it('RandomColorDegeneration on 4 channels, and on a rank-2 tensor', async () => {
      const four = await layerOn('L.RandomColorDegeneration(0.5)', '(8, 8, 4)');
      assert.deepEqual(messages(four, 'error'), ['Input images must have 3 channels, but received images with 4 channels.']);
      const flat = await layerOn('L.RandomColorDegeneration(0.5)', '(8,)');
      assert.deepEqual(messages(flat, 'error'), [
        'Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: input_shape=(None, 8)',
      ]);
    });
    // L.RandomCrop(4, 5)(keras.Input((3,))): compute_output_shape assigns input_shape[-3].
    it('RandomCrop on a rank-2 tensor', async () => {
      const a = await layerOn('L.RandomCrop(4, 5)', '(3,)');
      assert.deepEqual(messages(a, 'error'), ['list assignment index out of range']);
    });
    it('Normalization with an axis out of range, or an unknown kept axis', async () => {
      // L.Normalization(axis=3)(keras.Input((5, 4)))
      assert.deepEqual(messages(await layerOn('L.Normalization(axis=3)', '(5, 4)'), 'error'), [
        'All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=3, while axis=(3,)',
      ]);
      // L.Normalization()(keras.Input((5, None)))
      assert.deepEqual(messages(await layerOn('L.Normalization()', '(5, None)'), 'error'), [
        'All `axis` values to be kept must have a known shape. Received axis=(-1,), inputs.shape=(None, 5, None), with unknown axis at index 2',
      ]);
      // L.Normalization(mean=[0.5, 1, 2], variance=[2.0, 1, 1])(keras.Input((5, 4))): JAX's broadcast_to.
      assert.deepEqual(messages(await layerOn('L.Normalization(mean=[0.5, 1, 2], variance=[2.0, 1, 1])', '(5, 4)'), 'error'), [
        'Incompatible types for broadcasting: input type=float32[1,1,3] and requested type=float32[1,1,4]',
      ]);
    });
    it('HashedCrossing on two tensors of different sizes, or one tensor', async () => {
      // L.HashedCrossing(5)([keras.Input((2,)), keras.Input((3,))])
      const two = await analyze(
        `${header}a = keras.Input((2,), dtype="int32")\nb = keras.Input((3,), dtype="int32")\ny = L.HashedCrossing(5)([a, b])\n`,
      );
      assert.deepEqual(messages(two, 'error'), [
        'Expected the two input tensors to have identical shapes. Received input_shape=[(None, 2), (None, 3)]',
      ]);
      // L.HashedCrossing(5)(keras.Input((3,)))
      assert.deepEqual(messages(await layerOn('L.HashedCrossing(5)', '(3,)', 'int32'), 'error'), [
        'Expected as input a list/tuple of 2 tensors. Received input_shape=(None, 3)',
      ]);
    });
  });

  describe('output shape, dtype and parameter count', () => {
    // For each: y = <layer>(keras.Input(<shape>, dtype=...)); print(y.shape, y.dtype, layer.count_params())
    const cases: [string, string, string, string][] = [
      // Augmentation: the input's shape in the compute dtype, whatever the rank (compute_output_shape only).
      ['L.RandomFlip()', '(8, 8, 3)', 'int32', '(None, 8, 8, 3) float32 0'],
      ['L.RandomRotation(0.2)', '(8,)', 'float32', '(None, 8) float32 0'],
      ['L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3)', '(8, 8, 3)', 'int32', '(None, 8, 8, 3) float32 0'],
      ['L.RandAugment()', '(8, 8, 3)', 'int32', '(None, 8, 8, 3) float32 0'],
      ['L.ContrastLimitedAdaptiveHistogramEqualization()', '(8,)', 'float32', '(None, 8) float32 0'],
      // Crops: the size at the height and width axes, batched or not, either layout.
      ['L.RandomCrop(4, 5)', '(None, None, 3)', 'float32', '(None, 4, 5, 3) float32 0'],
      ['L.RandomCrop(4, 5)', '(8, 3)', 'float32', '(4, 5, 3) float32 0'],
      ['L.RandomCrop(4, 5, data_format="channels_first")', '(3, 8, 8)', 'float32', '(None, 3, 4, 5) float32 0'],
      ['L.CenterCrop(10, 12)', '(8, 8, 3)', 'int32', '(None, 10, 12, 3) float32 0'],
      ['L.CenterCrop(4, 5)', '(8, 3)', 'float32', '(4, 5, 3) float32 0'],
      ['L.CenterCrop(4, 5, data_format="channels_first")', '(3, 8, 8)', 'float32', '(None, 3, 4, 5) float32 0'],
      ['L.Pipeline([L.RandomFlip(), L.CenterCrop(4, 4), L.Rescaling(0.5)])', '(8, 8, 3)', 'int32', '(None, 4, 4, 3) float32 0'],
      ['L.Pipeline([L.Dense(3), L.Dense(4)])', '(8, 5)', 'float32', '(None, 8, 4) float32 34'],
      // Normalization: weights mean and variance (the kept axes) and count, unless the statistics are given.
      ['L.Normalization()', '(5, 4)', 'float32', '(None, 5, 4) float32 9'],
      ['L.Normalization(axis=(1, 2))', '(5, 4)', 'float32', '(None, 5, 4) float32 41'],
      ['L.Normalization(axis=None)', '(5, 4)', 'float32', '(None, 5, 4) float32 3'],
      ['L.Normalization(mean=0.5, variance=2.0)', '(5, 4)', 'int32', '(None, 5, 4) float32 0'],
      // Encodings.
      ['L.CategoryEncoding(5)', '()', 'int32', '(5,) float32 0'],
      ['L.CategoryEncoding(5, output_mode="one_hot")', '(3,)', 'int32', '(None, 3, 5) float32 0'],
      ['L.CategoryEncoding(5, output_mode="one_hot")', '(1,)', 'int32', '(None, 5) float32 0'],
      ['L.CategoryEncoding(5, output_mode="count", dtype="int32")', '(2, 3)', 'int32', '(None, 2, 5) int32 0'],
      ['L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])', '(3,)', 'float32', '(None, 3) int32 0'],
      ['L.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode="count")', '(2, 3)', 'float32', '(None, 3, 4) float32 0'],
      ['L.Discretization(num_bins=4, output_mode="one_hot")', '(3,)', 'float32', '(None, 3, 4) float32 0'],
      ['L.Hashing(5)', '(3,)', 'int32', '(None, 3) int64 0'],
      ['L.Hashing(5, output_mode="one_hot")', '(3,)', 'int32', '(None, 5) float32 0'],
      ['L.Hashing(5, output_mode="count")', '()', 'int32', '(5,) float32 0'],
      // Lookups: int64 ids, or an encoding whose depth the vocabulary (or max_tokens) fixes.
      ['L.StringLookup()', '(3,)', 'string', '(None, 3) int64 0'],
      ['L.StringLookup(vocabulary=["a", "b", "c"], output_mode="one_hot")', '(3,)', 'string', '(None, 3, 4) float32 0'],
      ['L.StringLookup(vocabulary=["a", "b", "c"], output_mode="count", num_oov_indices=3)', '(3,)', 'string', '(None, 6) float32 0'],
      ['L.StringLookup(vocabulary=["[UNK]", "a", "b", "c"], output_mode="count")', '(3,)', 'string', '(None, 4) float32 0'],
      ['L.StringLookup(output_mode="multi_hot", max_tokens=10, pad_to_max_tokens=True)', '(3,)', 'string', '(None, 10) float32 0'],
      ['L.StringLookup(vocabulary=["a", "b", "c"], invert=True)', '(3,)', 'int32', '(None, 3) int64 0'],
      ['L.IntegerLookup(vocabulary=[3, 5, 7], output_mode="one_hot", mask_token=0)', '(3,)', 'int32', '(None, 3, 4) float32 0'],
      ['L.TextVectorization()', '(1,)', 'string', '(None, None) int64 0'],
      ['L.TextVectorization(output_sequence_length=7)', '()', 'string', '(None, 7) int64 0'],
      ['L.TextVectorization(output_mode="multi_hot", vocabulary=["a", "b"])', '(1,)', 'string', '(None, 1, 3) float32 0'],
      ['L.TextVectorization(output_mode="count", vocabulary=["a", "b"], split=None)', '(3,)', 'string', '(None, 3) float32 0'],
      ['L.TextVectorization(output_mode="tf_idf", max_tokens=10, pad_to_max_tokens=True)', '(1,)', 'string', '(None, 1, 10) float32 0'],
    ];
    for (const [layer, shape, dtype, expected] of cases) {
      it(`${layer} on ${shape} ${dtype}`, async () => assert.equal(await outputOf(layer, shape, dtype), expected));
    }

    it('HashedCrossing of two ids', async () => {
      // L.HashedCrossing(5)([keras.Input((1,), dtype="int32")] * 2): (None, 1) int64; output_mode="one_hot": (None, 5) float32
      const a = await analyze(
        `${header}a = keras.Input((1,), dtype="int32")\nb = keras.Input((1,), dtype="int32")\ny = L.HashedCrossing(5)([a, b])\nz = L.HashedCrossing(5, output_mode="one_hot")([a, b])\n`,
      );
      assert.deepEqual(messages(a), []);
      assert.equal(`${shapeOf(a, 'y')} ${dtypeOf(a, 'y')}`, '(None, 1) int64');
      assert.equal(`${shapeOf(a, 'z')} ${dtypeOf(a, 'z')}`, '(None, 5) float32');
    });
  });

  describe('sizes only the data fixes', () => {
    it("a lookup's vocabulary size is a named dimension: a Dense layer after it is built, its parameters unknown", async () => {
      // With lookup.adapt(["a", "b"]) first, Keras gives (None, 3) and 12 + 4 parameters; without, (None, None).
      const a = await analyze(`${header}lookup = L.StringLookup(output_mode="multi_hot")
lookup.adapt(["a", "b"])
x = keras.Input((2,), dtype="string")
y = lookup(x)
z = L.Dense(4)(y)
`);
      assert.deepEqual(messages(a, 'error'), []);
      assert.equal(shapeOf(a, 'y'), '(None, string_lookup.vocabulary_size())');
      assert.equal(shapeOf(a, 'z'), '(None, 4)');
      assert.equal(a.layers.find((l) => l.className === 'Dense')!.params, null);
    });

    it('a vocabulary file fixes the size too, and TextVectorization encodes into it', async () => {
      const a = await analyze(`${header}x = keras.Input((1,), dtype="string")
y = L.TextVectorization(output_mode="count", vocabulary="vocab.txt", name="words")(x)
`);
      assert.equal(shapeOf(a, 'y'), '(None, 1, words.vocabulary_size())');
    });
  });

  describe('what the engine does not evaluate, and why', () => {
    const refused = async (layer: string, shape: string, dtype = 'float32'): Promise<string | undefined> => {
      const a = await layerOn(layer, shape, dtype);
      const evaluation = a.layers.filter((l) => l.className !== 'InputLayer').at(-1)!.evaluation;
      return evaluation && 'refused' in evaluation ? evaluation.refused : undefined;
    };
    it('RandomCrop: Keras returns its input uncropped at inference', async () => {
      // model = keras.Model(i, L.RandomCrop(4, 5)(i)) on Input((8, 8, 3)): model.predict(x).shape == (2, 8, 8, 3)
      assert.match((await refused('L.RandomCrop(4, 5)', '(8, 8, 3)'))!, /returns the input of RandomCrop uncropped/);
    });
    it('state from adapt(): Discretization by num_bins, IntegerLookup without a vocabulary', async () => {
      assert.match((await refused('L.Discretization(num_bins=4)', '(3,)'))!, /adapt\(\)/);
      assert.match((await refused('L.IntegerLookup()', '(3,)', 'int32'))!, /adapt\(\)/);
      assert.equal(await refused('L.IntegerLookup(vocabulary=[3, 5, 7])', '(3,)', 'int32'), undefined);
    });
    it('strings, and a Pipeline of a layer that is not evaluated', async () => {
      assert.match((await refused('L.StringLookup(vocabulary=["a"], invert=True)', '(3,)', 'int32'))!, /strings/);
      assert.match((await refused('L.TextVectorization()', '(1,)', 'string'))!, /strings/);
      // A Pipeline runs when each of its layers does.
      assert.equal(await refused('L.Pipeline([L.RandomFlip(), L.CenterCrop(4, 4)])', '(8, 8, 3)'), undefined);
      assert.match((await refused('L.Pipeline([L.RandomFlip(), L.RandomCrop(4, 4)])', '(8, 8, 3)'))!, /^its RandomCrop: at inference/);
    });
  });

  describe('in models', () => {
    it('an augmentation Sequential before a convolution, as model.summary() gives it', async () => {
      // keras.Sequential([keras.Input((32, 32, 3)), L.RandomFlip(), L.RandomRotation(0.1), L.Rescaling(1 / 255),
      //                   L.Conv2D(8, 3), L.Flatten(), L.Dense(2)])
      const a = await analyze(
        `${header}model = keras.Sequential([keras.Input((32, 32, 3)), L.RandomFlip(), L.RandomRotation(0.1), L.Rescaling(1 / 255), L.Conv2D(8, 3), L.Flatten(), L.Dense(2)])\n`,
      );
      assert.deepEqual(messages(a), []);
      assert.deepEqual(summaryRows(modelNamed(a, 'sequential')), [
        'random_flip (RandomFlip) (None, 32, 32, 3) 0',
        'random_rotation (RandomRotation) (None, 32, 32, 3) 0',
        'rescaling (Rescaling) (None, 32, 32, 3) 0',
        'conv2d (Conv2D) (None, 30, 30, 8) 224',
        'flatten (Flatten) (None, 7200) 0',
        'dense (Dense) (None, 2) 14402',
      ]);
    });

    it('TextVectorization feeding an Embedding', async () => {
      // i = keras.Input((1,), dtype="string"); v = L.TextVectorization(max_tokens=1000, output_sequence_length=20)
      // o = L.Dense(1)(L.GlobalAveragePooling1D()(L.Embedding(1000, 16)(v(i)))): (None, 20) int64 0, (None, 20, 16) 16000, (None, 1) 17
      const a = await analyze(`${header}i = keras.Input((1,), dtype="string")
v = L.TextVectorization(max_tokens=1000, output_sequence_length=20)(i)
e = L.Embedding(1000, 16)(v)
o = L.Dense(1)(L.GlobalAveragePooling1D()(e))
`);
      assert.deepEqual(messages(a), []);
      assert.equal(`${shapeOf(a, 'v')} ${dtypeOf(a, 'v')}`, '(None, 20) int64');
      assert.equal(shapeOf(a, 'e'), '(None, 20, 16)');
      const params = (className: string): number | null => a.layers.find((l) => l.className === className)!.params;
      assert.deepEqual(['TextVectorization', 'Embedding', 'GlobalAveragePooling1D', 'Dense'].map(params), [0, 16000, 0, 17]);
    });

    it('an unadapted Normalization before a Dense layer', async () => {
      // n = L.Normalization(); L.Dense(3)(n(keras.Input((6,)))): Normalization 13 parameters (mean (6,), variance (6,), count ()), Dense 21
      const a = await analyze(`${header}y = L.Dense(3)(L.Normalization()(keras.Input((6,))))\n`);
      const params = (className: string): number | null => a.layers.find((l) => l.className === className)!.params;
      assert.deepEqual([params('Normalization'), params('Dense')], [13, 21]);
    });
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`values at inference on the ${backend} backend`, () => {
      before(async () => {
        await selectBackend(backend);
        registerKerasLayers();
        registerOperationLayer();
      });
      after(async () => {
        await tf.setBackend('cpu');
      });

      /** Evaluates `y = <layer>(x)` on the given input as the engine builds it. */
      async function values(
        layer: string,
        input: number[][] | number[][][][],
        dtype = 'float32',
      ): Promise<{ shape: number[]; dtype: string; data: number[] }> {
        const x = tf.tensor(input as number[][], undefined, dtype === 'int32' ? 'int32' : 'float32');
        const shape = x.shape.slice(1);
        const a = await layerOn(layer, `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`, dtype);
        const y = bindingsOf(a, 'y').at(-1)!.value;
        assert.equal(y.kind, 'tensor');
        const exported = exportSubgraph(a, [y.kind === 'tensor' ? y.tensor : -1]);
        const model = await tf.models.modelFromJSON({
          modelTopology: prepareTopology(exported.topology, [x.shape]).topology,
        } as tf.io.ModelJSON);
        try {
          const result = model.call(x, { training: false });
          const out = (Array.isArray(result) ? result[0] : result)!;
          const data = Array.from(await out.data());
          const run = { shape: out.shape, dtype: out.dtype, data };
          tf.dispose([result as tf.Tensor, x]);
          return run;
        } finally {
          model.dispose();
        }
      }

      const close = (actual: number[], expected: number[]): void => {
        assert.equal(actual.length, expected.length);
        expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= 1e-6 + 1e-5 * Math.abs(e), `element ${i}: ${actual[i]} vs ${e}`));
      };

      it('Normalization with its statistics given, and inverted', async () => {
        // L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25]) on [[0, 2, 4], [1, -1, 3.5]]
        close(
          (
            await values('L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])', [
              [0, 2, 4],
              [1, -1, 3.5],
            ])
          ).data,
          [-0.5, 0, 2, 0, -3, 1],
        );
        // ... invert=True
        close(
          (
            await values('L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=True)', [
              [0, 2, 4],
              [1, -1, 3.5],
            ])
          ).data,
          [1, 4, 5, 3, 1, 4.75],
        );
      });

      it('CategoryEncoding counts, an id out of range counting nothing; one_hot of a last axis of 1', async () => {
        // L.CategoryEncoding(4, output_mode="count") on int32 [[0, 1, 1, 3], [2, 2, 5, 0]]
        const count = await values(
          'L.CategoryEncoding(4, output_mode="count")',
          [
            [0, 1, 1, 3],
            [2, 2, 5, 0],
          ],
          'int32',
        );
        assert.deepEqual([count.shape, count.dtype], [[2, 4], 'float32']);
        close(count.data, [1, 2, 0, 1, 1, 0, 2, 0]);
        // L.CategoryEncoding(4, output_mode="one_hot") on int32 [[1], [3]]
        close((await values('L.CategoryEncoding(4, output_mode="one_hot")', [[1], [3]], 'int32')).data, [0, 1, 0, 0, 0, 0, 0, 1]);
      });

      it('Discretization into bins, and one-hot', async () => {
        // L.Discretization(bin_boundaries=[0.0, 1.0]) on [[-0.5, 0.0, 0.5, 1.5]]: int32 [[0, 1, 1, 2]]
        const bins = await values('L.Discretization(bin_boundaries=[0.0, 1.0])', [[-0.5, 0, 0.5, 1.5]]);
        assert.equal(bins.dtype, 'int32');
        assert.deepEqual(bins.data, [0, 1, 1, 2]);
        // ..., output_mode="one_hot") on [[-0.5], [1.5]]
        close(
          (await values('L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")', [[-0.5], [1.5]])).data,
          [1, 0, 0, 0, 0, 1],
        );
      });

      it('IntegerLookup with two OOV indices (floormod)', async () => {
        // L.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=2) on int32 [[10, 7, 30, 8]]: [[2, 1, 4, 0]]
        assert.deepEqual(
          (await values('L.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=2)', [[10, 7, 30, 8]], 'int32')).data,
          [2, 1, 4, 0],
        );
      });

      it("Hashing of ints: TensorFlow's FarmHash fingerprint, SipHash with a salt, a mask value; IntegerLookup hashing OOV ids", async () => {
        // x = np.array([[0, 1, 42, -5, 2147483647]], dtype="int32"), each layer in a keras.Model on keras.Input((5,), dtype="int32")
        const ids = [[0, 1, 42, -5, 2147483647]];
        // L.Hashing(7): [[2, 5, 6, 0, 5]]
        assert.deepEqual((await values('L.Hashing(7)', ids, 'int32')).data, [2, 5, 6, 0, 5]);
        // L.Hashing(7, salt=[12, 34]): [[5, 3, 4, 5, 5]]
        assert.deepEqual((await values('L.Hashing(7, salt=[12, 34])', ids, 'int32')).data, [5, 3, 4, 5, 5]);
        // L.Hashing(7, mask_value=0): [[0, 4, 1, 1, 6]]
        assert.deepEqual((await values('L.Hashing(7, mask_value=0)', ids, 'int32')).data, [0, 4, 1, 1, 6]);
        // L.IntegerLookup(vocabulary=[3, 5, 7], num_oov_indices=4, oov_method="farmhash"): [[3, 1, 0, 0, 1]]
        assert.deepEqual(
          (await values('L.IntegerLookup(vocabulary=[3, 5, 7], num_oov_indices=4, oov_method="farmhash")', ids, 'int32')).data,
          [3, 1, 0, 0, 1],
        );
      });

      it('HashedCrossing of two int features', async () => {
        const a = await analyze(
          `${header}a = keras.Input((1,), dtype="int32")\nb = keras.Input((1,), dtype="int32")\ny = L.HashedCrossing(4, output_mode="one_hot")([a, b])\n`,
        );
        const y = bindingsOf(a, 'y').at(-1)!.value;
        const exported = exportSubgraph(a, [y.kind === 'tensor' ? y.tensor : -1]);
        const model = await tf.models.modelFromJSON({
          modelTopology: prepareTopology(exported.topology, [
            [3, 1],
            [3, 1],
          ]).topology,
        } as tf.io.ModelJSON);
        const feeds = [tf.tensor2d([[1], [2], [-3]], undefined, 'int32'), tf.tensor2d([[5], [7], [8]], undefined, 'int32')];
        try {
          const out = model.call(feeds, { training: false });
          // L.HashedCrossing(4, output_mode="one_hot") on [[1], [2], [-3]] and [[5], [7], [8]]: buckets 1, 3, 3
          close(Array.from((Array.isArray(out) ? out[0]! : out).dataSync()), [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
          tf.dispose(out);
        } finally {
          tf.dispose(feeds);
          model.dispose();
        }
      });

      it('AutoContrast stretches each image to the value range', async () => {
        // L.AutoContrast() on [[[[10.0], [20.0]], [[30.0], [40.0]]]]
        close(
          (
            await values('L.AutoContrast()', [
              [
                [[10], [20]],
                [[30], [40]],
              ],
            ])
          ).data,
          [0, 85, 170, 255],
        );
      });

      it('CenterCrop crops, or crops to the aspect ratio and resizes', async () => {
        // L.CenterCrop(2, 2) on np.arange(12).reshape(1, 3, 4, 1)
        const grid = (h: number, w: number): number[][][][] => [
          Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => [i * w + j])),
        ];
        close((await values('L.CenterCrop(2, 2)', grid(3, 4))).data, [1, 2, 5, 6]);
        // L.CenterCrop(4, 4) on np.arange(6).reshape(1, 2, 3, 1)
        close(
          (await values('L.CenterCrop(4, 4)', grid(2, 3))).data,
          [0, 0.25, 0.75, 1, 0.75, 1, 1.5, 1.75, 2.25, 2.5, 3, 3.25, 3, 3.25, 3.75, 4],
        );
      });

      it('ContrastLimitedAdaptiveHistogramEqualization is applied at inference too', async () => {
        // L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)) on (np.arange(16) * 10.0).reshape(1, 4, 4, 1)
        const image = [Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => [(i * 4 + j) * 10]))];
        close(
          (await values('L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))', image)).data,
          [
            0, 13.58477, 22.92561, 36.11615, 46.21359, 59.79836, 68.77683, 81.605, 83.67255, 95.11942, 104.14568, 115.09679, 124.4695,
            137.84122, 145.21442, 156.58662,
          ],
        );
      });

      it('Pipeline runs its layers in turn', async () => {
        // L.Pipeline([L.CenterCrop(2, 2), L.Rescaling(0.5)]) on np.arange(12).reshape(1, 3, 4, 1): [0.5, 1.0, 2.5, 3.0]
        const grid = [Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => [i * 4 + j]))];
        close((await values('L.Pipeline([L.CenterCrop(2, 2), L.Rescaling(0.5)])', grid)).data, [0.5, 1, 2.5, 3]);
      });

      it('RandomFlip at inference: the input, cast to float32', async () => {
        // L.RandomFlip() in a model on int32 [[[[1], [2]], [[3], [4]]]]: float32, unchanged
        const flipped = await values(
          'L.RandomFlip()',
          [
            [
              [[1], [2]],
              [[3], [4]],
            ],
          ],
          'int32',
        );
        assert.deepEqual([flipped.dtype, flipped.data], ['float32', [1, 2, 3, 4]]);
      });
    });
  }
});
