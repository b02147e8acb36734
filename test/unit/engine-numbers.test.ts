// The numbers the engine computes, element by element, against references this
// test computes itself with plain loops: the model file is analysed, its
// sub-graph exported and built by TensorFlow.js exactly as the evaluator does,
// given known weights and input.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { registerOperationLayer } from '../../src/engine/operation-layer.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { modelOfBinding } from './helpers/backends.js';
import { analyze, bindingsOf } from './helpers/analysis.js';

/** Deterministic small values: a different pattern for each seed. */
function values(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.5);
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface Run {
  readonly output: Float32Array;
  readonly shape: number[];
}

/** Evaluates binding `y` of the source with the given input and weights (layer name → Keras-ordered arrays). */
async function evaluate(
  source: string,
  input: { shape: number[]; data: number[]; dtype?: 'int32' },
  weights: Record<string, number[][]>,
): Promise<Run> {
  const model = await modelOfBinding(await analyze(source));
  try {
    for (const [name, arrays] of Object.entries(weights)) {
      const layer = model.getLayer(name);
      const tensors = arrays.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[]));
      layer.setWeights(tensors);
      tf.dispose(tensors);
    }
    const x = tf.tensor(input.data, input.shape, input.dtype ?? 'float32');
    const out = model.predict(x) as tf.Tensor;
    const result = { output: (await out.data()) as Float32Array, shape: out.shape };
    tf.dispose([x, out]);
    return result;
  } finally {
    model.dispose();
  }
}

function assertClose(actual: Float32Array, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.ok(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), `element ${i}: ${a} vs ${e}`);
  });
}

