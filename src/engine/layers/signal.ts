// TensorFlow.js implementations of the Keras layers of src/analysis/keras/rules/signal.ts, none of which tfjs-layers has:
// adaptive average and max pooling (keras/src/backend/jax/nn.py: each output cell pools input[floor(i·L/n) : ceil((i+1)·L/n)]),
// STFTSpectrogram (a convolution with its DFT kernels, keras/src/layers/preprocessing/stft_spectrogram.py, the kernels made
// as keras.initializers.STFT makes them, in float32) and MelSpectrogram (keras/src/layers/preprocessing/mel_spectrogram.py
// over the JAX backend's stft: reflect-padded frames, the window, a real DFT, the HTK mel filterbank, decibels).

import * as tf from '@tensorflow/tfjs';
import { normalizeDataFormat, normalizeTuple, singleShape, singleTensor } from './common.js';
import type { DataFormat, Initializer, KerasLayerClass, LayerArgs } from './common.js';

type Config = Record<string, unknown>;
const f32 = Math.fround;

/** A layer's constructor arguments without the base ones (name, trainable), for getConfig. */
function ownConfig(args: Config): tf.serialization.ConfigDict {
  return Object.fromEntries(Object.entries(args).filter(([key]) => key !== 'name' && key !== 'trainable')) as tf.serialization.ConfigDict;
}

// ---- adaptive pooling -----------------------------------------------------------------------------------------------

function adaptivePooling(rank: number, kind: 'average' | 'max', className: string): KerasLayerClass {
  return class extends tf.layers.Layer {
    static className = className;
    private readonly outputSize: number[];
    private readonly dataFormat: DataFormat;

    constructor(args: LayerArgs & Config) {
      super(args);
      this.outputSize = normalizeTuple(args['outputSize'], rank, 'output_size');
      this.dataFormat = normalizeDataFormat(args['dataFormat']);
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const shape = singleShape(inputShape);
      return this.dataFormat === 'channelsLast'
        ? [shape[0] ?? null, ...this.outputSize, shape.at(-1) ?? null]
        : [shape[0] ?? null, shape[1] ?? null, ...this.outputSize];
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() => {
        let x = singleTensor(inputs);
        if (x.rank !== rank + 2) throw new Error(`${className} is evaluated on inputs of rank ${rank + 2}; got rank ${x.rank}`);
        const first = this.dataFormat === 'channelsFirst';
        this.outputSize.forEach((size, i) => {
          const axis = first ? i + 2 : i + 1;
          const length = x.shape[axis]!;
          const cells: tf.Tensor[] = [];
          for (let j = 0; j < size; j++) {
            const start = Math.floor((j * length) / size);
            const end = Math.ceil(((j + 1) * length) / size);
            const begin = x.shape.map((_, a) => (a === axis ? start : 0));
            const extent = x.shape.map((s, a) => (a === axis ? end - start : s));
            const window = tf.slice(x, begin, extent);
            cells.push(kind === 'average' ? tf.mean(window, axis, true) : tf.max(window, axis, true));
          }
          x = tf.concat(cells, axis);
        });
        return x;
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), outputSize: this.outputSize, dataFormat: this.dataFormat };
    }
  };
}

// ---- windows --------------------------------------------------------------------------------------------------------

/** numpy's linspace in float64. */
function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + i * step));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function generalCosine(m: number, a: readonly number[]): number[] {
  const fac = linspace(-Math.PI, Math.PI, m);
  return fac.map((f) => a.reduce((sum, ak, k) => sum + ak * Math.cos(k * f), 0));
}

