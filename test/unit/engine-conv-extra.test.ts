// Keras's convolutions and 1-D poolings that TensorFlow.js 4.22's own layers compute otherwise
// (src/engine/layers/conv-extra.ts, keras-fixes.ts), in the combinations test/conformance/reference-layers/ has no case
// of: grouped Conv2D/Conv3D, grouped causal channels_first Conv1D with softmax, transposed convolutions with dilation or
// output_padding, DepthwiseConv2D with strides and dilation together, channels_first Resizing of a batch and 1-D pooling.
// Each file is analysed, exported and built by TensorFlow.js as the evaluator does, on the wasm and cpu backends.
// Every expected value was printed by the pinned Keras, with this Python (one output line per case, pasted below):
// KERAS_BACKEND=jax .venv-conformance/bin/python ref.py
/*
import json, numpy as np, keras

def sample(shape, seed):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (np.floor(np.sin(i * 1.37 + seed * 2.11) * 1000 + 0.5) / 1000).reshape(shape).astype("float32")

cases = [
    ('Conv2D(4, 3, groups=2, padding="same", activation="relu")', (4, 4, 4)),
    ('Conv3D(4, 2, groups=2, data_format="channels_first")', (4, 3, 3, 2)),
    ('Conv1D(4, 3, groups=2, padding="causal", dilation_rate=2, data_format="channels_first", activation="softmax")', (4, 6)),
    ('Conv2DTranspose(3, 3, dilation_rate=(2, 1), padding="same", data_format="channels_first")', (2, 3, 4)),
    ('Conv2DTranspose(2, 2, strides=(3, 2), output_padding=(2, 1))', (2, 2, 1)),
    ('Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)', (3, 2, 2)),
    ('Conv3DTranspose(2, 2, strides=(2, 3, 1), padding="same", output_padding=(1, 2, 0))', (2, 2, 2, 1)),
    ('Conv3DTranspose(2, 2, dilation_rate=(1, 2, 1), data_format="channels_first", activation="tanh")', (2, 1, 2, 1)),
    ('DepthwiseConv2D(3, strides=2, dilation_rate=2, depth_multiplier=2, padding="same")', (6, 5, 2)),
    ('Resizing(3, 2, data_format="channels_first")', (2, 4, 5)),
    ('Resizing(3, 7, interpolation="nearest", data_format="channels_first")', (2, 4, 5)),
    ('MaxPooling1D(3, strides=2, padding="same", data_format="channels_first")', (3, 7)),
    ('AveragePooling1D(2, padding="same", data_format="channels_first")', (3, 5)),
]
for layer, shape in cases:
    inputs = keras.Input(shape)
    model = keras.Model(inputs, eval("keras.layers." + layer)(inputs))
    weights = [sample(w.shape, 10 + j) for j, w in enumerate(model.layers[1].weights)]
    model.layers[1].set_weights(weights)
    out = np.asarray(model(sample((1,) + shape, 1)))
    print(json.dumps({"layer": layer, "input": list(shape), "weights": [list(w.shape) for w in weights],
                      "shape": list(out.shape), "expected": [float("%.7g" % v) for v in out.ravel()]}))
*/

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyze, messages } from './helpers/analysis.js';
import { assertKerasValues, modelOfBinding, onEachBackend, sample } from './helpers/backends.js';

interface Case {
  readonly layer: string;
  readonly input: readonly number[];
  readonly weights: readonly (readonly number[])[];
  readonly shape: readonly number[];
  readonly expected: readonly number[];
}

