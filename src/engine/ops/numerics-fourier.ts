// Kernels of fft, rfft and stft (keras/src/backend/jax/math.py): complex values as (real, imaginary) pairs of float32
// tensors. The transforms are discrete Fourier transforms as matrix products with cos/sin tables (TensorFlow.js's FFT
// has no wasm kernel), the tables computed in float64 from the exact phase (j·k mod n)/n.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { product } from './numerics-common.js';

/** cos and sin of 2π·j·k/n for j < n, k < bins, as [n, bins] float32 tables. */
function twiddles(n: number, bins: number): [tf.Tensor2D, tf.Tensor2D] {
  const cos = new Float32Array(n * bins);
  const sin = new Float32Array(n * bins);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < bins; k++) {
      const phase = (2 * Math.PI * ((j * k) % n)) / n;
      cos[j * bins + k] = Math.cos(phase);
      sin[j * bins + k] = Math.sin(phase);
    }
  }
  return [tf.tensor2d(cos, [n, bins]), tf.tensor2d(sin, [n, bins])];
}

/** The DFT along the last axis of re + i·im (im null: a real signal), the first `bins` frequencies. */
function dft(re: tf.Tensor, im: tf.Tensor | null, bins: number): [tf.Tensor, tf.Tensor] {
  const n = re.shape.at(-1)!;
  const lead = re.shape.slice(0, -1);
  const rows = product(lead);
  const [cos, sin] = twiddles(n, bins);
  const a = tf.reshape(re, [rows, n]);
  // Σ (a + ib)(cos θ - i sin θ) = (a·cos + b·sin) + i(b·cos - a·sin)
  let real = tf.matMul(a, cos);
  let imag = tf.neg(tf.matMul(a, sin));
  if (im !== null) {
    const b = tf.reshape(im, [rows, n]);
    real = tf.add(real, tf.matMul(b, sin));
    imag = tf.add(imag, tf.matMul(b, cos));
  }
  return [tf.reshape(real, [...lead, bins]), tf.reshape(imag, [...lead, bins])];
}

function fft(call: KernelCall): tf.Tensor[] {
  const parts = call.tensors('x');
  if (parts.length !== 2) throw new Error(`${call.path}: x must be a (real, imaginary) pair of tensors`);
  const [re, im] = parts.map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'))) as [tf.Tensor, tf.Tensor];
  if (re.rank < 1 || re.shape.join(',') !== im.shape.join(','))
    throw new Error(`${call.path}: the parts must have one shape, of rank >= 1`);
  return dft(re, im, re.shape.at(-1)!);
}

/** x cut or zero-padded to `n` along its last axis. */
function toLength(x: tf.Tensor, n: number): tf.Tensor {
  const size = x.shape.at(-1)!;
  if (size === n) return x;
  if (size > n)
    return tf.slice(
      x,
      x.shape.map(() => 0),
      [...x.shape.slice(0, -1), n],
    );
  return tf.pad(
    x,
    x.shape.map((_, i) => (i === x.rank - 1 ? [0, n - size] : [0, 0])),
  );
}