/** scipy.signal.windows' symmetric windows of length m (m > 1), by scipy name. */
const symmetricWindows: Readonly<Record<string, (m: number) => number[]>> = {
  hann: (m) => generalCosine(m, [0.5, 0.5]),
  hamming: (m) => generalCosine(m, [0.54, 0.46]),
  blackman: (m) => generalCosine(m, [0.42, 0.5, 0.08]),
  nuttall: (m) => generalCosine(m, [0.3635819, 0.4891775, 0.1365995, 0.0106411]),
  blackmanharris: (m) => generalCosine(m, [0.35875, 0.48829, 0.14128, 0.01168]),
  flattop: (m) => generalCosine(m, [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368]),
  boxcar: (m) => Array<number>(m).fill(1),
  bartlett: (m) => range(m).map((n) => (n <= (m - 1) / 2 ? (2 * n) / (m - 1) : 2 - (2 * n) / (m - 1))),
  triang: (m) => {
    const half = range(Math.floor((m + 1) / 2)).map((i) => i + 1);
    if (m % 2 === 0) {
      const w = half.map((n) => (2 * n - 1) / m);
      return [...w, ...[...w].reverse()];
    }
    const w = half.map((n) => (2 * n) / (m + 1));
    return [...w, ...w.slice(0, -1).reverse()];
  },
  cosine: (m) => range(m).map((n) => Math.sin((Math.PI / m) * (n + 0.5))),
  bohman: (m) => {
    const fac = linspace(-1, 1, m)
      .slice(1, -1)
      .map((v) => Math.abs(v));
    return [0, ...fac.map((f) => (1 - f) * Math.cos(Math.PI * f) + (1 / Math.PI) * Math.sin(Math.PI * f)), 0];
  },
  parzen: (m) => {
    const n: number[] = [];
    for (let v = -(m - 1) / 2; v < (m - 1) / 2 + 0.5; v += 1) n.push(v);
    const na = n.filter((v) => v < -(m - 1) / 4);
    const nb = n.filter((v) => Math.abs(v) <= (m - 1) / 4);
    const wa = na.map((v) => 2 * (1 - Math.abs(v) / (m / 2)) ** 3);
    const wb = nb.map((v) => 1 - 6 * (Math.abs(v) / (m / 2)) ** 2 + 6 * (Math.abs(v) / (m / 2)) ** 3);
    return [...wa, ...wb, ...[...wa].reverse()];
  },
  barthann: (m) =>
    range(m).map((n) => {
      const fac = Math.abs(n / (m - 1) - 0.5);
      return 0.62 - 0.48 * fac + 0.38 * Math.cos(2 * Math.PI * fac);
    }),
  lanczos: (m) => {
    const sinc = (v: number): number => (v === 0 ? 1 : Math.sin(Math.PI * v) / (Math.PI * v));
    const right = (from: number): number[] => range(m - from).map((i) => sinc((2 * (from + i)) / (m - 1) - 1));
    if (m % 2 === 0) {
      const wh = right(m / 2);
      return [...[...wh].reverse(), ...wh];
    }
    const wh = right((m + 1) / 2);
    return [...[...wh].reverse(), 1, ...wh];
  },
  tukey: (m) => {
    const alpha = 0.5;
    const width = Math.floor((alpha * (m - 1)) / 2);
    const n = range(m);
    return n.map((v) => {
      if (v <= width) return 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * v) / alpha / (m - 1))));
      if (v < m - width - 1) return 1;
      return 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * v) / alpha / (m - 1))));
    });
  },
};

/** scipy's aliases of the windows above. */
const windowAliases: Readonly<Record<string, string>> = {
  han: 'hann',
  hamm: 'hamming',
  ham: 'hamming',
  black: 'blackman',
  blk: 'blackman',
  nutl: 'nuttall',
  nut: 'nuttall',
  blackharr: 'blackmanharris',
  bkh: 'blackmanharris',
  flat: 'flattop',
  flt: 'flattop',
  box: 'boxcar',
  ones: 'boxcar',
  rect: 'boxcar',
  rectangular: 'boxcar',
  bart: 'bartlett',
  brt: 'bartlett',
  triangle: 'triang',
  tri: 'triang',
  halfcosine: 'cosine',
  bman: 'bohman',
  bmn: 'bohman',
  parz: 'parzen',
  par: 'parzen',
  brthan: 'barthann',
  bth: 'barthann',
  sinc: 'lanczos',
  tuk: 'tukey',
};