/** NHWC convolution with Keras's padding arithmetic; `depthwise` keeps channels apart. */
function conv2d(
  x: number[],
  [h, w, c]: number[],
  kernel: number[],
  [kh, kw, outC]: number[],
  bias: number[],
  { strides = [1, 1], padding = 'valid', dilation = [1, 1], depthwise = false } = {},
): { data: number[]; shape: number[] } {
  const [sh, sw] = strides as [number, number];
  const [dh, dw] = dilation as [number, number];
  const [ekh, ekw] = [(kh! - 1) * dh + 1, (kw! - 1) * dw + 1];
  const [oh, ow] =
    padding === 'same' ? [Math.ceil(h! / sh), Math.ceil(w! / sw)] : [Math.floor((h! - ekh) / sh) + 1, Math.floor((w! - ekw) / sw) + 1];
  const [pt, pl] =
    padding === 'same'
      ? [Math.floor(Math.max((oh - 1) * sh + ekh - h!, 0) / 2), Math.floor(Math.max((ow - 1) * sw + ekw - w!, 0) / 2)]
      : [0, 0];
  const channelsOut = depthwise ? c! * outC! : outC!;
  const out: number[] = [];
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let o = 0; o < channelsOut; o++) {
        let sum = bias[o] ?? 0;
        for (let u = 0; u < kh!; u++) {
          for (let v = 0; v < kw!; v++) {
            const [yy, xx] = [i * sh + u * dh - pt, j * sw + v * dw - pl];
            if (yy < 0 || yy >= h! || xx < 0 || xx >= w!) continue;
            if (depthwise) {
              const [ci, m] = [Math.floor(o / outC!), o % outC!];
              sum += x[(yy * w! + xx) * c! + ci]! * kernel[((u * kw! + v) * c! + ci) * outC! + m]!;
            } else {
              for (let ci = 0; ci < c!; ci++) sum += x[(yy * w! + xx) * c! + ci]! * kernel[((u * kw! + v) * c! + ci) * outC! + o]!;
            }
          }
        }
        out.push(sum);
      }
    }
  }
  return { data: out, shape: [1, oh, ow, channelsOut] };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('evaluated numbers against plain-loop references', () => {
  before(async () => {
    await tf.setBackend('cpu');
    registerKerasLayers();
    registerOperationLayer();
  });

  it('Dense with a relu activation', async () => {
    const [kernel, bias, x] = [values(4 * 3, 1), values(3, 2), values(2 * 4, 3)];
    const run = await evaluate(
      'import keras\nx = keras.Input((4,))\ny = keras.layers.Dense(3, activation="relu", name="d")(x)',
      { shape: [2, 4], data: x },
      { d: [kernel, bias] },
    );
    const expected = [0, 1].flatMap((b) =>
      [0, 1, 2].map((j) => Math.max(0, bias[j]! + [0, 1, 2, 3].reduce((s, i) => s + x[b * 4 + i]! * kernel[i * 3 + j]!, 0))),
    );
    assertClose(run.output, expected);
  });

  for (const options of [
    { padding: 'valid' },
    { padding: 'same', strides: [2, 2] },
    { padding: 'valid', dilation: [2, 2] },
    { padding: 'same', strides: [2, 1] },
  ]) {
    it(`Conv2D ${JSON.stringify(options)}`, async () => {
      const [kernel, bias, x] = [values(3 * 3 * 2 * 4, 4), values(4, 5), values(7 * 6 * 2, 6)];
      const args = `4, 3, padding="${options.padding}", strides=${JSON.stringify(options.strides ?? [1, 1])
        .replace('[', '(')
        .replace(']', ')')}, dilation_rate=${JSON.stringify(options.dilation ?? [1, 1])
        .replace('[', '(')
        .replace(']', ')')}`;
      const run = await evaluate(
        `import keras\nx = keras.Input((7, 6, 2))\ny = keras.layers.Conv2D(${args}, name="c")(x)`,
        { shape: [1, 7, 6, 2], data: x },
        { c: [kernel, bias] },
      );
      const reference = conv2d(x, [7, 6, 2], kernel, [3, 3, 4], bias, options);
      assert.deepEqual(run.shape, reference.shape);
      assertClose(run.output, reference.data);
    });
  }

  it('Conv1D same padding with stride 2, as a 1-row Conv2D', async () => {
    const [kernel, bias, x] = [values(3 * 2 * 5, 7), values(5, 8), values(9 * 2, 9)];
    const run = await evaluate(
      'import keras\nx = keras.Input((9, 2))\ny = keras.layers.Conv1D(5, 3, strides=2, padding="same", name="c")(x)',
      { shape: [1, 9, 2], data: x },
      { c: [kernel, bias] },
    );
    const reference = conv2d(x, [1, 9, 2], kernel, [1, 3, 5], bias, { padding: 'same', strides: [1, 2] });
    assert.deepEqual(run.shape, [1, 5, 5]);
    assertClose(run.output, reference.data);
  });

  it('DepthwiseConv2D with depth multiplier 2, and SeparableConv2D', async () => {
    const [depthwise, bias, x] = [values(3 * 3 * 3 * 2, 10), values(6, 11), values(5 * 5 * 3, 12)];
    const run = await evaluate(
      'import keras\nx = keras.Input((5, 5, 3))\ny = keras.layers.DepthwiseConv2D(3, depth_multiplier=2, name="dw")(x)',
      { shape: [1, 5, 5, 3], data: x },
      { dw: [depthwise, bias] },
    );
    const reference = conv2d(x, [5, 5, 3], depthwise, [3, 3, 2], bias, { depthwise: true });
    assertClose(run.output, reference.data);

    const pointwise = values(6 * 4, 13);
    const pointBias = values(4, 14);
    const separable = await evaluate(
      'import keras\nx = keras.Input((5, 5, 3))\ny = keras.layers.SeparableConv2D(4, 3, depth_multiplier=2, name="sep")(x)',
      { shape: [1, 5, 5, 3], data: x },
      { sep: [depthwise, pointwise, pointBias] },
    );
    const inner = conv2d(x, [5, 5, 3], depthwise, [3, 3, 2], [], { depthwise: true });
    const expected = conv2d(inner.data, [3, 3, 6], pointwise, [1, 1, 4], pointBias);
    assertClose(separable.output, expected.data);
  });

  it('MaxPooling2D (valid) and AveragePooling2D (same: windows cut at the edge average what they hold)', async () => {
    const x = values(5 * 5 * 2, 15);
    const at = (i: number, j: number, c: number): number => x[(i * 5 + j) * 2 + c]!;
    const max = await evaluate(
      'import keras\nx = keras.Input((5, 5, 2))\ny = keras.layers.MaxPooling2D(2)(x)',
      { shape: [1, 5, 5, 2], data: x },
      {},
    );
    const expectedMax: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let c = 0; c < 2; c++)
          expectedMax.push(Math.max(at(2 * i, 2 * j, c), at(2 * i + 1, 2 * j, c), at(2 * i, 2 * j + 1, c), at(2 * i + 1, 2 * j + 1, c)));
    assertClose(max.output, expectedMax);
    const avg = await evaluate(
      'import keras\nx = keras.Input((5, 5, 2))\ny = keras.layers.AveragePooling2D(2, padding="same")(x)',
      { shape: [1, 5, 5, 2], data: x },
      {},
    );
    const expectedAvg: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        for (let c = 0; c < 2; c++) {
          const cells = [0, 1].flatMap((u) => [0, 1].map((v) => [2 * i + u, 2 * j + v] as const)).filter(([r, s]) => r < 5 && s < 5);
          expectedAvg.push(cells.reduce((sum, [r, s]) => sum + at(r, s, c), 0) / cells.length);
        }
      }
    }
    assertClose(avg.output, expectedAvg);
  });

  it('BatchNormalization in inference, and LayerNormalization (epsilon 1e-3)', async () => {
    const x = values(2 * 3, 16);
    const [gamma, beta, mean, variance] = [values(3, 17), values(3, 18), values(3, 19), values(3, 20).map((v) => v + 1)];
    const bn = await evaluate(
      'import keras\nx = keras.Input((3,))\ny = keras.layers.BatchNormalization(name="bn")(x)',
      { shape: [2, 3], data: x },
      { bn: [gamma, beta, mean, variance] },
    );
    assertClose(
      bn.output,
      x.map((v, i) => (gamma[i % 3]! * (v - mean[i % 3]!)) / Math.sqrt(variance[i % 3]! + 1e-3) + beta[i % 3]!),
    );
    const ln = await evaluate(
      'import keras\nx = keras.Input((3,))\ny = keras.layers.LayerNormalization(name="ln")(x)',
      { shape: [2, 3], data: x },
      { ln: [gamma, beta] },
    );
    const expected = [0, 1].flatMap((b) => {
      const row = x.slice(b * 3, b * 3 + 3);
      const m = row.reduce((s, v) => s + v, 0) / 3;
      const varr = row.reduce((s, v) => s + (v - m) ** 2, 0) / 3;
      return row.map((v, j) => (gamma[j]! * (v - m)) / Math.sqrt(varr + 1e-3) + beta[j]!);
    });
    assertClose(ln.output, expected);
  });

  it('Embedding looks rows up by integer id', async () => {
    const table = values(6 * 4, 21);
    const ids = [5, 0, 2, 2];
    const run = await evaluate(
      'import keras\nx = keras.Input((4,), dtype="int32")\ny = keras.layers.Embedding(6, 4, name="e")(x)',
      { shape: [1, 4], data: ids, dtype: 'int32' },
      { e: [table] },
    );
    assertClose(
      run.output,
      ids.flatMap((id) => table.slice(id * 4, id * 4 + 4)),
    );
  });

  it('LSTM: two steps by hand (gates i, f, c, o; unit_forget_bias only at initialisation)', async () => {
    const [f, u, steps] = [3, 2, 2];
    const [kernel, recurrent, bias, x] = [values(f * 4 * u, 22), values(u * 4 * u, 23), values(4 * u, 24), values(steps * f, 25)];
    const run = await evaluate(
      'import keras\nx = keras.Input((2, 3))\ny = keras.layers.LSTM(2, return_sequences=True, name="l")(x)',
      { shape: [1, steps, f], data: x },
      { l: [kernel, recurrent, bias] },
    );
    let [h, c] = [
      [0, 0],
      [0, 0],
    ];
    const expected: number[] = [];
    for (let t = 0; t < steps; t++) {
      const z = Array.from(
        { length: 4 * u },
        (_, k) =>
          bias[k]! +
          [0, 1, 2].reduce((s, i) => s + x[t * f + i]! * kernel[i * 4 * u + k]!, 0) +
          [0, 1].reduce((s, i) => s + h[i]! * recurrent[i * 4 * u + k]!, 0),
      );
      const gate = (g: number, j: number): number => z[g * u + j]!;
      c = [0, 1].map((j) => sigmoid(gate(1, j)) * c[j]! + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
      h = [0, 1].map((j) => sigmoid(gate(3, j)) * Math.tanh(c[j]!));
      expected.push(...h);
    }
    assertClose(run.output, expected);
  });

  it('GRU with reset_after=False: two steps by hand (gates z, r, h)', async () => {
    const [f, u, steps] = [3, 2, 2];
    const [kernel, recurrent, bias, x] = [values(f * 3 * u, 26), values(u * 3 * u, 27), values(3 * u, 28), values(steps * f, 29)];
    const run = await evaluate(
      'import keras\nx = keras.Input((2, 3))\ny = keras.layers.GRU(2, reset_after=False, return_sequences=True, name="g")(x)',
      { shape: [1, steps, f], data: x },
      { g: [kernel, recurrent, bias] },
    );
    let h = [0, 0];
    const expected: number[] = [];
    const xw = (t: number, k: number): number => bias[k]! + [0, 1, 2].reduce((s, i) => s + x[t * f + i]! * kernel[i * 3 * u + k]!, 0);
    const hu = (state: number[], k: number): number => [0, 1].reduce((s, i) => s + state[i]! * recurrent[i * 3 * u + k]!, 0);
    for (let t = 0; t < steps; t++) {
      const z = [0, 1].map((j) => sigmoid(xw(t, j) + hu(h, j)));
      const r = [0, 1].map((j) => sigmoid(xw(t, u + j) + hu(h, u + j)));
      const reset = h.map((v, i) => v * r[i]!);
      const candidate = [0, 1].map((j) => Math.tanh(xw(t, 2 * u + j) + hu(reset, 2 * u + j)));
      h = [0, 1].map((j) => z[j]! * h[j]! + (1 - z[j]!) * candidate[j]!);
      expected.push(...h);
    }
    assertClose(run.output, expected);
  });

  it('GRU with reset_after=True (the Keras default): two steps by hand, alone and in Bidirectional', async () => {
    const [f, u, steps] = [3, 2, 2];
    const [kernel, recurrent, bias, x] = [values(f * 3 * u, 35), values(u * 3 * u, 36), values(2 * 3 * u, 37), values(steps * f, 38)];
    /** One direction over the sequence: the reset gate applies to the recurrent product, bias rows input and recurrent. */
    const gru = (order: number[]): number[][] => {
      let h = [0, 0];
      const states: number[][] = [];
      for (const t of order) {
        const xw = (k: number): number => bias[k]! + [0, 1, 2].reduce((s, i) => s + x[t * f + i]! * kernel[i * 3 * u + k]!, 0);
        const hu = (k: number): number => bias[3 * u + k]! + [0, 1].reduce((s, i) => s + h[i]! * recurrent[i * 3 * u + k]!, 0);
        const z = [0, 1].map((j) => sigmoid(xw(j) + hu(j)));
        const r = [0, 1].map((j) => sigmoid(xw(u + j) + hu(u + j)));
        const candidate = [0, 1].map((j) => Math.tanh(xw(2 * u + j) + r[j]! * hu(2 * u + j)));
        h = [0, 1].map((j) => z[j]! * h[j]! + (1 - z[j]!) * candidate[j]!);
        states.push(h);
      }
      return states;
    };
    const run = await evaluate(
      'import keras\nx = keras.Input((2, 3))\ny = keras.layers.GRU(2, return_sequences=True, name="g")(x)',
      { shape: [1, steps, f], data: x },
      { g: [kernel, recurrent, bias] },
    );
    assertClose(run.output, gru([0, 1]).flat());
    const both = await evaluate(
      'import keras\nx = keras.Input((2, 3))\ny = keras.layers.Bidirectional(keras.layers.GRU(2), merge_mode="sum", name="b")(x)',
      { shape: [1, steps, f], data: x },
      { b: [kernel, recurrent, bias, kernel, recurrent, bias] },
    );
    // The backward GRU reads the sequence last step first; without return_sequences each gives its last state.
    const [forward, backward] = [gru([0, 1]).at(-1)!, gru([1, 0]).at(-1)!];
    assertClose(
      both.output,
      forward.map((v, j) => v + backward[j]!),
    );
  });

  it('merges: Add, Multiply, Concatenate, Dot', async () => {
    const source = (merge: string): string =>
      `import keras\nfrom keras import layers\nx = keras.Input((4,))\na = layers.Dense(4, name="p")(x)\nb = layers.Dense(4, name="q")(x)\ny = ${merge}`;
    const x = values(4, 30);
    const [p, q] = [values(16, 31), values(16, 32)];
    const weights = { p: [p, [0, 0, 0, 0]], q: [q, [0, 0, 0, 0]] };
    const project = (k: number[]): number[] => [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, i) => s + x[i]! * k[i * 4 + j]!, 0));
    const [a, b] = [project(p), project(q)];
    const run = (merge: string) => evaluate(source(merge), { shape: [1, 4], data: x }, weights);
    assertClose(
      (await run('layers.Add()([a, b])')).output,
      a.map((v, i) => v + b[i]!),
    );
    assertClose(
      (await run('layers.Multiply()([a, b])')).output,
      a.map((v, i) => v * b[i]!),
    );
    assertClose((await run('layers.Concatenate()([a, b])')).output, [...a, ...b]);
    assertClose((await run('layers.Dot(axes=1)([a, b])')).output, [a.reduce((s, v, i) => s + v * b[i]!, 0)]);
  });

  it('tensor operations written in Python: arithmetic with constants, and indexing', async () => {
    const x = values(2 * 3 * 4, 33);
    const arithmetic = await evaluate('import keras\nx = keras.Input((3, 4))\ny = x * 2.0 + x', { shape: [2, 3, 4], data: x }, {});
    assertClose(
      arithmetic.output,
      x.map((v) => v * 2 + v),
    );
    const sliced = await evaluate('import keras\nx = keras.Input((3, 4))\ny = x[:, 1:, -1]', { shape: [2, 3, 4], data: x }, {});
    assert.deepEqual(sliced.shape, [2, 2]);
    assertClose(
      sliced.output,
      [0, 1].flatMap((b) => [1, 2].map((r) => x[(b * 3 + r) * 4 + 3]!)),
    );
  });

  it('Conv1D with causal padding and dilation: left-padded by dilation·(kernel − 1), then valid', async () => {
    const [kernel, bias, x] = [values(3 * 2 * 4, 40), values(4, 41), values(8 * 2, 42)];
    const run = await evaluate(
      'import keras\nx = keras.Input((8, 2))\ny = keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2, name="c")(x)',
      { shape: [1, 8, 2], data: x },
      { c: [kernel, bias] },
    );
    const padded = [...Array<number>(2 * 2 * 2).fill(0), ...x];
    const reference = conv2d(padded, [1, 12, 2], kernel, [1, 3, 4], bias, { dilation: [1, 2] });
    assert.deepEqual(run.shape, [1, 8, 4]);
    assertClose(run.output, reference.data);
  });

  it('GlobalAveragePooling2D with keepdims keeps (1, 1) and averages each channel', async () => {
    const x = values(3 * 4 * 2, 43);
    const run = await evaluate(
      'import keras\nx = keras.Input((3, 4, 2))\ny = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)',
      { shape: [1, 3, 4, 2], data: x },
      {},
    );
    assert.deepEqual(run.shape, [1, 1, 1, 2]);
    assertClose(
      run.output,
      [0, 1].map((c) => x.filter((_, i) => i % 2 === c).reduce((a, b) => a + b, 0) / 12),
    );
  });

  it('Resizing (bilinear) samples at half-pixel centres, like tf.image.resize', async () => {
    const x = values(2 * 3, 44);
    const run = await evaluate(
      'import keras\nx = keras.Input((2, 3, 1))\ny = keras.layers.Resizing(4, 5)(x)',
      { shape: [1, 2, 3, 1], data: x },
      {},
    );
    const source = (out: number, inSize: number, outSize: number): [number, number, number] => {
      const position = Math.max(0, (out + 0.5) * (inSize / outSize) - 0.5);
      const low = Math.min(Math.floor(position), inSize - 1);
      return [low, Math.min(low + 1, inSize - 1), position - low];
    };
    const expected: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 5; j++) {
        const [y0, y1, fy] = source(i, 2, 4);
        const [x0, x1, fx] = source(j, 3, 5);
        const at = (r: number, c: number): number => x[r * 3 + c]!;
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        expected.push(top + (bottom - top) * fy);
      }
    }
    assert.deepEqual(run.shape, [1, 4, 5, 1]);
    assertClose(run.output, expected);
  });

  it('a recurrent layer given initial_state= is refused with the reason, not evaluated from zero states', async () => {
    const a = await analyze(
      'import keras\nx = keras.Input((5, 3))\nh = keras.Input((4,))\nc = keras.Input((4,))\ny = keras.layers.LSTM(4)(x, initial_state=[h, c])',
    );
    const y = bindingsOf(a, 'y')[0]!.value;
    assert.deepEqual(y.kind === 'tensor' ? a.tensors[y.tensor]!.shape : undefined, [null, 4]);
    assert.throws(() => exportSubgraph(a, [y.kind === 'tensor' ? y.tensor : -1]), {
      message: "LSTM 'lstm' called with initial_state= cannot be evaluated yet (the states are not passed to TensorFlow.js)",
    });
    const b = await analyze(
      'import keras\nx = keras.Input((3, 6, 6, 2))\nh = keras.Input((6, 6, 4))\nc = keras.Input((6, 6, 4))\ny = keras.layers.ConvLSTM2D(4, 3, padding="same")(x, initial_state=[h, c])',
    );
    const z = bindingsOf(b, 'y')[0]!.value;
    assert.throws(() => exportSubgraph(b, [z.kind === 'tensor' ? z.tensor : -1]), {
      message: "ConvLSTM2D 'conv_lstm2d' called with initial_state= cannot be evaluated yet (the states are not passed to TensorFlow.js)",
    });
  });

  describe('a call that runs in training, where the layer differs from inference, is refused with the reason', () => {
    const refusal = async (source: string, binding = 'y'): Promise<string | undefined> => {
      const a = await analyze(`import numpy as np\nimport keras\n${source}`);
      const y = bindingsOf(a, binding)[0]!.value;
      assert.equal(y.kind, 'tensor', `${binding} is not a tensor`);
      try {
        exportSubgraph(a, [y.kind === 'tensor' ? y.tensor : -1]);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    const cases: [string, string | undefined][] = [
      // Keras's augmentation layers default to training=True in their call: an eager call augments.
      [
        'x = np.ones((2, 4, 4, 3))\ny = keras.layers.RandomFlip()(x)',
        "RandomFlip 'random_flip' is not evaluated: called eagerly, it runs in training (its call defaults to training=True), where it augments its input at random",
      ],
      // In a model, predict runs it at inference: the identity.
      ['x = keras.Input((4, 4, 3))\ny = keras.layers.RandomFlip()(x)', undefined],
      [
        'x = keras.Input((4, 4, 3))\ny = keras.layers.RandomFlip()(x, training=True)',
        "RandomFlip 'random_flip' is not evaluated: called with training=True, where it augments its input at random",
      ],
      ['x = keras.Input((4, 4, 3))\ny = keras.layers.RandomFlip()(x, training=False)', undefined],
      // Dropout's call defaults to training=False: eager calls are the identity.
      ['x = np.ones((2, 4))\ny = keras.layers.Dropout(0.5)(x)', undefined],
      [
        'x = keras.Input((4,))\ny = keras.layers.Dropout(0.5)(x, training=True)',
        "Dropout 'dropout' is not evaluated: called with training=True, where it drops values at random",
      ],
      [
        'x = keras.Input((4,))\nflag = np.random.rand() > 0.5\ny = keras.layers.BatchNormalization()(x, training=flag)',
        "BatchNormalization 'batch_normalization' is not evaluated: called with a training= whose value is not known, and in training it normalizes with the batch's own mean and variance, not the moving ones",
      ],
      // AutoContrast does the same in training.
      ['x = np.ones((2, 4, 4, 3))\ny = keras.layers.AutoContrast(value_range=(0, 1))(x)', undefined],
      [
        'x = keras.Input((4,))\ny = keras.layers.Dense(3, dtype="int8_from_float32")(x)',
        "Dense 'dense' with the quantized dtype policy 'int8_from_float32' cannot be evaluated yet",
      ],
    ];
    for (const [source, expected] of cases) {
      it(source.split('\n').at(-1)!, async () => assert.equal(await refusal(source), expected));
    }
  });

  it('softmax rows sum to 1 and relu outputs are never negative', async () => {
    const x = values(3 * 5, 34);
    const softmax = await evaluate('import keras\nx = keras.Input((5,))\ny = keras.layers.Softmax()(x)', { shape: [3, 5], data: x }, {});
    for (let r = 0; r < 3; r++) assert.ok(Math.abs(softmax.output.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0) - 1) < 1e-6);
    const relu = await evaluate('import keras\nx = keras.Input((5,))\ny = keras.layers.ReLU()(x)', { shape: [3, 5], data: x }, {});
    assert.ok(relu.output.every((v) => v >= 0));
    assert.equal(relu.output.filter((v) => v === 0).length, x.filter((v) => v <= 0).length);
    assert.equal(size(relu.shape), 15);
  });
});
