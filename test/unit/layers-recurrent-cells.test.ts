// Recurrent cells (RNN over cells, LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells), ConvLSTM1D-3D, adaptive pooling
// and the audio front ends (STFTSpectrogram, MelSpectrogram): what the mechanical references
// (test/conformance/reference-layers/) do not cover. Errors in Keras's own words, unknowns with their reason, the
// flattened outputs of nested states, the cells in a model, and values with deterministic weights.
//
// Every expected value is what Keras 3.15.1 (JAX backend) gives for the same source: each case's source runs as is
// under `import keras` (`layer.count_params()` for the parameters, `str(error)` for a message; Keras wraps call errors
// in "Exception encountered when calling …", the message is the part it prints in bold).

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Evaluator } from '../../src/engine/evaluator.js';
import { writeNpy } from '../../src/engine/inputs/npy.js';
import { buildRequest } from '../../src/engine/plan.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { formatShape } from '../../src/graph/shape.js';
import { analyze, bindingsOf, describe as describeBinding, messages, modelNamed, summaryRows } from './helpers/analysis.js';
import { testBackends } from './helpers/test-backends.js';

interface Case {
  /** The lines after `import keras`; the layer is bound to `layer`, its call's result to `y`. */
  readonly source: string;
  /** Keras's output shapes (flattened, in order) and `layer.count_params()`. */
  readonly outputs?: readonly string[];
  readonly params?: number;
  /** Keras's error message. */
  readonly error?: string;
}

async function check(c: Case): Promise<void> {
  const a = await analyze(`import keras\n${c.source}`);
  if (c.error !== undefined) {
    assert.ok(messages(a, 'error').includes(c.error), `expected the error ${JSON.stringify(c.error)}; got ${JSON.stringify(messages(a))}`);
    return;
  }
  assert.deepEqual(messages(a, 'error').concat(messages(a, 'warning')), []);
  const bound = bindingsOf(a, 'layer').at(-1)!.value;
  assert.equal(bound.kind, 'layer');
  const layer = a.layers[bound.kind === 'layer' ? bound.layer : -1]!;
  const call = a.calls.find((k) => k.layer === layer.id)!;
  assert.deepEqual(
    call.outputs.map((t) => formatShape(a.tensors[t]!.shape)),
    c.outputs,
  );
  assert.equal(layer.params, c.params);
}

function cases(title: string, list: readonly Case[]): void {
  describe(title, () => {
    for (const c of list) it(c.source.split('\n').slice(0, -1).join(' | '), () => check(c));
  });
}

cases('RNN over cells', [
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4))\ny = layer(x0)',
    outputs: ['(None, 4)'],
    params: 128,
  },
  // Keras returns (output, [h1, c1], h2); Tensor Lens flattens the nested states.
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(3)], return_sequences=True, return_state=True)\ny = layer(x0)',
    outputs: ['(None, 5, 3)', '(None, 4)', '(None, 4)', '(None, 3)'],
    params: 209,
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN(keras.layers.StackedRNNCells([keras.layers.GRUCell(5), keras.layers.LSTMCell(2)]), return_state=True)\ny = layer(x0)',
    outputs: ['(None, 2)', '(None, 5)', '(None, 2)', '(None, 2)'],
    params: 214,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(2, 5, 3))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4), stateful=True)\ny = layer(x0)',
    outputs: ['(2, 4)'],
    params: 128,
  },
  // Keras has no input spec on RNN: a rank-2 input steps over its batch, a rank-4 one builds the cell on its last axis.
  {
    source: 'x0 = keras.Input(batch_shape=(2, 3))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4))\ny = layer(x0)',
    outputs: ['(2, 4)'],
    params: 112,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 3, 2))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4))\ny = layer(x0)',
    outputs: ['(None, 4)'],
    params: 112,
  },
  // unroll with an unknown number of steps raises only when called on data.
  {
    source: 'x0 = keras.Input(batch_shape=(None, None, 3))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4), unroll=True)\ny = layer(x0)',
    outputs: ['(None, 4)'],
    params: 128,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, None))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4))\ny = layer(x0)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 16) for variable path='rnn/lstm_cell/kernel'",
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 5, None))\nlayer = keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(3)])\ny = layer(x0)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 16) for variable path='rnn/stacked_rnn_cells/lstm_cell/kernel'",
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN(keras.layers.LSTMCell(4), stateful=True)\ny = layer(x0)',
    error: 'When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=(None, 5, 3)',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN(keras.layers.Dense(4))\ny = layer(x0)',
    error:
      'The RNN cell should have a `state_size` attribute (single integer or list of integers, one integer per RNN state). Received: cell=<Dense name=dense, built=False>',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN(None)\ny = layer(x0)',
    error: 'Argument `cell` should have a `call` method. Received: cell=None',
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 5, 3))\nlayer = keras.layers.RNN([keras.layers.LSTMCell(3), keras.layers.Dense(3)])\ny = layer(x0)',
    error: 'All cells must have a `state_size` attribute. Received cell without a `state_size`: <Dense name=dense, built=False>',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3))\nlayer = keras.layers.LSTMCell(0)\ny = layer(x0)',
    error: 'Received an invalid value for argument `units`, expected a positive integer, got 0.',
  },
]);