/** `scipy.signal.get_window(window, m, fftbins=periodic)` in float64; a list of numbers is the window itself. */
function getWindow(window: unknown, m: number, periodic: boolean): number[] {
  if (Array.isArray(window) && window.every((v) => typeof v === 'number')) {
    if (window.length !== m) throw new Error(`The shape of \`window\` must be equal to [${m}]. Received: window shape=(${window.length},)`);
    return window as number[];
  }
  if (typeof window !== 'string')
    throw new Error(`window=${JSON.stringify(window)} is not evaluated (only scipy's windows without parameters)`);
  let symmetric = !periodic;
  let name = window;
  if (name.endsWith('_symmetric') || name.endsWith('Symmetric')) [symmetric, name] = [true, name.slice(0, -10)];
  else if (name.endsWith('_periodic') || name.endsWith('Periodic')) [symmetric, name] = [false, name.slice(0, -9)];
  name = windowAliases[name] ?? name;
  const make = symmetricWindows[name];
  if (!make) throw new Error(`window '${window}' is not evaluated (only scipy's windows without parameters)`);
  if (m <= 1) return Array<number>(m).fill(1);
  // A periodic window is the symmetric one of m + 1 points without its last.
  return symmetric ? make(m) : make(m + 1).slice(0, m);
}

// ---- STFTSpectrogram ------------------------------------------------------------------------------------------------

/**
 * keras.initializers.STFT for a (frame_length, 1, bins) kernel, in float32 as Keras computes it:
 * cos/sin(-2·t·(f / (2·(bins-1)))·π), times the window, over its density or spectrum scaling.
 */
export function stftKernel(
  side: 'real' | 'imag',
  frameLength: number,
  bins: number,
  window: unknown,
  scaling: unknown,
  periodic: boolean,
): Float32Array {
  const full = (bins - 1) * 2;
  const pi = f32(Math.acos(-1));
  const win = window === null || window === undefined ? null : getWindow(window, frameLength, periodic).map(f32);
  let scale = 1;
  if (win) {
    if (scaling === 'density') scale = f32(Math.sqrt(win.reduce((s, w) => f32(s + f32(w * w)), 0)));
    else if (scaling === 'spectrum') scale = win.reduce((s, w) => f32(s + Math.abs(w)), 0);
  }
  const out = new Float32Array(frameLength * bins);
  for (let t = 0; t < frameLength; t++) {
    for (let f = 0; f < bins; f++) {
      const freq = f32(f / full);
      const arg = f32(f32(f32(-2 * t) * freq) * pi);
      let value = f32(side === 'real' ? Math.cos(arg) : Math.sin(arg));
      if (win) value = f32(f32(value * win[t]!) / scale);
      out[t * bins + f] = value;
    }
  }
  return out;
}

// tfjs does not export its Initializer base class; Zeros derives from it directly.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as new () => Initializer;

function constantInitializer(values: Float32Array): Initializer {
  return new (class extends InitializerBase {
    static className = 'STFTKernel';
    apply(shape: tf.Shape): tf.Tensor {
      return tf.tensor(values, shape as number[], 'float32');
    }
    getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  })();
}

const stftModes = new Set(['log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft']);
const epsilon = 1e-7;

export class STFTSpectrogram extends tf.layers.Layer {
  static className = 'STFTSpectrogram';
  private readonly mode: string;
  private readonly frameLength: number;
  private readonly frameStep: number;
  private readonly fftLength: number;
  private readonly window: unknown;
  private readonly periodic: boolean;
  private readonly scaling: unknown;
  private readonly padding: 'valid' | 'same';
  private readonly expandDims: boolean;
  private readonly dataFormat: DataFormat;
  private readonly raw: Config;
  private real: tf.LayerVariable | null = null;
  private imag: tf.LayerVariable | null = null;

  constructor(args: LayerArgs & Config) {
    super(args);
    this.raw = { ...args };
    this.mode = String(args['mode'] ?? 'log');
    if (!stftModes.has(this.mode)) throw new Error(`STFTSpectrogram: unknown mode ${this.mode}`);
    this.frameLength = typeof args['frameLength'] === 'number' ? args['frameLength'] : 256;
    this.frameStep = typeof args['frameStep'] === 'number' && args['frameStep'] > 0 ? args['frameStep'] : Math.floor(this.frameLength / 2);
    this.fftLength =
      typeof args['fftLength'] === 'number' && args['fftLength'] > 0 ? args['fftLength'] : 2 ** Math.ceil(Math.log2(this.frameLength));
    // Absent after the export: None (no window, no scaling); Keras's defaults "hann" and "density" are in every config.
    this.window = args['window'] ?? null;
    this.periodic = args['periodic'] === true;
    this.scaling = args['scaling'] ?? null;
    this.padding = args['padding'] === 'same' ? 'same' : 'valid';
    this.expandDims = args['expandDims'] === true;
    this.dataFormat = normalizeDataFormat(args['dataFormat']);
  }

