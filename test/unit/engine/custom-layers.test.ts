// Checks the custom Keras layers loaded through tf.models.modelFromJSON against plain-loop references.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { KERAS_LAYER_CLASSES, registerKerasLayers } from '../../../src/engine/layers/index.js';
import { layerEntries } from '../../../src/analysis/keras/registry.js';

// ---------- plain n-d arrays and references (no tfjs ops) ----------

interface Arr {
  shape: number[];
  data: number[];
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function offset(shape: number[], idx: number[]): number {
  let o = 0;
  for (let i = 0; i < shape.length; i++) o = o * (shape[i] ?? 0) + (idx[i] ?? 0);
  return o;
}

function at(a: Arr, idx: number[]): number {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i] ?? 0;
    if (v < 0 || v >= (a.shape[i] ?? 0)) return 0;
  }
  return a.data[offset(a.shape, idx)] ?? Number.NaN;
}

function fromFn(shape: number[], fn: (idx: number[]) => number): Arr {
  const data: number[] = [];
  const idx = shape.map(() => 0);
  for (let n = 0; n < size(shape); n++) {
    data.push(fn(idx.slice()));
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = (idx[d] ?? 0) + 1;
      if ((idx[d] ?? 0) < (shape[d] ?? 0)) break;
      idx[d] = 0;
    }
  }
  return { shape, data };
}

/** Deterministic, irregular values in roughly [-1, 1]. */
function sample(shape: number[], seed: number): Arr {
  const data = Array.from({ length: size(shape) }, (_, i) => Math.round(Math.sin(i * 1.37 + seed * 2.11) * 1000) / 1000);
  return { shape, data };
}

function transpose(a: Arr, perm: number[]): Arr {
  const shape = perm.map((p) => a.shape[p] ?? 0);
  return fromFn(shape, (idx) => {
    const src = new Array<number>(perm.length).fill(0);
    perm.forEach((p, i) => (src[p] = idx[i] ?? 0));
    return at(a, src);
  });
}

const cl3 = (a: Arr): Arr => transpose(a, [0, 2, 1]);
const cf3 = (a: Arr): Arr => transpose(a, [0, 2, 1]);
const cl5 = (a: Arr): Arr => transpose(a, [0, 2, 3, 4, 1]);
const cf5 = (a: Arr): Arr => transpose(a, [0, 4, 1, 2, 3]);

type Act = (v: number) => number;
const linear: Act = (v) => v;
const relu: Act = (v) => Math.max(0, v);

/** Keras/TF 'same' padding before the first element (JAX "SAME"). */
function samePadLeft(n: number, stride: number, effective: number): number {
  const out = Math.ceil(n / stride);
  return Math.floor(Math.max((out - 1) * stride + effective - n, 0) / 2);
}

interface Conv1DOpts {
  stride: number;
  dilation: number;
  padding: 'valid' | 'same' | 'causal';
}

/** Depthwise 1-D convolution on channels-last x [b, n, c] with kernel [k, c, dm]: output channel c * dm + m. */
function depthwiseRef(x: Arr, kernel: Arr, o: Conv1DOpts): Arr {
  const [b = 0, n = 0, c = 0] = x.shape;
  const [k = 0, , dm = 0] = kernel.shape;
  const eff = (k - 1) * o.dilation + 1;
  let left = 0;
  let outLen: number;
  if (o.padding === 'valid') outLen = Math.floor((n - eff) / o.stride) + 1;
  else if (o.padding === 'same') {
    outLen = Math.ceil(n / o.stride);
    left = samePadLeft(n, o.stride, eff);
  } else {
    left = eff - 1;
    outLen = Math.floor((n + left - eff) / o.stride) + 1;
  }
  return fromFn([b, outLen, c * dm], ([bi = 0, t = 0, ch = 0]) => {
    const ci = Math.floor(ch / dm);
    const m = ch % dm;
    let s = 0;
    for (let j = 0; j < k; j++) s += at(x, [bi, t * o.stride + j * o.dilation - left, ci]) * at(kernel, [j, ci, m]);
    return s;
  });
}

/** Pointwise (1×1) step of a separable convolution: pointwise kernel [1, cin, f]. */
function pointwiseRef(x: Arr, pointwise: Arr): Arr {
  const [b = 0, n = 0, cin = 0] = x.shape;
  const f = pointwise.shape[2] ?? 0;
  return fromFn([b, n, f], ([bi = 0, t = 0, fi = 0]) => {
    let s = 0;
    for (let c = 0; c < cin; c++) s += at(x, [bi, t, c]) * at(pointwise, [0, c, fi]);
    return s;
  });
}

/**
 * Conv1DTranspose exactly as Keras's JAX backend does it: the input dilated by the stride, padded by
 * `_convert_conv_transpose_padding_args_from_keras_to_jax`, then correlated with the spatially flipped,
 * dilated kernel [k, filters, in].
 */