cases('a cell called on its own: cell(inputs, states)', [
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 3))\nx1 = keras.Input(batch_shape=(None, 4))\nlayer = keras.layers.SimpleRNNCell(4)\ny = layer(x0, x1)',
    outputs: ['(None, 4)', '(None, 4)'],
    params: 32,
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 3))\nx1 = keras.Input(batch_shape=(None, 4))\nlayer = keras.layers.GRUCell(4)\ny = layer(x0, x1)',
    outputs: ['(None, 4)', '(None, 4)'],
    params: 108,
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(2, 3))\nx1 = keras.Input(batch_shape=(2, 4))\nlayer = keras.layers.GRUCell(4, reset_after=False)\ny = layer(x0, x1)',
    outputs: ['(2, 4)', '(2, 4)'],
    params: 96,
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 3))\nx1 = keras.Input(batch_shape=(None, 5))\nlayer = keras.layers.SimpleRNNCell(4)\ny = layer(x0, x1)',
    error:
      "Could not automatically infer the output shape / dtype of 'simple_rnn_cell' (of type SimpleRNNCell). Either the `SimpleRNNCell.call()` method is incorrect, or you need to implement the `SimpleRNNCell.compute_output_spec() / compute_output_shape()` method. Error encountered:\n\ndot_general requires contracting dimensions to have the same shape, got (5,) and (4,).",
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, None))\nx1 = keras.Input(batch_shape=(None, 4))\nlayer = keras.layers.SimpleRNNCell(4)\ny = layer(x0, x1)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 4) for variable path='simple_rnn_cell/kernel'",
  },
  // TypeError: SimpleRNNCell.call() missing a required argument.
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3))\nlayer = keras.layers.SimpleRNNCell(4)\ny = layer(x0)',
    error: "missing a required argument: 'states'",
  },
]);

describe('cells: what is not modelled is unknown with its reason', () => {
  it('a list of states (Keras: (h, [h, c]))', async () => {
    const a = await analyze(`import keras
x = keras.Input((3,))
h = keras.Input((4,))
y = keras.layers.LSTMCell(4)(x, [h, h])`);
    assert.deepEqual(messages(a), []);
    assert.equal(describeBinding(a, bindingsOf(a, 'y').at(-1)!), 'unknown: a list given for `states` of LSTMCell is not analysed');
  });

  it('an RNN called with a list of initial states', async () => {
    const a = await analyze(`import keras
x = keras.Input((5, 3))
h = keras.Input((4,))
y = keras.layers.RNN(keras.layers.LSTMCell(4))(x, initial_state=[h, h])`);
    assert.equal(describeBinding(a, bindingsOf(a, 'y').at(-1)!), 'unknown: a list given for `initial_state` of RNN is not analysed');
  });
});