  private get bins(): number {
    return Math.floor(this.fftLength / 2) + 1;
  }

  override build(): void {
    const shape = [this.frameLength, 1, this.bins];
    const kernel = (side: 'real' | 'imag'): Initializer =>
      constantInitializer(stftKernel(side, this.frameLength, this.bins, this.window, this.scaling, this.periodic));
    if (this.mode !== 'imag') this.real = this.addWeight('real_kernel', shape, 'float32', kernel('real'));
    if (this.mode !== 'real') this.imag = this.addWeight('imag_kernel', shape, 'float32', kernel('imag'));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    const last = this.dataFormat === 'channelsLast';
    const channels = (last ? shape[2] : shape[1]) ?? null;
    const length = (last ? shape[1] : shape[2]) ?? null;
    const frequencies = this.mode === 'stft' ? 2 * this.bins : this.bins;
    const time =
      length === null
        ? null
        : this.padding === 'valid'
          ? Math.floor((length - this.frameLength) / this.frameStep) + 1
          : Math.floor((length - 1) / this.frameStep) + 1;
    const batch = shape[0] ?? null;
    if (this.expandDims) return last ? [batch, time, frequencies, channels] : [batch, channels, time, frequencies];
    const features = channels === null ? null : channels * frequencies;
    return last ? [batch, time, features] : [batch, features, time];
  }

  /** Keras `_apply_conv`: every channel framed on its own; (batch, channels, bins, time). */
  private convolve(x: tf.Tensor3D, kernel: tf.Tensor): tf.Tensor4D {
    const last = this.dataFormat === 'channelsLast';
    const [batch, a, b] = x.shape;
    const [channels, time] = last ? [b, a] : [a, b];
    const signals = (last ? tf.transpose(x, [0, 2, 1]) : x).reshape([batch * channels, time, 1]);
    const out = tf.conv1d(signals as tf.Tensor3D, kernel as tf.Tensor3D, this.frameStep, this.padding);
    return tf.transpose(out, [0, 2, 1]).reshape([batch, channels, out.shape[2], out.shape[1]]);
  }

  /** Keras `_adjust_shapes` from (batch, channels, frequencies, time). */
  private adjust(y: tf.Tensor4D): tf.Tensor {
    const [batch, channels, frequencies, time] = y.shape;
    if (this.dataFormat === 'channelsLast') {
      if (this.expandDims) return tf.transpose(y, [0, 3, 2, 1]);
      return tf.transpose(y.reshape([batch, channels * frequencies, time]), [0, 2, 1]);
    }
    if (this.expandDims) return tf.transpose(y, [0, 1, 3, 2]);
    return y.reshape([batch, channels * frequencies, time]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      if (x.rank !== 3) throw new Error(`STFTSpectrogram expects a rank-3 input, got rank ${x.rank}`);
      const real = this.real ? this.convolve(x as tf.Tensor3D, this.real.read()) : null;
      const imag = this.imag ? this.convolve(x as tf.Tensor3D, this.imag.read()) : null;
      switch (this.mode) {
        case 'real':
          return this.adjust(real!);
        case 'imag':
          return this.adjust(imag!);
        case 'angle':
          return this.adjust(tf.atan2(imag!, real!));
        case 'stft':
          return this.adjust(tf.concat([real!, imag!], 2) as tf.Tensor4D);
      }
      const power = tf.add(tf.square(real!), tf.square(imag!)) as tf.Tensor4D;
      if (this.mode === 'psd') {
        const bins = power.shape[2];
        // power + pad(power[:, :, 1:-1, :]): the bins other than the first and last count twice.
        const inner = tf.slice(power, [0, 0, 1, 0], [-1, -1, Math.max(bins - 2, 0), -1]);
        const padded = tf.pad(inner, [
          [0, 0],
          [0, 0],
          [1, 1],
          [0, 0],
        ]);
        return this.adjust(tf.add(power, padded.slice([0, 0, 0, 0], power.shape)) as tf.Tensor4D);
      }
      const linear = this.adjust(tf.sqrt(tf.maximum(power, epsilon)) as tf.Tensor4D);
      return this.mode === 'magnitude' ? linear : tf.log(tf.maximum(linear, epsilon));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...ownConfig(this.raw) };
  }
}