function convTransposeRef(
  x: Arr,
  kernel: Arr,
  o: { stride: number; dilation: number; padding: 'valid' | 'same'; outputPadding: number | null },
): Arr {
  const [b = 0, n = 0, c = 0] = x.shape;
  const [k = 0, f = 0] = kernel.shape;
  const eff = (k - 1) * o.dilation + 1;
  let left: number;
  let right: number;
  if (o.padding === 'valid') {
    const op = o.outputPadding ?? Math.max(eff, o.stride) - eff;
    left = eff - 1;
    right = eff - 1 + op;
  } else {
    const padLen = o.outputPadding === null ? o.stride + eff - 2 : eff + (eff % 2) - 2 + o.outputPadding;
    left = Math.min(Math.floor(padLen / 2) + (padLen % 2), eff - 1);
    right = padLen - left;
  }
  const dilatedLen = (n - 1) * o.stride + 1;
  const padded = fromFn([b, dilatedLen + left + right, c], ([bi = 0, p = 0, ci = 0]) => {
    const q = p - left;
    return q >= 0 && q < dilatedLen && q % o.stride === 0 ? at(x, [bi, q / o.stride, ci]) : 0;
  });
  const outLen = dilatedLen + left + right - eff + 1;
  return fromFn([b, outLen, f], ([bi = 0, t = 0, fi = 0]) => {
    let s = 0;
    for (let j = 0; j < k; j++)
      for (let ci = 0; ci < c; ci++) s += at(padded, [bi, t + j * o.dilation, ci]) * at(kernel, [k - 1 - j, fi, ci]);
    return s;
  });
}

function addBiasAct(a: Arr, bias: Arr | null, act: Act): Arr {
  const last = a.shape[a.shape.length - 1] ?? 1;
  return { shape: a.shape, data: a.data.map((v, i) => act(v + (bias === null ? 0 : (bias.data[i % last] ?? 0)))) };
}

function softmaxLastAxis(a: Arr): Arr {
  const last = a.shape[a.shape.length - 1] ?? 1;
  const data: number[] = [];
  for (let start = 0; start < a.data.length; start += last) {
    const row = a.data.slice(start, start + last);
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((x, y) => x + y, 0);
    data.push(...exps.map((e) => e / sum));
  }
  return { shape: a.shape, data };
}

// ---------- model plumbing ----------

type Config = Record<string, unknown>;

function inputLayer(name: string, shape: number[]): Config {
  return { class_name: 'InputLayer', config: { batch_input_shape: [null, ...shape], dtype: 'float32', name }, name, inbound_nodes: [] };
}

function singleLayerModel(inputShape: number[], className: string, config: Config): Config {
  return {
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        inputLayer('in', inputShape),
        {
          class_name: className,
          config: { name: 'x', trainable: true, dtype: 'float32', ...config },
          name: 'x',
          inbound_nodes: [[['in', 0, 0, {}]]],
        },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['x', 0, 0]],
    },
  };
}

interface Result {
  symbolicShape: (number | null)[];
  shape: number[];
  data: number[];
}

async function load(json: Config): Promise<tf.LayersModel> {
  return tf.models.modelFromJSON(json as unknown as tf.io.ModelJSON);
}