cases('ConvLSTM1D/2D/3D', [
  {
    source: 'x0 = keras.Input(batch_shape=(2, 3, 8, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, 3, stateful=True)\ny = layer(x0)',
    outputs: ['(2, 6, 5, 4)'],
    params: 880,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3, None, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, 3)\ny = layer(x0)',
    error:
      'ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input shape: input_shape=(None, None, 7, 2)',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3, 8, 7, None))\nlayer = keras.layers.ConvLSTM2D(4, 3)\ny = layer(x0)',
    error:
      'The channel dimension of the inputs (last axis) should be defined. Found None. Full input shape received: input_shape=(None, 8, 7, None)',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3, 8, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, 9)\ny = layer(x0)',
    error:
      'Computed output size would be zero or negative. Received `inputs shape=(None, 8, 7, 2)`, `kernel shape=(9, 9, 2, 4)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.',
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 3, 8, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, 3, strides=2, dilation_rate=2)\ny = layer(x0)',
    error:
      'Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide `strides=1` or `dilation_rate=1`. Received: strides=(2, 2) and dilation_rate=(2, 2)',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3, 8, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, (3, 2, 1))\ny = layer(x0)',
    error: 'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 2, 1)',
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 3, 8, 7, 2))\nlayer = keras.layers.ConvLSTM2D(4, 3, stateful=True)\ny = layer(x0)',
    error:
      'When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=(None, 3, 8, 7, 2)',
  },
]);

cases('adaptive pooling', [
  // No input spec: the output size goes between the batch and the channels, whatever the rank.
  {
    source: 'x0 = keras.Input(batch_shape=(None, 10, 3))\nlayer = keras.layers.AdaptiveAveragePooling2D(2)\ny = layer(x0)',
    outputs: ['(None, 2, 2, 3)'],
    params: 0,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, None, None, 3))\nlayer = keras.layers.AdaptiveAveragePooling2D((2, 3))\ny = layer(x0)',
    outputs: ['(None, 2, 3, 3)'],
    params: 0,
  },
  {
    source:
      "x0 = keras.Input(batch_shape=(None, 3, 6, 7, 8))\nlayer = keras.layers.AdaptiveMaxPooling3D((2, 3, 4), data_format='channels_first')\ny = layer(x0)",
    outputs: ['(None, 3, 2, 3, 4)'],
    params: 0,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 10, 9, 3))\nlayer = keras.layers.AdaptiveAveragePooling2D((2, 3, 4))\ny = layer(x0)',
    error: "`output_size` must be an integer or (height, width) tuple. Received: (2, 3, 4) of type <class 'tuple'>",
  },
  {
    source:
      "x0 = keras.Input(batch_shape=(None, 6, 7, 8, 3))\nlayer = keras.layers.AdaptiveMaxPooling3D(2, data_format='CHANNELS_LAST')\ny = layer(x0)",
    error: "Invalid data_format: CHANNELS_LAST. Expected 'channels_first' or 'channels_last'.",
  },
]);

cases('STFTSpectrogram and MelSpectrogram', [
  // The weights are the DFT kernels, (frame_length, 1, fft_length // 2 + 1): real and imaginary.
  {
    source: 'x0 = keras.Input(batch_shape=(None, 40, 2))\nlayer = keras.layers.STFTSpectrogram(frame_length=8)\ny = layer(x0)',
    outputs: ['(None, 9, 10)'],
    params: 80,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, None, 1))\nlayer = keras.layers.STFTSpectrogram(frame_length=8)\ny = layer(x0)',
    outputs: ['(None, None, 5)'],
    params: 80,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, 5, 1))\nlayer = keras.layers.STFTSpectrogram(frame_length=8)\ny = layer(x0)',
    error:
      'Computed output size would be zero or negative. Received `inputs shape=(None, 5, 1)`, `kernel shape=(8, 1, 5)`, `dilation_rate=[1]`, `strides=(4,)`, `padding=valid`.',
  },
  {
    source:
      "x0 = keras.Input(batch_shape=(None, 10, None))\nlayer = keras.layers.STFTSpectrogram(frame_length=8, padding='same')\ny = layer(x0)",
    error: "unsupported operand type(s) for *: 'int' and 'NoneType'",
  },
  {
    source: "x0 = keras.Input(batch_shape=(None, 40, 1))\nlayer = keras.layers.STFTSpectrogram(window='foo')\ny = layer(x0)",
    error: "Invalid window name 'foo' in parameter window='foo'!",
  },
  {
    source: "x0 = keras.Input(batch_shape=(None, 40, 1))\nlayer = keras.layers.STFTSpectrogram(window='kaiser')\ny = layer(x0)",
    error: "'kaiser' must have parameters, but window='kaiser'!",
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 40, 1))\nlayer = keras.layers.STFTSpectrogram(frame_length=8, frame_step=9)\ny = layer(x0)',
    error: '`frame_step` should be a positive integer not greater than `frame_length`. Received frame_step=9, frame_length=8',
  },
  // compute_output_shape's frame count, (length + stride + 1) // stride.
  {
    source: 'x0 = keras.Input(batch_shape=(None, 1023))\nlayer = keras.layers.MelSpectrogram()\ny = layer(x0)',
    outputs: ['(None, 128, 3)'],
    params: 0,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(1000,))\nlayer = keras.layers.MelSpectrogram()\ny = layer(x0)',
    outputs: ['(128, 2)'],
    params: 0,
  },
  {
    source: 'x0 = keras.Input(batch_shape=(None, None))\nlayer = keras.layers.MelSpectrogram()\ny = layer(x0)',
    outputs: ['(None, 128, None)'],
    params: 0,
  },
  {
    source:
      'x0 = keras.Input(batch_shape=(None, 100))\nlayer = keras.layers.MelSpectrogram(fft_length=8, sequence_length=16)\ny = layer(x0)',
    error: '`fft_length` must be greater than or equal to   `sequence_length`. Received: `sequence_length`=16, `fft_length`=8.',
  },
]);