// ---- MelSpectrogram -------------------------------------------------------------------------------------------------

const melBreakFrequencyHertz = 700;
const melHighFrequencyQ = 1127;

// Keras computes the filterbank in float32 with XLA's CPU kernels; a narrow triangle turns one ulp of its logarithm into a
// visible error, so the arithmetic below is XLA's: a division by a constant is a product with its float32 reciprocal, and
// the logarithm is XLA's (Cephes's polynomial with fused multiply-adds), bit for bit.

const f32Bits = new Float32Array(1);
const f32Int = new Int32Array(f32Bits.buffer);

/** The float32 next to a non-zero float32 `v`, away from or towards zero. */
function nextFloat32(v: number, up: boolean): number {
  f32Bits[0] = v;
  f32Int[0]! += v > 0 === up ? 1 : -1;
  return f32Bits[0]!;
}

/** fma(a, b, c) of float32 numbers, rounded once to float32 (the product is exact in float64; the sum's error is tracked). */
function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const v = s - p;
  const error = p - (s - v) + (c - v);
  const r = f32(s);
  if (error === 0 || r === s) return r;
  const other = nextFloat32(r, s > r);
  // Only a float64 sum exactly halfway between two float32s can round the wrong way.
  if ((r + other) / 2 !== s) return r;
  return error > 0 ? Math.max(r, other) : Math.min(r, other);
}

const cephesLog = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
  3.3333331174e-1,
].map(f32);

/** XLA's float32 log on CPU, for a positive finite float32. */
function log32(value: number): number {
  let exponent = Math.floor(Math.log2(value)) + 1;
  let x = value / 2 ** exponent;
  if (x >= 1) [x, exponent] = [x / 2, exponent + 1];
  if (x < 0.5) [x, exponent] = [x * 2, exponent - 1];
  const small = x < f32(Math.SQRT1_2);
  const shifted = small ? x : 0;
  x = f32(x - 1);
  if (small) exponent -= 1;
  x = f32(x + shifted);
  const [p0, p1, p2, p3, p4, p5, p6, p7, p8] = cephesLog as [number, number, number, number, number, number, number, number, number];
  const x2 = f32(x * x);
  const x3 = f32(x2 * x);
  let y = fma32(fma32(p0, x, p1), x, p2);
  const y1 = fma32(fma32(p3, x, p4), x, p5);
  const y2 = fma32(fma32(p6, x, p7), x, p8);
  y = fma32(fma32(y, x3, y1), x3, y2);
  const e = f32(exponent);
  y = fma32(y, x3, f32(e * f32(-2.1219444e-4)));
  x = f32(f32(x - f32(x2 * 0.5)) + y);
  return f32(x + f32(e * f32(0.693359375)));
}

/**
 * jnp.linspace in float32 as XLA compiles it: start·(1 − i·r) + i·(stop·r) with r the float32 1/(n−1), the last
 * product and sum fused, the last point stop.
 */
function linspace32(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const div = n - 1;
  const r = f32(1 / div);
  const stopStep = f32(stop * r);
  return Array.from({ length: n }, (_, i) => (i === div ? stop : fma32(i, stopStep, f32(start * f32(1 - f32(i * r))))));
}

const hertzToMel = (hertz: number): number => f32(melHighFrequencyQ * log32(f32(1 + f32(hertz * f32(1 / melBreakFrequencyHertz)))));