function rfft(call: KernelCall): tf.Tensor[] {
  const x = call.cast('x', 'float32');
  if (x.rank < 1) throw new Error(`${call.path}: x must have rank >= 1`);
  const given = call.value('fft_length');
  const n = given === null ? x.shape.at(-1)! : (given as number);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${call.path}: fft_length ${JSON.stringify(given)} is not a positive int`);
  return dft(toLength(x, n), null, Math.floor(n / 2) + 1);
}

/** NumPy's pad mode "reflect" (the edge not repeated) along the last axis, `width` on each side, as gather indices. */
function reflectIndices(size: number, width: number): number[] {
  const period = 2 * (size - 1);
  return Array.from({ length: size + 2 * width }, (_, i) => {
    if (period === 0) return 0;
    const j = (((i - width) % period) + period) % period;
    return j < size ? j : period - j;
  });
}

/** scipy.signal.get_window(name, length): periodic ("fftbins") Hann or Hamming, in float64. */
function namedWindow(name: string, length: number): number[] {
  const [a0, a1] = name === 'hann' ? [0.5, 0.5] : [0.54, 0.46];
  if (length === 1) return [1];
  return Array.from({ length }, (_, i) => a0 - a1 * Math.cos((2 * Math.PI * i) / length));
}

/**
 * stft: the signal reflect-padded by fft_length // 2 on each side (center), cut in frames of fft_length every
 * sequence_stride, each multiplied by the window (of sequence_length, zero-padded to fft_length in the middle) and
 * transformed; scipy's "spectrum" scaling (1 / Σ window) undone as Keras does.
 */
function stft(call: KernelCall): tf.Tensor[] {
  const x0 = call.tensor('x');
  if (x0.dtype !== 'float32') throw new Error(`${call.path}: the input must be float32`);
  const length = call.number('sequence_length');
  const stride = call.number('sequence_stride');
  const fftLength = call.number('fft_length');
  if (fftLength < length) throw new Error(`${call.path}: fft_length must be at least sequence_length`);
  if (!(Number.isInteger(stride) && stride > 0)) throw new Error(`${call.path}: sequence_stride must be a positive int`);
  let x = x0;
  if (call.value('center') !== false) {
    const half = Math.floor(fftLength / 2);
    x = tf.gather(x, tf.tensor1d(reflectIndices(x.shape.at(-1)!, half), 'int32'), x.rank - 1);
  }
  const window = stftWindow(call, length, fftLength);
  const size = x.shape.at(-1)!;
  const frames = size < fftLength ? 0 : 1 + Math.floor((size - fftLength) / stride);
  const index = Array.from({ length: frames * fftLength }, (_, i) => Math.floor(i / fftLength) * stride + (i % fftLength));
  const framed = tf.gather(x, tf.tensor2d(index, [frames, fftLength], 'int32'), x.rank - 1);
  const [re, im] = dft(tf.mul(framed, window), null, Math.floor(fftLength / 2) + 1);
  const sum = tf.sum(window);
  const scale = tf.sqrt(tf.div(1, tf.square(sum)));
  return [tf.div(tf.mul(re, scale), scale), tf.div(tf.mul(im, scale), scale)];
}

/** The (real, imaginary) pair of `x`, as float32 tensors of one shape of rank >= `rank`. */
function complexPair(call: KernelCall, rank: number): [tf.Tensor, tf.Tensor] {
  const parts = call.tensors('x');
  if (parts.length !== 2) throw new Error(`${call.path}: x must be a (real, imaginary) pair of tensors`);
  const [re, im] = parts.map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'))) as [tf.Tensor, tf.Tensor];
  if (re.rank < rank || re.shape.join(',') !== im.shape.join(','))
    throw new Error(`${call.path}: the parts must have one shape, of rank >= ${rank}`);
  return [re, im];
}

/** The inverse DFT along the last axis of re + i·im, divided by its length (jnp.fft.ifft, norm="backward"). */
function inverseDft(re: tf.Tensor, im: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const n = re.shape.at(-1)!;
  // ifft(z) = conj(fft(conj(z))) / n
  const [real, imag] = dft(re, tf.neg(im), n);
  return [tf.div(real, n), tf.div(tf.neg(imag), n)];
}

/** A transform of the last axis applied to the second last too (fft2 over axes (-2, -1)). */
function twoAxes(re: tf.Tensor, im: tf.Tensor, along: (re: tf.Tensor, im: tf.Tensor) => [tf.Tensor, tf.Tensor]): tf.Tensor[] {
  const [r1, i1] = along(re, im);
  const perm = re.shape.map((_, i) => (i === re.rank - 1 ? re.rank - 2 : i === re.rank - 2 ? re.rank - 1 : i));
  const [r2, i2] = along(tf.transpose(r1, perm), tf.transpose(i1, perm));
  return [tf.transpose(r2, perm), tf.transpose(i2, perm)];
}

const fft2: Kernel = (call) => {
  const [re, im] = complexPair(call, 2);
  return twoAxes(re, im, (r, i) => dft(r, i, r.shape.at(-1)!));
};

const ifft2: Kernel = (call) => {
  const [re, im] = complexPair(call, 2);
  return twoAxes(re, im, inverseDft);
};

/**
 * jnp.fft.irfft along the last axis with `n` outputs: the first n // 2 + 1 bins (zero-padded), Hermitian-extended;
 * the imaginary parts of the DC and Nyquist bins drop out. As cos/sin tables in float64, each bin's weight folded in.
 */
function inverseRealDft(re: tf.Tensor, im: tf.Tensor, n: number): tf.Tensor {
  const bins = Math.floor(n / 2) + 1;
  const real = toLength(re, bins);
  const imag = toLength(im, bins);
  const cos = new Float32Array(bins * n);
  const sin = new Float32Array(bins * n);
  for (let k = 0; k < bins; k++) {
    const weight = k === 0 || 2 * k === n ? 1 : 2;
    for (let t = 0; t < n; t++) {
      const phase = (2 * Math.PI * ((k * t) % n)) / n;
      cos[k * n + t] = (weight * Math.cos(phase)) / n;
      sin[k * n + t] = k === 0 || 2 * k === n ? 0 : (weight * Math.sin(phase)) / n;
    }
  }
  const lead = re.shape.slice(0, -1);
  const rows = product(lead);
  const out = tf.sub(
    tf.matMul(tf.reshape(real, [rows, bins]), tf.tensor2d(cos, [bins, n])),
    tf.matMul(tf.reshape(imag, [rows, bins]), tf.tensor2d(sin, [bins, n])),
  );
  return tf.reshape(out, [...lead, n]);
}

const irfft: Kernel = (call) => {
  const [re, im] = complexPair(call, 1);
  const given = call.value('fft_length');
  const n = given === null ? 2 * (re.shape.at(-1)! - 1) : (given as number);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${call.path}: fft_length ${JSON.stringify(given)} is not a positive int`);
  return inverseRealDft(re, im, n);
};