describe('the family in models', () => {
  it('a model of every kind, row by row as Keras summarizes it', async () => {
    // Keras's model.summary() of this file.
    const a = await analyze(`import keras
from keras import layers

x = keras.Input((20, 8))
seq = layers.RNN([layers.LSTMCell(16), layers.GRUCell(8)], return_sequences=True)(x)
out, h = layers.RNN(layers.GRUCell(4), return_state=True, go_backwards=True)(seq)
video = keras.Input((5, 16, 16, 3))
v = layers.ConvLSTM2D(6, 3, padding="same", return_sequences=True)(video)
v = layers.ConvLSTM2D(4, 3, strides=2)(v)
p = layers.AdaptiveAveragePooling2D((3, 3))(v)
audio = keras.Input((4000,))
mel = layers.MelSpectrogram(fft_length=256, sequence_stride=64, num_mel_bins=32)(audio)
wave = keras.Input((4000, 1))
spec = layers.STFTSpectrogram(frame_length=64, frame_step=32)(wave)
pooled = layers.AdaptiveMaxPooling1D(10)(spec)
model = keras.Model([x, video, audio, wave], [out, h, p, mel, pooled])`);
    assert.deepEqual(messages(a), []);
    const summary = modelNamed(a, 'functional');
    assert.deepEqual(summaryRows(summary), [
      'input_layer_1 (InputLayer) (None, 5, 16, 16, 3) 0',
      'input_layer (InputLayer) (None, 20, 8) 0',
      'conv_lstm2d (ConvLSTM2D) (None, 5, 16, 16, 6) 1968',
      'input_layer_3 (InputLayer) (None, 4000, 1) 0',
      'rnn (RNN) (None, 20, 8) 2224',
      'conv_lstm2d_1 (ConvLSTM2D) (None, 7, 7, 4) 1456',
      'input_layer_2 (InputLayer) (None, 4000) 0',
      'stft_spectrogram (STFTSpectrogram) (None, 124, 33) 4224',
      'rnn_1 (RNN) (None, 4) (None, 4) 168',
      'adaptive_average_pooling2d (AdaptiveAveragePooling2D) (None, 3, 3, 4) 0',
      'mel_spectrogram (MelSpectrogram) (None, 32, 63) 0',
      'adaptive_max_pooling1d (AdaptiveMaxPooling1D) (None, 10, 33) 0',
    ]);
    assert.equal(summary.totalParams, 10040);
  });

  it('RNN over a cell inside Bidirectional and in a Sequential', async () => {
    // b.count_params() == 216; the Sequential's rows: rnn_1 (None, 6, 3) 148, dense (None, 6, 2) 8.
    const a = await analyze(`import keras
from keras import layers
x = keras.Input((5, 3))
b = layers.Bidirectional(layers.RNN(layers.GRUCell(4), return_sequences=True))
y = b(x)
m = keras.Sequential([keras.Input((6, 2)), layers.RNN([layers.SimpleRNNCell(5), layers.LSTMCell(3)], return_sequences=True), layers.Dense(2)])`);
    assert.deepEqual(messages(a), []);
    assert.equal(describeBinding(a, bindingsOf(a, 'y').at(-1)!), '(None, 5, 8)');
    const bound = bindingsOf(a, 'b').at(-1)!.value;
    assert.equal(a.layers[bound.kind === 'layer' ? bound.layer : -1]!.params, 216);
    assert.deepEqual(summaryRows(modelNamed(a, 'sequential')), ['rnn_1 (RNN) (None, 6, 3) 148', 'dense (Dense) (None, 6, 2) 8']);
  });
});