/** MelSpectrogram.linear_to_mel_weight_matrix, (bins, mel bins), its float32 arithmetic step by step. */
export function melWeights(mels: number, bins: number, samplingRate: number, lower: number, upper: number): Float32Array {
  const nyquist = f32(f32(samplingRate) * 0.5);
  const linear = linspace32(0, nyquist, bins).slice(1);
  const binsMel = linear.map(hertzToMel);
  const edges = linspace32(hertzToMel(f32(lower)), hertzToMel(f32(upper)), mels + 2);
  const out = new Float32Array(bins * mels);
  binsMel.forEach((mel, k) => {
    for (let m = 0; m < mels; m++) {
      const [lo, center, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
      const lowerSlope = f32(f32(mel - lo) / f32(center - lo));
      const upperSlope = f32(f32(hi - mel) / f32(hi - center));
      out[(k + 1) * mels + m] = Math.max(0, Math.min(lowerSlope, upperSlope));
    }
  });
  return out;
}

/** Indices of jnp.pad(mode="reflect") of a length-n axis by `pad` on both sides. */
function reflectIndices(n: number, pad: number): number[] {
  if (n === 1) return Array<number>(n + 2 * pad).fill(0);
  const period = 2 * (n - 1);
  return Array.from({ length: n + 2 * pad }, (_, i) => {
    const r = (((i - pad) % period) + period) % period;
    return r < n ? r : period - r;
  });
}

/** A real DFT of length n in float64: radix 2 when n is a power of two, else the direct sum; magnitudes as float32. */
class RealDft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly radix2: boolean;

  constructor(private readonly n: number) {
    this.cos = Float64Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * k) / n));
    this.sin = Float64Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * k) / n));
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.radix2 = (n & (n - 1)) === 0;
  }

  /** Writes |X_k| for k in 0..n/2 of the real signal `x` into `out` from `at`, |X| = sqrt(f32(re²) + f32(im²)) in float32. */
  magnitudes(x: Float64Array, out: Float32Array, at: number): void {
    const { n, re, im } = this;
    const bins = Math.floor(n / 2) + 1;
    if (this.radix2) this.fft(x);
    else {
      for (let k = 0; k < bins; k++) {
        let sr = 0;
        let si = 0;
        for (let i = 0; i < n; i++) {
          const w = (i * k) % n;
          sr += x[i]! * this.cos[w]!;
          si -= x[i]! * this.sin[w]!;
        }
        re[k] = sr;
        im[k] = si;
      }
    }
    for (let k = 0; k < bins; k++) {
      const r = f32(re[k]!);
      const i = f32(im[k]!);
      out[at + k] = Math.sqrt(f32(f32(r * r) + f32(i * i)));
    }
  }

  /** In-place iterative radix-2 FFT of x into re, im. */
  private fft(x: Float64Array): void {
    const { n, re, im } = this;
    for (let i = 0, j = 0; i < n; i++) {
      re[j] = x[i]!;
      im[j] = 0;
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j |= bit;
    }
    for (let size = 2; size <= n; size <<= 1) {
      const step = n / size;
      const half = size >> 1;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const c = this.cos[k * step]!;
          const s = -this.sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = re[b]! * c - im[b]! * s;
          const ti = re[b]! * s + im[b]! * c;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
  }
}

export class MelSpectrogram extends tf.layers.Layer {
  static className = 'MelSpectrogram';
  private readonly fftLength: number;
  private readonly stride: number;
  private readonly sequenceLength: number;
  private readonly window: unknown;
  private readonly samplingRate: number;
  private readonly mels: number;
  private readonly minFreq: number;
  private readonly maxFreq: number;
  private readonly powerToDb: boolean;
  private readonly topDb: number;
  private readonly magExp: number;
  private readonly minPower: number;
  private readonly refPower: number;
  private readonly raw: Config;