/** Loads `json`, sets `weights` (Keras order), predicts on `inputs` and checks no tensor leaks. */
async function run(json: Config, weights: Arr[], inputs: Arr[]): Promise<Result> {
  const model = await load(json);
  try {
    assert.deepEqual(
      model.getWeights().map((w) => w.shape),
      weights.map((w) => w.shape),
    );
    if (weights.length > 0) {
      const tensors = weights.map((w) => tf.tensor(w.data, w.shape));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    const xs = inputs.map((a) => tf.tensor(a.data, a.shape));
    const before = tf.memory().numTensors;
    const out = model.predict(xs.length === 1 ? (xs[0] as tf.Tensor) : xs) as tf.Tensor;
    const result: Result = { symbolicShape: model.outputs[0]?.shape ?? [], shape: out.shape, data: Array.from(out.dataSync()) };
    out.dispose();
    assert.equal(tf.memory().numTensors, before, 'predict leaked tensors');
    tf.dispose(xs);
    return result;
  } finally {
    model.dispose();
  }
}

function assertClose(actual: Result, expected: Arr): void {
  assert.deepEqual(actual.shape, expected.shape, 'output shape');
  assert.deepEqual(actual.symbolicShape, [null, ...expected.shape.slice(1)], 'computeOutputShape');
  assert.equal(actual.data.length, expected.data.length);
  actual.data.forEach((v, i) => {
    const e = expected.data[i] ?? Number.NaN;
    assert.ok(Math.abs(v - e) <= 1e-5 * Math.max(1, Math.abs(e)), `element ${i}: got ${v}, expected ${e}`);
  });
}

const GLOROT = { class_name: 'GlorotUniform', config: { seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

before(async () => {
  await tf.setBackend('cpu');
  registerKerasLayers();
});

describe('custom Keras layers', () => {
  it('registers every class under its Keras name, idempotently', () => {
    registerKerasLayers();
    registerKerasLayers();
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of KERAS_LAYER_CLASSES) assert.equal(map[cls.className]?.[0], cls, cls.className);
    assert.equal(new Set(KERAS_LAYER_CLASSES.map((c) => c.className)).size, KERAS_LAYER_CLASSES.length, 'a class registered twice');
  });

  it('every layer class the registry models is evaluated by a TensorFlow.js class, or refused with a reason', () => {
    registerKerasLayers();
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const missing = layerEntries()
      .filter((entry) => entry.rule && !entry.rule.unsupported)
      .flatMap((entry) => {
        const defaults = Object.fromEntries(entry.parameters.filter((p) => 'default' in p).map((p) => [p.name, p.default ?? null]));
        const evaluation = entry.rule!.evaluation?.(defaults, () => ({ className: 'Dense' })) ?? { className: entry.className };
        return 'refused' in evaluation || evaluation.className in map ? [] : [`${entry.className} → ${evaluation.className}`];
      });
    assert.deepEqual(missing, []);
  });

  describe('Conv1DTranspose', () => {
    const cases: {
      title: string;
      n: number;
      c: number;
      f: number;
      k: number;
      s: number;
      d: number;
      padding: 'valid' | 'same';
      op: number | null;
      len: number;
    }[] = [
      { title: 'valid, stride 2', n: 5, c: 2, f: 3, k: 3, s: 2, d: 1, padding: 'valid', op: null, len: 11 },
      { title: 'same, stride 2', n: 5, c: 2, f: 3, k: 3, s: 2, d: 1, padding: 'same', op: null, len: 10 },
      { title: 'valid, kernel shorter than stride', n: 4, c: 2, f: 2, k: 2, s: 3, d: 1, padding: 'valid', op: null, len: 12 },
      { title: 'same, even kernel, stride 3', n: 4, c: 3, f: 2, k: 4, s: 3, d: 1, padding: 'same', op: null, len: 12 },
      { title: 'same, even kernel, dilation 2', n: 4, c: 3, f: 2, k: 4, s: 1, d: 2, padding: 'same', op: null, len: 4 },
      { title: 'valid, dilation 2', n: 4, c: 2, f: 2, k: 3, s: 1, d: 2, padding: 'valid', op: null, len: 8 },
      { title: 'same, output_padding 1', n: 5, c: 2, f: 3, k: 3, s: 2, d: 1, padding: 'same', op: 1, len: 10 },
      { title: 'valid, output_padding 1', n: 5, c: 2, f: 3, k: 3, s: 2, d: 1, padding: 'valid', op: 1, len: 12 },
    ];
    for (const t of cases) {
      it(t.title, async () => {
        const x = sample([2, t.n, t.c], 1);
        const kernel = sample([t.k, t.f, t.c], 2);
        const bias = sample([t.f], 3);
        const json = singleLayerModel([t.n, t.c], 'Conv1DTranspose', {
          filters: t.f,
          kernel_size: [t.k],
          strides: [t.s],
          padding: t.padding,
          output_padding: t.op === null ? null : [t.op],
          data_format: 'channels_last',
          dilation_rate: [t.d],
          activation: 'linear',
          use_bias: true,
          kernel_initializer: GLOROT,
          bias_initializer: ZEROS,
        });
        const expected = addBiasAct(
          convTransposeRef(x, kernel, { stride: t.s, dilation: t.d, padding: t.padding, outputPadding: t.op }),
          bias,
          linear,
        );
        assert.equal(expected.shape[1], t.len);
        assertClose(await run(json, [kernel, bias], [x]), expected);
      });
    }

    it('rejects what Keras rejects: strides with dilation, output_padding >= strides', async () => {
      await assert.rejects(
        load(singleLayerModel([4, 2], 'Conv1DTranspose', { filters: 2, kernel_size: 3, strides: 2, dilation_rate: 2 })),
        /dilation_rate > 1/,
      );
      await assert.rejects(
        load(singleLayerModel([4, 2], 'Conv1DTranspose', { filters: 2, kernel_size: 3, strides: 2, output_padding: 2 })),
        /output_padding/,
      );
    });

    it('channels_first, no bias, relu', async () => {
      const x = sample([2, 3, 4], 4);
      const kernel = sample([3, 2, 3], 5);
      const json = singleLayerModel([3, 4], 'Conv1DTranspose', {
        filters: 2,
        kernel_size: 3,
        strides: 2,
        padding: 'same',
        data_format: 'channels_first',
        activation: 'relu',
        use_bias: false,
      });
      const expected = cf3(
        addBiasAct(convTransposeRef(cl3(x), kernel, { stride: 2, dilation: 1, padding: 'same', outputPadding: null }), null, relu),
      );
      assert.deepEqual(expected.shape, [2, 2, 8]);
      assertClose(await run(json, [kernel], [x]), expected);
    });
  });

  describe('DepthwiseConv1D', () => {
    const cases: {
      title: string;
      n: number;
      c: number;
      dm: number;
      k: number;
      s: number;
      d: number;
      padding: 'valid' | 'same' | 'causal';
      len: number;
    }[] = [
      { title: 'valid', n: 7, c: 2, dm: 1, k: 3, s: 1, d: 1, padding: 'valid', len: 5 },
      { title: 'same, stride 2, depth_multiplier 2', n: 7, c: 2, dm: 2, k: 3, s: 2, d: 1, padding: 'same', len: 4 },
      { title: 'same, even kernel, dilation 2', n: 8, c: 3, dm: 1, k: 4, s: 1, d: 2, padding: 'same', len: 8 },
      { title: 'valid, stride 2 with dilation 2', n: 9, c: 2, dm: 2, k: 2, s: 2, d: 2, padding: 'valid', len: 4 },
      { title: 'same, stride 3 with dilation 2', n: 8, c: 1, dm: 3, k: 3, s: 3, d: 2, padding: 'same', len: 3 },
      { title: 'causal (Keras 2), dilation 2', n: 6, c: 2, dm: 1, k: 3, s: 1, d: 2, padding: 'causal', len: 6 },
    ];
    for (const t of cases) {
      it(t.title, async () => {
        const x = sample([2, t.n, t.c], 6);
        const kernel = sample([t.k, t.c, t.dm], 7);
        const bias = sample([t.c * t.dm], 8);
        const json = singleLayerModel([t.n, t.c], 'DepthwiseConv1D', {
          kernel_size: [t.k],
          strides: [t.s],
          padding: t.padding,
          depth_multiplier: t.dm,
          data_format: 'channels_last',
          dilation_rate: [t.d],
          activation: 'linear',
          use_bias: true,
          depthwise_initializer: GLOROT,
          bias_initializer: ZEROS,
        });
        const expected = addBiasAct(depthwiseRef(x, kernel, { stride: t.s, dilation: t.d, padding: t.padding }), bias, linear);
        assert.equal(expected.shape[1], t.len);
        assertClose(await run(json, [kernel, bias], [x]), expected);
      });
    }

    it('channels_first, relu', async () => {
      const x = sample([2, 2, 6], 9);
      const kernel = sample([3, 2, 2], 10);
      const bias = sample([4], 11);
      const json = singleLayerModel([2, 6], 'DepthwiseConv1D', {
        kernel_size: 3,
        depth_multiplier: 2,
        padding: 'same',
        data_format: 'channels_first',
        activation: 'relu',
      });
      const expected = cf3(addBiasAct(depthwiseRef(cl3(x), kernel, { stride: 1, dilation: 1, padding: 'same' }), bias, relu));
      assertClose(await run(json, [kernel, bias], [x]), expected);
    });
  });

  it('applies softmax over the last axis of the channels_first output, like Keras', async () => {
    const x = sample([2, 2, 5], 42);
    const kernel = sample([2, 2, 2], 43);
    const bias = sample([4], 44);
    const json = singleLayerModel([2, 5], 'DepthwiseConv1D', {
      kernel_size: 2,
      depth_multiplier: 2,
      data_format: 'channels_first',
      activation: 'softmax',
    });
    const expected = softmaxLastAxis(
      cf3(addBiasAct(depthwiseRef(cl3(x), kernel, { stride: 1, dilation: 1, padding: 'valid' }), bias, linear)),
    );
    assert.deepEqual(expected.shape, [2, 4, 4]);
    assertClose(await run(json, [kernel, bias], [x]), expected);
  });

  describe('SeparableConv1D', () => {
    const cases: {
      title: string;
      n: number;
      c: number;
      dm: number;
      f: number;
      k: number;
      s: number;
      d: number;
      padding: 'valid' | 'same' | 'causal';
      len: number;
    }[] = [
      { title: 'valid', n: 7, c: 2, dm: 1, f: 3, k: 3, s: 1, d: 1, padding: 'valid', len: 5 },
      { title: 'same, stride 2, depth_multiplier 2', n: 7, c: 2, dm: 2, f: 3, k: 3, s: 2, d: 1, padding: 'same', len: 4 },
      { title: 'same, dilation 2', n: 8, c: 3, dm: 1, f: 2, k: 3, s: 1, d: 2, padding: 'same', len: 8 },
      { title: 'valid, stride 2 with dilation 2', n: 9, c: 2, dm: 2, f: 2, k: 2, s: 2, d: 2, padding: 'valid', len: 4 },
      { title: 'causal (Keras 2)', n: 6, c: 2, dm: 1, f: 2, k: 3, s: 1, d: 1, padding: 'causal', len: 6 },
    ];
    for (const t of cases) {
      it(t.title, async () => {
        const x = sample([2, t.n, t.c], 12);
        const dw = sample([t.k, t.c, t.dm], 13);
        const pw = sample([1, t.c * t.dm, t.f], 14);
        const bias = sample([t.f], 15);
        const json = singleLayerModel([t.n, t.c], 'SeparableConv1D', {
          filters: t.f,
          kernel_size: [t.k],
          strides: [t.s],
          padding: t.padding,
          depth_multiplier: t.dm,
          data_format: 'channels_last',
          dilation_rate: [t.d],
          activation: 'linear',
          use_bias: true,
          depthwise_initializer: GLOROT,
          pointwise_initializer: GLOROT,
          bias_initializer: ZEROS,
        });
        const expected = addBiasAct(
          pointwiseRef(depthwiseRef(x, dw, { stride: t.s, dilation: t.d, padding: t.padding }), pw),
          bias,
          linear,
        );
        assert.equal(expected.shape[1], t.len);
        assertClose(await run(json, [dw, pw, bias], [x]), expected);
      });
    }

    it('channels_first, no bias, relu', async () => {
      const x = sample([2, 3, 5], 16);
      const dw = sample([2, 3, 1], 17);
      const pw = sample([1, 3, 4], 18);
      const json = singleLayerModel([3, 5], 'SeparableConv1D', {
        filters: 4,
        kernel_size: 2,
        padding: 'valid',
        data_format: 'channels_first',
        activation: 'relu',
        use_bias: false,
      });
      const expected = cf3(
        addBiasAct(pointwiseRef(depthwiseRef(cl3(x), dw, { stride: 1, dilation: 1, padding: 'valid' }), pw), null, relu),
      );
      assertClose(await run(json, [dw, pw], [x]), expected);
    });
  });

  describe('GlobalAveragePooling3D / GlobalMaxPooling3D', () => {
    const shapeCl = [2, 2, 3, 2, 3];
    for (const [className, reduce] of [
      ['GlobalAveragePooling3D', (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length],
      ['GlobalMaxPooling3D', (vs: number[]) => Math.max(...vs)],
    ] as const) {
      const pool = (x: Arr): Arr =>
        fromFn([x.shape[0] ?? 0, x.shape[4] ?? 0], ([b = 0, c = 0]) => {
          const vs: number[] = [];
          for (let i = 0; i < (x.shape[1] ?? 0); i++)
            for (let j = 0; j < (x.shape[2] ?? 0); j++) for (let k = 0; k < (x.shape[3] ?? 0); k++) vs.push(at(x, [b, i, j, k, c]));
          return reduce(vs);
        });
      it(`${className} channels_last`, async () => {
        const x = sample(shapeCl, 19);
        const json = singleLayerModel(shapeCl.slice(1), className, { data_format: 'channels_last', keepdims: false });
        assertClose(await run(json, [], [x]), pool(x));
      });
      it(`${className} channels_first, keepdims`, async () => {
        const x = sample([2, 3, 2, 2, 4], 20);
        const json = singleLayerModel([3, 2, 2, 4], className, { data_format: 'channels_first', keepdims: true });
        const p = pool(cl5(x));
        assertClose(await run(json, [], [x]), { shape: [2, 3, 1, 1, 1], data: p.data });
      });
    }
  });

  describe('identity layers', () => {
    const cases: [string, number[], Config][] = [
      ['SpatialDropout2D', [3, 4, 2], { rate: 0.5, data_format: 'channels_last', seed: null }],
      ['SpatialDropout3D', [2, 3, 2, 2], { rate: 0.3, data_format: 'channels_first', seed: 7 }],
      ['ActivityRegularization', [5], { l1: 0.01, l2: 0.02 }],
    ];
    for (const [className, shape, config] of cases) {
      it(`${className} passes its input through`, async () => {
        const x = sample([2, ...shape], 21);
        assertClose(await run(singleLayerModel(shape, className, config), [], [x]), x);
      });
    }
  });

  describe('Subtract', () => {
    function twoInputModel(a: number[], b: number[]): Config {
      return {
        class_name: 'Functional',
        config: {
          name: 'm',
          layers: [
            inputLayer('a', a),
            inputLayer('b', b),
            {
              class_name: 'Subtract',
              config: { name: 'x', trainable: true, dtype: 'float32' },
              name: 'x',
              inbound_nodes: [
                [
                  ['a', 0, 0, {}],
                  ['b', 0, 0, {}],
                ],
              ],
            },
          ],
          input_layers: [
            ['a', 0, 0],
            ['b', 0, 0],
          ],
          output_layers: [['x', 0, 0]],
        },
      };
    }

    it('a - b for equal shapes', async () => {
      const a = sample([2, 3, 4], 22);
      const b = sample([2, 3, 4], 23);
      const expected = fromFn([2, 3, 4], (i) => at(a, i) - at(b, i));
      assertClose(await run(twoInputModel([3, 4], [3, 4]), [], [a, b]), expected);
    });

    it('broadcasts a size-1 axis', async () => {
      const a = sample([2, 1, 4], 24);
      const b = sample([2, 3, 4], 25);
      const expected = fromFn([2, 3, 4], ([n = 0, i = 0, j = 0]) => at(a, [n, 0, j]) - at(b, [n, i, j]));
      assertClose(await run(twoInputModel([1, 4], [3, 4]), [], [a, b]), expected);
    });

    it('expands a lower-rank input after the batch axis', async () => {
      const a = sample([2, 3, 4], 26);
      const b = sample([2, 4], 27);
      const expected = fromFn([2, 3, 4], ([n = 0, i = 0, j = 0]) => at(a, [n, i, j]) - at(b, [n, j]));
      assertClose(await run(twoInputModel([3, 4], [4]), [], [a, b]), expected);
    });

    it('rejects anything but two inputs', async () => {
      const json = twoInputModel([3], [3]);
      const layers = (json['config'] as { layers: Config[] }).layers;
      layers.splice(2, 0, inputLayer('c', [3]));
      const sub = layers[3] as { inbound_nodes: unknown[][][] };
      sub.inbound_nodes[0]?.push(['c', 0, 0, {}]);
      (json['config'] as Config)['input_layers'] = [
        ['a', 0, 0],
        ['b', 0, 0],
        ['c', 0, 0],
      ];
      await assert.rejects(load(json), /exactly 2 inputs/);
    });
  });

  describe('ZeroPadding1D / ZeroPadding3D', () => {
    it('ZeroPadding1D int padding', async () => {
      const x = sample([2, 3, 2], 28);
      const expected = fromFn([2, 5, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, t - 1, c]));
      assertClose(await run(singleLayerModel([3, 2], 'ZeroPadding1D', { padding: 1 }), [], [x]), expected);
    });

    it('ZeroPadding1D (left, right) pair', async () => {
      const x = sample([2, 3, 2], 29);
      const expected = fromFn([2, 6, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, t - 2, c]));
      assertClose(await run(singleLayerModel([3, 2], 'ZeroPadding1D', { padding: [2, 1] }), [], [x]), expected);
    });

    it('ZeroPadding1D channels_first (Keras 3)', async () => {
      const x = sample([2, 2, 3], 30);
      const expected = fromFn([2, 2, 4], ([b = 0, c = 0, t = 0]) => at(x, [b, c, t]));
      assertClose(
        await run(singleLayerModel([2, 3], 'ZeroPadding1D', { padding: [0, 1], data_format: 'channels_first' }), [], [x]),
        expected,
      );
    });

    const pad3 = (x: Arr, p: [number, number][]): Arr =>
      fromFn(
        x.shape.map((s, i) => (i >= 1 && i <= 3 ? s + (p[i - 1]?.[0] ?? 0) + (p[i - 1]?.[1] ?? 0) : s)),
        ([b = 0, i = 0, j = 0, k = 0, c = 0]) => at(x, [b, i - (p[0]?.[0] ?? 0), j - (p[1]?.[0] ?? 0), k - (p[2]?.[0] ?? 0), c]),
      );

    it('ZeroPadding3D int padding', async () => {
      const x = sample([1, 2, 2, 2, 2], 31);
      const expected = pad3(x, [
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
      assertClose(await run(singleLayerModel([2, 2, 2, 2], 'ZeroPadding3D', { padding: 1 }), [], [x]), expected);
    });

    it('ZeroPadding3D per-axis symmetric ints', async () => {
      const x = sample([1, 2, 3, 2, 1], 32);
      const expected = pad3(x, [
        [0, 0],
        [2, 2],
        [1, 1],
      ]);
      assertClose(await run(singleLayerModel([2, 3, 2, 1], 'ZeroPadding3D', { padding: [0, 2, 1] }), [], [x]), expected);
    });

    it('ZeroPadding3D per-axis pairs, channels_first', async () => {
      const x = sample([2, 2, 2, 3, 2], 33);
      const p: [number, number][] = [
        [1, 0],
        [0, 2],
        [2, 1],
      ];
      const expected = cf5(pad3(cl5(x), p));
      assertClose(
        await run(singleLayerModel([2, 2, 3, 2], 'ZeroPadding3D', { padding: p, data_format: 'channels_first' }), [], [x]),
        expected,
      );
    });
  });

  describe('Cropping1D / Cropping3D', () => {
    it('Cropping1D default (1, 1)', async () => {
      const x = sample([2, 5, 2], 34);
      const expected = fromFn([2, 3, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, t + 1, c]));
      assertClose(await run(singleLayerModel([5, 2], 'Cropping1D', {}), [], [x]), expected);
    });

    it('Cropping1D (2, 0) pair and int', async () => {
      const x = sample([2, 5, 2], 35);
      assertClose(
        await run(singleLayerModel([5, 2], 'Cropping1D', { cropping: [2, 0] }), [], [x]),
        fromFn([2, 3, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, t + 2, c])),
      );
      assertClose(
        await run(singleLayerModel([5, 2], 'Cropping1D', { cropping: 2 }), [], [x]),
        fromFn([2, 1, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, t + 2, c])),
      );
    });

    it('Cropping1D rejects cropping everything', async () => {
      await assert.rejects(load(singleLayerModel([4, 2], 'Cropping1D', { cropping: [2, 2] })), /leaves nothing/);
    });

    const crop3 = (x: Arr, p: [number, number][]): Arr =>
      fromFn(
        x.shape.map((s, i) => (i >= 1 && i <= 3 ? s - (p[i - 1]?.[0] ?? 0) - (p[i - 1]?.[1] ?? 0) : s)),
        ([b = 0, i = 0, j = 0, k = 0, c = 0]) => at(x, [b, i + (p[0]?.[0] ?? 0), j + (p[1]?.[0] ?? 0), k + (p[2]?.[0] ?? 0), c]),
      );

    it('Cropping3D per-axis pairs', async () => {
      const x = sample([2, 4, 5, 3, 2], 36);
      const p: [number, number][] = [
        [1, 2],
        [0, 3],
        [1, 0],
      ];
      assertClose(
        await run(singleLayerModel([4, 5, 3, 2], 'Cropping3D', { cropping: p, data_format: 'channels_last' }), [], [x]),
        crop3(x, p),
      );
    });

    it('Cropping3D int and symmetric ints, channels_first', async () => {
      const x = sample([1, 2, 4, 4, 5], 37);
      assertClose(
        await run(singleLayerModel([2, 4, 4, 5], 'Cropping3D', { cropping: 1, data_format: 'channels_first' }), [], [x]),
        cf5(
          crop3(cl5(x), [
            [1, 1],
            [1, 1],
            [1, 1],
          ]),
        ),
      );
      assertClose(
        await run(singleLayerModel([2, 4, 4, 5], 'Cropping3D', { cropping: [0, 1, 2], data_format: 'channels_first' }), [], [x]),
        cf5(
          crop3(cl5(x), [
            [0, 0],
            [1, 1],
            [2, 2],
          ]),
        ),
      );
    });
  });

  describe('UpSampling1D / UpSampling3D', () => {
    it('UpSampling1D size 3', async () => {
      const x = sample([2, 3, 2], 38);
      const expected = fromFn([2, 9, 2], ([b = 0, t = 0, c = 0]) => at(x, [b, Math.floor(t / 3), c]));
      assertClose(await run(singleLayerModel([3, 2], 'UpSampling1D', { size: 3 }), [], [x]), expected);
    });

    const up3 = (x: Arr, s: number[]): Arr =>
      fromFn(
        x.shape.map((n, i) => (i >= 1 && i <= 3 ? n * (s[i - 1] ?? 1) : n)),
        ([b = 0, i = 0, j = 0, k = 0, c = 0]) =>
          at(x, [b, Math.floor(i / (s[0] ?? 1)), Math.floor(j / (s[1] ?? 1)), Math.floor(k / (s[2] ?? 1)), c]),
      );

    it('UpSampling3D per-axis sizes', async () => {
      const x = sample([2, 2, 3, 2, 2], 39);
      assertClose(
        await run(singleLayerModel([2, 3, 2, 2], 'UpSampling3D', { size: [2, 1, 3], data_format: 'channels_last' }), [], [x]),
        up3(x, [2, 1, 3]),
      );
    });

    it('UpSampling3D int size, channels_first', async () => {
      const x = sample([1, 3, 2, 2, 1], 40);
      assertClose(
        await run(singleLayerModel([3, 2, 2, 1], 'UpSampling3D', { size: 2, data_format: 'channels_first' }), [], [x]),
        cf5(up3(cl5(x), [2, 2, 2])),
      );
    });
  });

  describe('construction details', () => {
    it('builds Keras-shaped default weights from Keras 3 initializer configs', async () => {
      const keras3Init = (className: string): Config => ({
        module: 'keras.initializers',
        class_name: className,
        config: { seed: null },
        registered_name: null,
      });
      const json = singleLayerModel([6, 3], 'SeparableConv1D', {
        filters: 4,
        kernel_size: [3],
        depth_multiplier: 2,
        depthwise_initializer: keras3Init('GlorotUniform'),
        pointwise_initializer: keras3Init('HeNormal'),
        bias_initializer: { module: 'keras.initializers', class_name: 'Ones', config: {}, registered_name: null },
      });
      const model = await load(json);
      try {
        assert.deepEqual(
          model.weights.map((w) => [w.originalName, w.shape]),
          [
            ['x/depthwise_kernel', [3, 3, 2]],
            ['x/pointwise_kernel', [1, 6, 4]],
            ['x/bias', [4]],
          ],
        );
        const [dw, , bias] = model.getWeights();
        // Keras/tfjs fans for (k, in, dm): fan_in = k * in, fan_out = k * dm.
        const limit = Math.sqrt(6 / (3 * 3 + 3 * 2));
        assert.ok(Array.from(dw?.dataSync() ?? []).every((v) => Math.abs(v) <= limit));
        assert.deepEqual(Array.from(bias?.dataSync() ?? []), [1, 1, 1, 1]);
      } finally {
        model.dispose();
      }
    });

    it('weights follow Keras names and order', async () => {
      const cases: [string, number[], Config, [string, number[]][]][] = [
        [
          'Conv1DTranspose',
          [5, 3],
          { filters: 2, kernel_size: 4 },
          [
            ['x/kernel', [4, 2, 3]],
            ['x/bias', [2]],
          ],
        ],
        [
          'DepthwiseConv1D',
          [5, 3],
          { kernel_size: 2, depth_multiplier: 3, use_bias: true },
          [
            ['x/kernel', [2, 3, 3]],
            ['x/bias', [9]],
          ],
        ],
      ];
      for (const [className, shape, config, expected] of cases) {
        const model = await load(singleLayerModel(shape, className, config));
        assert.deepEqual(
          model.weights.map((w) => [w.originalName, w.shape]),
          expected,
        );
        model.dispose();
      }
    });

    it('round-trips through toJSON/modelFromJSON', async () => {
      const models: [Config, number[], number][] = [
        [
          singleLayerModel([5, 2], 'Conv1DTranspose', {
            filters: 3,
            kernel_size: 3,
            strides: 2,
            padding: 'same',
            output_padding: 1,
            dilation_rate: 1,
            activation: 'tanh',
            data_format: 'channels_first',
          }),
          [2, 5, 2],
          2,
        ],
        [
          singleLayerModel([7, 2], 'DepthwiseConv1D', {
            kernel_size: 3,
            strides: 2,
            depth_multiplier: 2,
            padding: 'causal',
            activation: 'gelu',
          }),
          [2, 7, 2],
          2,
        ],
        [
          singleLayerModel([7, 2], 'SeparableConv1D', {
            filters: 3,
            kernel_size: 3,
            dilation_rate: 2,
            padding: 'same',
            activation: 'hard_sigmoid',
          }),
          [2, 7, 2],
          3,
        ],
        [singleLayerModel([2, 2, 2, 3], 'GlobalMaxPooling3D', { keepdims: true }), [2, 2, 2, 2, 3], 0],
        [singleLayerModel([4, 3, 2], 'SpatialDropout2D', { rate: 0.2 }), [2, 4, 3, 2], 0],
        [singleLayerModel([4], 'ActivityRegularization', { l1: 0.1 }), [2, 4], 0],
        [singleLayerModel([3, 2], 'ZeroPadding1D', { padding: [1, 2] }), [2, 3, 2], 0],
        [singleLayerModel([3, 3, 3, 1], 'Cropping3D', { cropping: [[1, 0], 1, [0, 1]] }), [2, 3, 3, 3, 1], 0],
        [singleLayerModel([3, 2, 2, 1], 'UpSampling3D', { size: [1, 2, 3], data_format: 'channels_first' }), [2, 3, 2, 2, 1], 0],
      ];
      for (const [json, inputShape, weightCount] of models) {
        const first = await load(json);
        assert.equal(first.getWeights().length, weightCount);
        const second = await load(first.toJSON(null, false) as unknown as Config);
        second.setWeights(first.getWeights());
        const x = tf.tensor(sample(inputShape, 41).data, inputShape);
        const a = first.predict(x) as tf.Tensor;
        const b = second.predict(x) as tf.Tensor;
        assert.deepEqual(a.shape, b.shape);
        assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
        tf.dispose([x, a, b]);
        first.dispose();
        second.dispose();
      }
    });
  });
});