// ---- values ---------------------------------------------------------------------------------------------------------

/** The input of every value case: np.round(np.sin(np.arange(n) * 0.7) * 100) / 100 as float32, reshaped. */
function sample(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.7) * 100) / 100);
}

interface ValueCase {
  readonly name: string;
  /** The model file: `x` the input, `y` the output (or a list of them, flattened as Tensor Lens returns them). */
  readonly source: string;
  readonly shape: readonly number[];
  /** Applied to the sample before it is fed (Keras's script does the same). */
  readonly edit?: (x: Float32Array) => void;
  /** Keras's outputs, flattened: `[np.asarray(t).ravel() for t in keras.tree.flatten(model(x))]` (7 digits). */
  readonly keras: readonly (readonly number[])[];
}

// The models' weights are deterministic: initializers 'ones'/'identity'/'zeros' (LSTM's unit forget bias), or none.
const valueCases: readonly ValueCase[] = [
  {
    name: 'RNN(SimpleRNNCell) after Masking, go_backwards, zero_output_for_mask',
    source:
      "x = keras.Input((4, 3))\ny = layers.RNN(layers.SimpleRNNCell(2, kernel_initializer='ones', recurrent_initializer='identity'), return_sequences=True, go_backwards=True, zero_output_for_mask=True)(layers.Masking()(x))",
    shape: [2, 4, 3],
    edit: (x) => x.fill(0, 3, 6),
    keras: [
      [
        0.9315517, 0.9315517, -0.913529, -0.913529, 0.0, 0.0, 0.6147186, 0.6147186, 0.6469296, 0.6469296, 0.9815004, 0.9815004, -0.9048768,
        -0.9048768, -0.1044939, -0.1044939,
      ],
    ],
  },
  {
    name: 'RNN over [LSTMCell, GRUCell] with return_state: output, h1, c1, h2',
    source:
      "x = keras.Input((4, 3))\ny = layers.RNN([layers.LSTMCell(2, kernel_initializer='ones', recurrent_initializer='ones'), layers.GRUCell(2, kernel_initializer='ones', recurrent_initializer='ones')], return_state=True)(x)",
    shape: [2, 4, 3],
    keras: [
      [0.4397678, 0.4397678, 0.3886529, 0.3886529],
      [0.7876368, 0.7876368, 0.7984416, 0.7984416],
      [1.444823, 1.444823, 1.584262, 1.584262],
      [0.4397678, 0.4397678, 0.3886529, 0.3886529],
    ],
  },
  {
    name: 'ConvLSTM1D channels_first, padding same, return_sequences',
    source:
      "x = keras.Input((3, 2, 4))\ny = layers.ConvLSTM1D(2, 2, padding='same', data_format='channels_first', kernel_initializer='ones', recurrent_initializer='ones', return_sequences=True)(x)",
    shape: [1, 3, 2, 4],
    keras: [
      [
        0.2235211, 0.1378611, 0.0, -0.02635785, 0.2235211, 0.1378611, 0.0, -0.02635785, 0.5950536, 0.4372567, 0.1132245, -0.006290686,
        0.5950536, 0.4372567, 0.1132245, -0.006290686, 0.8655854, 0.7527863, 0.3960011, 0.08154792, 0.8655854, 0.7527863, 0.3960011,
        0.08154792,
      ],
    ],
  },
  {
    name: 'STFTSpectrogram with its own DFT kernels (hann window, density scaling, log)',
    source: 'x = keras.Input((32, 1))\ny = layers.STFTSpectrogram(frame_length=8, frame_step=4)(x)',
    shape: [1, 32, 1],
    keras: [
      [
        -0.0911846, 0.05605857, -0.5661576, -3.412599, -3.954145, 0.2063439, 0.117751, -0.5896752, -3.329405, -4.3356, 0.3425281, 0.1571339,
        -0.610122, -3.346298, -7.09668, 0.3534768, 0.1613239, -0.6109828, -3.34348, -6.235703, 0.237965, 0.1280914, -0.5910066, -3.363626,
        -4.21709, -0.02783535, 0.06957968, -0.5662963, -3.367532, -4.183635, -0.5813783, 0.001924212, -0.5520735, -3.394547, -3.973398,
      ],
    ],
  },
  {
    name: 'MelSpectrogram',
    source: 'x = keras.Input((40,))\ny = layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=4, sampling_rate=100)(x)',
    shape: [1, 40],
    keras: [
      [
        0.2897204, -21.79209, -21.43248, -22.17629, -22.41132, -4.603442, -5.066395, -31.54265, -33.50037, -30.43438, -30.31654, -10.80234,
        -6.936296, -36.80598, -35.9966, -37.79984, -42.54359, -12.76478, -8.769452, -41.93262, -41.21273, -36.94682, -45.14597, -13.62118,
      ],
    ],
  },
  {
    name: 'AdaptiveMaxPooling2D',
    source: 'x = keras.Input((5, 7, 2))\ny = layers.AdaptiveMaxPooling2D((2, 3))(x)',
    shape: [1, 5, 7, 2],
    keras: [[0.99, 0.99, 0.99, 0.85, 0.99, 0.99, 1.0, 1.0, 0.82, 1.0, 0.99, 1.0]],
  },
];