/**
 * Sums frames (..., frames, length) placed every `step` samples as jax.scipy.signal's _overlap_and_add does: frames
 * padded to S·step (S = 1 + (length - 1) // step), cut in S pieces, the frame axis padded to twice its size, the
 * whole flattened, cut to S rows of (2·frames - 1)·step and summed; so the result has min(step·(frames - 1) + length,
 * (2·frames - 1)·step) samples (fewer than the frames span when they overlap more than the frames there are), and
 * sample j of frame f lands at f·step + j only where that fits in a row. Here as a placement matrix.
 */
function overlapAndAdd(x: tf.Tensor, step: number): tf.Tensor {
  const [frames, length] = x.shape.slice(-2) as [number, number];
  const lead = x.shape.slice(0, -2);
  const pieces = 1 + Math.floor((length - 1) / step);
  const row = (2 * frames - 1) * step;
  const size = Math.min(step * (frames - 1) + length, row);
  const place = new Float32Array(frames * length * size);
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < length; j++) {
      const flat = Math.floor(j / step) * 2 * frames * step + f * step + (j % step);
      if (flat >= pieces * row) continue;
      const column = flat % row;
      if (column < size) place[(f * length + j) * size + column] = 1;
    }
  }
  const flat = tf.reshape(x, [product(lead), frames * length]);
  return tf.reshape(tf.matMul(flat, tf.tensor2d(place, [frames * length, size])), [...lead, size]);
}

/**
 * istft as Keras calls jax.scipy.signal.istft: each frame's irfft (fft_length points) cut to the segment, scaled by the
 * window's sum, windowed, overlapped and added, divided by the overlapped squared window where above 1e-10, then by
 * the window's sum again (or by sequence_stride without a window), and cut to `length` or the centre.
 */
function istft(call: KernelCall): tf.Tensor {
  const [re, im] = complexPair(call, 2);
  const length = call.number('sequence_length');
  const stride = call.number('sequence_stride');
  const fftLength = call.number('fft_length');
  if (fftLength < length) throw new Error(`${call.path}: fft_length must be at least sequence_length`);
  if (!(Number.isInteger(stride) && stride > 0 && stride < fftLength))
    throw new Error(`${call.path} with sequence_stride ${stride} is not evaluated: JAX needs 0 < stride < fft_length`);
  const window = stftWindow(call, length, fftLength);
  const frames = re.shape.at(-2)!;
  const windowSum = tf.sum(window);
  // (..., frames, fftLength): each frame's inverse transform, scaled and windowed.
  const segments = tf.mul(tf.mul(inverseRealDft(re, im, fftLength), windowSum), window);
  let x = overlapAndAdd(segments, stride);
  const squares = tf.broadcastTo(tf.square(window), [frames, fftLength]);
  const norm = overlapAndAdd(squares, stride);
  x = tf.div(x, tf.where(tf.greater(norm, 1e-10), norm, tf.onesLike(norm)));
  x = call.value('window') !== null ? tf.div(x, windowSum) : tf.div(x, stride);
  const size = x.shape.at(-1)!;
  const expected = fftLength + stride * (frames - 1);
  const center = call.value('center') !== false;
  const start = center ? Math.floor(fftLength / 2) : 0;
  const wanted = call.value('length');
  let end: number;
  if (wanted !== null) {
    if (typeof wanted !== 'number') throw new Error(`${call.path} with a non-int \`length\` is not evaluated`);
    end = start + wanted;
  } else end = center ? -Math.floor(fftLength / 2) : expected;
  // Python slice bounds: negative from the end, clipped to the size.
  const clip = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const [from, to] = [clip(start), clip(end)];
  return tf.slice(x, [...x.shape.slice(0, -1).map(() => 0), from], [...x.shape.slice(0, -1), Math.max(0, to - from)]);
}

export const fourierKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.fft': fft,
  'keras.ops.rfft': rfft,
  'keras.ops.stft': stft,
  'keras.ops.fft2': fft2,
  'keras.ops.ifft2': ifft2,
  'keras.ops.irfft': irfft,
  'keras.ops.istft': istft,
};

/** stft's and istft's `window`: ones, "hann", "hamming" or a tensor of `sequence_length`, centred in `fft_length`. */
function stftWindow(call: KernelCall, length: number, fftLength: number): tf.Tensor {
  const given = call.value('window');
  if (given === null) return tf.ones([fftLength]);
  let window: tf.Tensor;
  if (typeof given === 'string') {
    if (given !== 'hann' && given !== 'hamming') throw new Error(`${call.path}: window ${JSON.stringify(given)} is not hann or hamming`);
    window = tf.tensor1d(namedWindow(given, length), 'float32');
  } else window = call.cast('window', 'float32');
  if (window.rank !== 1 || window.shape[0] !== length) throw new Error(`${call.path}: the window must have shape (sequence_length,)`);
  const leftPad = Math.floor((fftLength - length) / 2);
  return tf.pad(window, [[leftPad, fftLength - length - leftPad]]);
}