const cases: readonly Case[] = [
  {
    layer: 'Conv2D(4, 3, groups=2, padding="same", activation="relu")',
    input: [4, 4, 4],
    weights: [[3, 3, 2, 4], [4]],
    shape: [1, 4, 4, 4],
    expected: [
      0.0, 0.8938789, 0.0, 2.406103, 0.0, 0.66234, 1.18407, 1.716946, 0.2812719, 0.0, 2.418436, 1.02582, 0.4452269, 0.0, 1.493023,
      0.9037309, 0.0, 0.0, 0.2741869, 0.0, 0.0, 0.0, 0.008425832, 0.550801, 0.0, 0.01609808, 0.003180087, 1.501725, 0.0, 0.219641,
      0.5710769, 1.259185, 0.0, 0.354238, 1.217153, 1.982413, 0.0, 0.0, 1.469812, 0.994898, 0.0, 0.0, 1.431564, 0.05953109, 0.0, 0.0,
      0.8107851, 0.3950121, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.129934, 1.470214, 0.0, 0.8479961, 1.228451, 2.651559, 0.0, 0.659597, 0.9415289,
      1.327199,
    ],
  },
  {
    layer: 'Conv3D(4, 2, groups=2, data_format="channels_first")',
    input: [4, 3, 3, 2],
    weights: [[2, 2, 2, 2, 4], [4]],
    shape: [1, 4, 2, 2, 1],
    expected: [
      0.4980748, -3.712749, -4.920756, 2.719992, -3.439953, 1.137014, -1.921112, 2.189984, -2.956589, 3.908692, 1.537773, 1.405266,
      -1.06617, 3.984942, 4.921612, -2.790579,
    ],
  },
  {
    layer: 'Conv1D(4, 3, groups=2, padding="causal", dilation_rate=2, data_format="channels_first", activation="softmax")',
    input: [4, 6],
    weights: [[3, 2, 4], [4]],
    shape: [1, 4, 6],
    expected: [
      0.1395522, 0.361732, 0.3471453, 0.04979201, 0.02980012, 0.07197829, 0.2345718, 0.1448511, 0.07172938, 0.0302293, 0.06325281,
      0.4553656, 0.2340197, 0.3607788, 0.2151568, 0.04252513, 0.03062801, 0.1168915, 0.2197591, 0.117653, 0.03553488, 0.02828716,
      0.09616571, 0.5026001,
    ],
  },
  {
    layer: 'Conv2DTranspose(3, 3, dilation_rate=(2, 1), padding="same", data_format="channels_first")',
    input: [2, 3, 4],
    weights: [[3, 3, 3, 2], [3]],
    shape: [1, 3, 3, 4],
    expected: [
      -0.2725821, -5.122853, -2.45304, 1.727935, -0.193678, -3.374956, -2.27648, 0.4858869, 0.8980489, -4.353849, -3.817206, 1.085226,
      -2.20582, 3.060338, 2.182102, -2.679759, -1.794078, 1.326272, 1.332854, -1.525913, -3.048101, 1.637071, 3.023004, -1.646625, 3.155765,
      -1.687961, -2.738453, 2.029897, 2.319104, -0.244446, -1.35311, 1.148505, 3.536387, 0.161904, -2.92505, 0.7706861,
    ],
  },
  {
    layer: 'Conv2DTranspose(2, 2, strides=(3, 2), output_padding=(2, 1))',
    input: [2, 2, 1],
    weights: [[2, 2, 2, 1], [2]],
    shape: [1, 7, 5, 2],
    expected: [
      -0.271476, -0.9205379, -1.764396, -0.458934, -1.197296, -0.371948, -0.619616, -0.550564, -0.939, -0.525, -0.08786404, -0.251298,
      -1.68117, -1.094712, -1.268344, -0.630908, -0.65182, -0.304552, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525,
      -0.939, -0.525, -0.939, -0.525, -1.709998, -0.06814897, 0.01434201, -0.601307, -0.988014, -0.495957, -0.878394, -0.529851, -0.939,
      -0.525, -1.922072, -0.8411289, -0.08178502, 0.133024, -1.001496, -0.545097, -0.884505, -0.483168, -0.939, -0.525, -0.939, -0.525,
      -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525, -0.939, -0.525,
      -0.939, -0.525,
    ],
  },
  {
    layer: 'Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)',
    input: [3, 2, 2],
    weights: [[3, 3, 2, 2], [2]],
    shape: [1, 6, 4, 2],
    expected: [
      -0.1184241, -1.37596, -0.193772, -1.046722, -1.465951, 0.549239, -1.942169, 0.374047, -1.385316, 0.171824, -1.775222, 0.316974,
      -1.555268, -0.534414, -0.1504, -1.494811, -0.55037, -1.604974, 0.6586039, -2.387711, 1.22596, -1.5659, -2.131463, 1.205005, -0.672142,
      -0.335972, -1.553409, 0.417047, -2.647031, 0.726379, -0.595387, -1.290901, -1.943586, -0.304138, -0.34275, -1.845062, 2.409434,
      -3.453682, -0.844367, 0.1762009, -0.12237, -0.9587399, -0.956805, -0.05786699, -2.695317, 1.222667, -1.250273, -0.618888,
    ],
  },
  {
    layer: 'Conv3DTranspose(2, 2, strides=(2, 3, 1), padding="same", output_padding=(1, 2, 0))',
    input: [2, 2, 2, 1],
    weights: [[2, 2, 2, 2, 1], [2]],
    shape: [1, 3, 5, 1, 2],
    expected: [
      -2.022692, -0.305882, -2.010514, -1.20062, -0.939, -0.525, -0.03467202, -0.572264, -0.144281, 0.112927, -1.34412, -1.681938,
      -0.430088, -1.456944, -0.939, -0.525, -0.73896, 0.40812, -1.456258, 0.133516, -1.518786, -0.657223, -1.329309, -1.022848, -0.939,
      -0.525, -0.774742, -0.234317, -1.014149, -0.24551,
    ],
  },
  {
    layer: 'Conv3DTranspose(2, 2, dilation_rate=(1, 2, 1), data_format="channels_first", activation="tanh")',
    input: [2, 1, 2, 1],
    weights: [[2, 2, 2, 2, 2], [2]],
    shape: [1, 2, 2, 4, 2],
    expected: [
      0.1832803, -0.3833603, -0.8237113, -0.8587177, -0.8665532, -0.9641784, -0.8321506, -0.7377445, -0.9665403, -0.8851706, -0.5989057,
      -0.5292142, -0.4465831, 0.1561548, -0.6045836, -0.7431279, -0.8909889, -0.5435256, -0.2074135, -0.1935165, 0.2534433, 0.5709559,
      -0.3647752, -0.5757033, 0.3103457, -0.4807805, -0.6908866, -0.6882426, -0.8787241, -0.9352865, -0.5679151, -0.3550295,
    ],
  },
  {
    layer: 'DepthwiseConv2D(3, strides=2, dilation_rate=2, depth_multiplier=2, padding="same")',
    input: [6, 5, 2],
    weights: [[3, 3, 2, 2], [4]],
    shape: [1, 3, 3, 4],
    expected: [
      -2.506147, 0.150663, -0.888414, 0.770829, -2.87472, 1.038929, 0.758158, 2.116608, -1.475816, 2.035045, 0.995652, 0.490718, 1.676232,
      -0.984022, 1.085539, 2.073221, 1.33918, -1.627838, 0.172204, 0.8106269, 0.9070328, -2.208027, -0.139924, 2.354752, -3.675831,
      -1.500483, 1.287646, 1.274956, -3.461077, 0.083018, 2.362912, 2.317697, -2.412145, 0.268672, 3.05827, 0.717756,
    ],
  },
  {
    layer: 'Resizing(3, 2, data_format="channels_first")',
    input: [2, 4, 5],
    weights: [],
    shape: [1, 2, 3, 2],
    expected: [
      -0.1084583, 0.2617917, -0.625, 0.709875, -0.8152916, 0.7881667, -0.5527083, 0.4266666, 0.01387502, -0.1675, 0.5731667, -0.6741667,
    ],
  },
  {
    layer: 'Resizing(3, 7, interpolation="nearest", data_format="channels_first")',
    input: [2, 4, 5],
    weights: [],
    shape: [1, 2, 3, 7],
    expected: [
      0.858, -0.332, -0.332, -0.991, -0.063, -0.063, 0.965, -0.102, -0.995, -0.995, -0.295, 0.877, 0.877, 0.645, -0.62, -0.892, -0.892,
      0.264, 0.998, 0.998, 0.134, -0.944, -0.511, -0.511, 0.741, 0.806, 0.806, -0.419, -0.698, 0.563, 0.563, 0.922, -0.195, -0.195, -1.0,
      -0.204, 0.919, 0.919, 0.57, -0.691, -0.691, -0.846,
    ],
  },
  {
    layer: 'MaxPooling1D(3, strides=2, padding="same", data_format="channels_first")',
    input: [3, 7],
    weights: [],
    shape: [1, 3, 4],
    expected: [0.858, -0.063, 0.965, 0.448, 0.483, 0.954, -0.102, 0.877, 0.645, 0.264, 0.998, 0.134],
  },
  {
    layer: 'AveragePooling1D(2, padding="same", data_format="channels_first")',
    input: [3, 5],
    weights: [],
    shape: [1, 3, 3],
    expected: [0.263, -0.527, 0.965, -0.1695, -0.1395, 0.954, -0.5485, 0.291, 0.645],
  },
];