const backends = testBackends;

for (const backend of backends) {
  describe(`values with deterministic weights, ${backend} backend`, function () {
    this.timeout(120_000);
    let evaluator: Evaluator;
    const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-recurrent-'));
    before(async () => (evaluator = await Evaluator.create(backend)));

    for (const c of valueCases) {
      it(c.name, async () => {
        const a = await analyze(`import keras\nfrom keras import layers\n${c.source}`);
        assert.deepEqual(messages(a), []);
        const y = bindingsOf(a, 'y').at(-1)?.value;
        const tensors = y?.kind === 'tensor' ? [y.tensor] : findOutputs(a, c);
        assert.equal(tensors.length, c.keras.length);
        const input = sample(c.shape);
        c.edit?.(input);
        const path = join(dir, `${c.keras.length}-${c.shape.join('x')}.npy`);
        writeFileSync(path, writeNpy([...c.shape], input));
        for (const [i, tensor] of tensors.entries()) {
          const request = buildRequest(a, [tensor], [], {
            input: { source: { kind: 'zeros' }, batchSize: c.shape[0]! },
            weights: { kind: 'initializers' },
            seed: 0,
            memoryBudgetBytes: 2 ** 30,
          });
          assert.equal(exportSubgraph(a, [tensor]).inputs.length, 1);
          const result = await evaluator.evaluate({ ...request, inputSources: [{ kind: 'npy', path }], withValues: true });
          const ours = result.outputs[0]!.values!;
          const keras = c.keras[i]!;
          assert.equal(ours.length, keras.length, `output ${i}: ${ours.length} values, Keras ${keras.length}`);
          const bad = ours.findIndex((v, j) => !(Math.abs(v - keras[j]!) <= 1e-5 + 1e-5 * Math.abs(keras[j]!)));
          assert.equal(bad, -1, `output ${i}, element ${bad}: ${ours[bad]} where Keras has ${keras[bad]}`);
        }
      });
    }
  });
}

/** The tensors of a call that returned several: the call's outputs, in order. */
function findOutputs(a: Awaited<ReturnType<typeof analyze>>, c: ValueCase): number[] {
  const layer = a.layers.filter((l) => !l.operation && l.className !== 'InputLayer' && l.className !== 'Masking').at(-1)!;
  const call = a.calls.find((k) => k.layer === layer.id);
  assert.ok(call, `${c.name}: no call of ${layer.name}`);
  return call.outputs;
}