  constructor(args: LayerArgs & Config) {
    super(args);
    this.raw = { ...args };
    const num = (key: string, fallback: number): number => (typeof args[key] === 'number' ? args[key] : fallback);
    this.fftLength = num('fftLength', 2048);
    this.stride = num('sequenceStride', 512);
    this.sequenceLength = num('sequenceLength', this.fftLength);
    // Absent after the export: None (no window); Keras's default "hann" is in every config.
    this.window = args['window'] ?? null;
    this.samplingRate = num('samplingRate', 16000);
    this.mels = num('numMelBins', 128);
    this.minFreq = num('minFreq', 20);
    this.maxFreq = num('maxFreq', Math.trunc(this.samplingRate / 2));
    this.powerToDb = args['powerToDb'] !== false;
    this.topDb = num('topDb', 80);
    this.magExp = num('magExp', 2);
    this.minPower = num('minPower', 1e-10);
    this.refPower = num('refPower', 1);
    if (typeof this.window === 'string' && this.window !== 'hann' && this.window !== 'hamming') {
      throw new Error(`If a string is passed to \`window\`, it must be one of \`"hann"\`, \`"hamming"\`. Received: window=${this.window}`);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    const length = (shape.length === 1 ? shape[0] : shape[1]) ?? null;
    const frames = length === null ? null : Math.floor((length + this.stride + 1) / this.stride);
    return shape.length === 1 ? [this.mels, frames] : [shape[0] ?? null, this.mels, frames];
  }

  /** The window, zero-padded to fft_length in the middle (Keras's stft: a periodic scipy window of sequence_length). */
  private paddedWindow(): Float32Array {
    const n = this.sequenceLength;
    const left = Math.floor((this.fftLength - n) / 2);
    const win = this.window === null ? Array<number>(n).fill(1) : getWindow(this.window, n, true);
    const out = new Float32Array(this.fftLength);
    win.forEach((w, i) => (out[left + i] = w));
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = singleTensor(inputs);
      const unbatched = x.rank === 1;
      if (unbatched) x = x.expandDims(0);
      if (x.rank !== 2) throw new Error(`MelSpectrogram is evaluated on (batch, samples) or (samples,) inputs; got rank ${x.rank}`);
      const fft = this.fftLength;
      const length = x.shape[1]!;
      // center=True: reflect-padded by fft_length // 2 on both sides, then frames of fft_length every sequence_stride.
      const padded = tf.gather(x, reflectIndices(length, Math.floor(fft / 2)), 1);
      const frames = 1 + Math.floor((padded.shape[1]! - fft) / this.stride);
      const bins = Math.floor(fft / 2) + 1;
      // |rfft(frame · window)| per frame: the products in float32, the transform in float64 (closer to JAX's FFT than
      // a float32 sum of fft_length terms), each result rounded to float32 as JAX's complex64 is.
      const signal = padded.dataSync();
      const window = this.paddedWindow();
      const transform = new RealDft(fft);
      const magnitude = new Float32Array(x.shape[0]! * frames * bins);
      const frame = new Float64Array(fft);
      for (let b = 0; b < x.shape[0]!; b++) {
        for (let t = 0; t < frames; t++) {
          const offset = b * padded.shape[1]! + t * this.stride;
          for (let i = 0; i < fft; i++) frame[i] = f32(signal[offset + i]! * window[i]!);
          transform.magnitudes(frame, magnitude, (b * frames + t) * bins);
        }
      }
      let spec = tf.pow(tf.tensor2d(magnitude, [x.shape[0]! * frames, bins]), this.magExp);
      const weights = melWeights(this.mels, bins, this.samplingRate, this.minFreq, this.maxFreq);
      spec = tf.matMul(spec, tf.tensor2d(weights, [bins, this.mels])); // (batch·frames, mels)
      if (this.powerToDb) {
        const ln10 = Math.log(10);
        let db = tf.mul(10, tf.div(tf.log(tf.maximum(spec, this.minPower)), ln10));
        db = tf.sub(db, 10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower)));
        spec = tf.maximum(db, tf.sub(tf.max(db), this.topDb));
      }
      const out = tf.transpose(spec.reshape([x.shape[0]!, frames, this.mels]), [0, 2, 1]);
      return unbatched ? out.squeeze([0]) : out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...ownConfig(this.raw) };
  }
}

export const signalLayers: readonly KerasLayerClass[] = [
  adaptivePooling(1, 'average', 'AdaptiveAveragePooling1D'),
  adaptivePooling(2, 'average', 'AdaptiveAveragePooling2D'),
  adaptivePooling(3, 'average', 'AdaptiveAveragePooling3D'),
  adaptivePooling(1, 'max', 'AdaptiveMaxPooling1D'),
  adaptivePooling(2, 'max', 'AdaptiveMaxPooling2D'),
  adaptivePooling(3, 'max', 'AdaptiveMaxPooling3D'),
  STFTSpectrogram,
  MelSpectrogram,
];