async function evaluate(c: Case): Promise<{ values: Float32Array; shape: number[]; weightShapes: number[][] }> {
  const a = await analyze(`import keras\nx = keras.Input((${c.input.join(', ')}))\ny = keras.layers.${c.layer}(x)`);
  assert.deepEqual(messages(a), []);
  const model = await modelOfBinding(a);
  try {
    const layer = model.layers.at(-1)!;
    const weightShapes = layer.weights.map((w) => [...w.shape] as number[]);
    const weights = weightShapes.map((shape, j) => tf.tensor(sample(shape, 10 + j), shape));
    layer.setWeights(weights);
    const x = tf.tensor(sample([1, ...c.input], 1), [1, ...c.input]);
    const out = model.predict(x) as tf.Tensor;
    const result = { values: (await out.data()) as Float32Array, shape: out.shape, weightShapes };
    tf.dispose([x, out, ...weights]);
    return result;
  } finally {
    model.dispose();
  }
}

describe('convolutions and 1-D poolings evaluated as Keras computes them', () => {
  onEachBackend(() => {
    for (const c of cases) {
      it(c.layer, async () => {
        const { values, shape, weightShapes } = await evaluate(c);
        assert.deepEqual(weightShapes, c.weights, "weights in Keras's layout");
        assert.deepEqual(shape, c.shape);
        assertKerasValues(values, c.expected);
      });
    }
  });
});
