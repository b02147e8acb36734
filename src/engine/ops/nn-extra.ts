// Kernels of the nn ops that Keras's own tests call only where Keras refuses (or not at all): layer_normalization,
// dot_product_attention, psnr, depth_to_space, space_to_depth, unfold, fold; as Keras's JAX backend computes them.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { einsum } from '../layers/attention.js';
import type { Kernel, KernelCall } from './kernel.js';

const epsilon = 1e-7;

function axesOf(call: KernelCall, value: JsonValue, rank: number): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new Error(`${call.path} with axis=${JSON.stringify(value)} on a rank-${rank} tensor is not evaluated`);
    }
    return a < 0 ? a + rank : a;
  });
}

/**
 * Keras's `_layer_normalization`: x·inv + (beta − mean·inv), inv = rsqrt(variance + epsilon)·gamma; with the
 * deprecated rms_scaling, x·rsqrt(variance + epsilon)·gamma. gamma and beta of another rank than x are shaped to
 * broadcast along `axis` (unless it is the last axis only).
 */
const layerNormalization: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  const eps = call.value('epsilon') === null ? epsilon : call.number('epsilon');
  const raw = call.value('axis');
  const axes = axesOf(call, raw, x.rank).sort((a, b) => a - b);
  const kwargs = call.value('kwargs');
  const rms = kwargs !== null && typeof kwargs === 'object' && !Array.isArray(kwargs) && kwargs['rms_scaling'] === true;
  const lastOnly = (Array.isArray(raw) ? raw : [raw]).length === 1 && (Array.isArray(raw) ? raw[0] : raw) === x.rank - 1;
  const broadcast = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
  const vector = (name: string): tf.Tensor | null => {
    if (call.value(name) === null) return null;
    const v = call.cast(name, 'float32');
    return v.rank !== x.rank && !lastOnly ? tf.reshape(v, broadcast) : v;
  };
  const [gamma, beta] = [vector('gamma'), vector('beta')];
  const mean = tf.mean(x, axes, true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
  let inv = tf.rsqrt(tf.add(variance, eps));
  if (rms) return gamma === null ? tf.mul(x, inv) : tf.mul(tf.mul(x, inv), gamma);
  if (gamma !== null) inv = tf.mul(inv, gamma);
  let res = tf.mul(tf.neg(mean), inv);
  if (beta !== null) res = tf.add(res, beta);
  return tf.add(tf.mul(x, inv), res);
};

/** A bias or mask of rank < 4 with leading axes added (jax.nn.dot_product_attention's `_ensure_4d`). */
function fourD(t: tf.Tensor, heads: number, name: string): tf.Tensor {
  if (t.rank > 4) throw new Error(`keras.ops.dot_product_attention with a rank-${t.rank} ${name} is not evaluated`);
  const four = tf.reshape(t, [...Array<number>(4 - t.rank).fill(1), ...t.shape]);
  if (four.shape[1] !== 1 && four.shape[1] !== heads) {
    throw new Error(`keras.ops.dot_product_attention with a ${name} of shape [${t.shape.join(', ')}] for ${heads} heads is not evaluated`);
  }
  return four;
}

/**
 * jax.nn.dot_product_attention (implementation 'xla', what Keras's JAX backend runs off TPU): query (B, T, N, H),
 * key and value (B, S, K, H), query head n reading key head n // (N / K); logits scaled (1/√H by default), the bias
 * added, masked places (and those after the query's with is_causal) at −0.7·float32 max, a softmax over S.
 */
const dotProductAttention: Kernel = (call) => {
  if (call.value('attn_logits_soft_cap') !== null) {
    throw new Error('keras.ops.dot_product_attention with attn_logits_soft_cap (JAX on TPU only) is not evaluated');
  }
  const [query, key, value] = ['query', 'key', 'value'].map((name) => call.cast(name, 'float32')) as [tf.Tensor, tf.Tensor, tf.Tensor];
  if (query.rank !== 4 || key.rank !== 4 || value.rank !== 4) {
    throw new Error('keras.ops.dot_product_attention of inputs other than 4-D is not evaluated');
  }
  const [, t, n, h] = query.shape as [number, number, number, number];
  const [, s, k] = key.shape as [number, number, number, number];
  if (n % k !== 0) throw new Error(`keras.ops.dot_product_attention: ${n} query heads are not a multiple of ${k} key heads`);
  const repeat = (x: tf.Tensor): tf.Tensor => {
    if (n === k) return x;
    const [b, len, heads, depth] = x.shape as [number, number, number, number];
    return tf.reshape(tf.tile(tf.expandDims(x, 3), [1, 1, 1, n / k, 1]), [b, len, heads * (n / k), depth]);
  };
  const scale = call.value('scale') === null ? Math.fround(1 / Math.sqrt(h)) : call.number('scale');
  let logits = tf.mul(einsum('BTNH,BSNH->BNTS', query, repeat(key)), scale);
  if (call.value('bias') !== null) logits = tf.add(logits, fourD(call.cast('bias', 'float32'), n, 'bias'));
  let keep: tf.Tensor | null = null;
  if (call.value('mask') !== null) {
    const mask = call.tensor('mask');
    // JAX takes a bool mask only; Keras's own fallback then reads a 4-D one by truth.
    if (mask.dtype !== 'bool' && mask.rank !== 4)
      throw new Error('keras.ops.dot_product_attention with a non-bool mask of rank < 4 is not evaluated');
    keep = fourD(mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0), n, 'mask');
  }
  if (call.value('is_causal') === true) {
    const causal = tf.reshape(
      tf.greaterEqual(tf.reshape(tf.range(0, t, 1, 'int32'), [t, 1]), tf.reshape(tf.range(0, s, 1, 'int32'), [1, s])),
      [1, 1, t, s],
    );
    keep = keep === null ? causal : tf.logicalAnd(keep, causal);
  }
  if (keep !== null) logits = tf.where(tf.broadcastTo(keep, logits.shape), logits, tf.fill(logits.shape, -0.7 * 3.4028234663852886e38));
  const e = tf.exp(tf.sub(logits, tf.max(logits, -1, true)));
  const probabilities = tf.div(e, tf.sum(e, -1, true));
  return einsum('BNTS,BSNH->BTNH', probabilities, repeat(value));
};

/** 20·log10(max_val) − 10·log10(mean((x1 − x2)²)). */
const psnr: Kernel = (call) => {
  const [x1, x2] = [call.cast('x1', 'float32'), call.cast('x2', 'float32')];
  if (x1.shape.join() !== x2.shape.join())
    throw new Error(`keras.ops.psnr: shapes [${x1.shape.join(', ')}] and [${x2.shape.join(', ')}] differ`);
  const log10 = (v: tf.Tensor): tf.Tensor => tf.div(tf.log(v), Math.log(10));
  const mse = tf.mean(tf.square(tf.sub(x1, x2)));
  return tf.sub(tf.mul(20, log10(call.cast('max_val', 'float32'))), tf.mul(10, log10(mse)));
};

function blockSize(call: KernelCall): number {
  const size = call.value('block_size');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 2)
    throw new Error(`${call.path} with block_size=${JSON.stringify(size)} is not evaluated`);
  return size;
}

function imageFormat(call: KernelCall): boolean {
  const format = call.value('data_format');
  if (format === 'channels_last') return false;
  if (format === 'channels_first') return true;
  throw new Error(`${call.path} with data_format=${JSON.stringify(format)} is not evaluated`);
}

/** Keras's depth_to_space: channels (b, b, c') of each pixel spread over a b×b block, in either layout. */
const depthToSpace: Kernel = (call) => {
  const x = call.tensor('x');
  const b = blockSize(call);
  if (x.rank !== 4) throw new Error('keras.ops.depth_to_space of a tensor other than 4-D is not evaluated');
  if (!imageFormat(call)) {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const t = tf.transpose(tf.reshape(x, [n, h, w, b, b, c / b ** 2]), [0, 1, 3, 2, 4, 5]);
    return tf.reshape(t, [n, h * b, w * b, c / b ** 2]);
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const t = tf.transpose(tf.reshape(x, [n, c / b ** 2, b, b, h, w]), [0, 1, 4, 2, 5, 3]);
  return tf.reshape(t, [n, c / b ** 2, h * b, w * b]);
};

/** Keras's space_to_depth: each b×b block of pixels into the channels, in either layout. */
const spaceToDepth: Kernel = (call) => {
  const x = call.tensor('x');
  const b = blockSize(call);
  if (x.rank !== 4) throw new Error('keras.ops.space_to_depth of a tensor other than 4-D is not evaluated');
  if (!imageFormat(call)) {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const t = tf.transpose(tf.reshape(x, [n, h / b, b, w / b, b, c]), [0, 1, 3, 2, 4, 5]);
    return tf.reshape(t, [n, h / b, w / b, c * b ** 2]);
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const t = tf.transpose(tf.reshape(x, [n, c, h / b, b, w / b, b]), [0, 1, 3, 5, 2, 4]);
  return tf.reshape(t, [n, c * b ** 2, h / b, w / b]);
};

/** Keras's `_pair`: an int for both spatial axes, or a pair. */
function pair(call: KernelCall, name: string, least: number): [number, number] {
  const value = call.value(name);
  const list = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= least)) {
    throw new Error(`${call.path} with ${name}=${JSON.stringify(value)} is not evaluated`);
  }
  return list as [number, number];
}

interface Patches {
  kernel: [number, number];
  dilation: [number, number];
  padding: [number, number];
  stride: [number, number];
}

function patchesOf(call: KernelCall): Patches {
  return {
    kernel: pair(call, 'kernel_size', 1),
    dilation: pair(call, 'dilation', 1),
    padding: pair(call, 'padding', 0),
    stride: pair(call, 'stride', 1),
  };
}

/** unfold: (N, C, H, W) to (N, C·kH·kW, L), the blocks' channels in (c, i, j) order (lax.conv_general_dilated_patches). */
const unfold: Kernel = (call) => {
  const x = call.tensor('x');
  if (x.rank !== 4) throw new Error('keras.ops.unfold of a tensor other than 4-D is not evaluated');
  const { kernel, dilation, padding, stride } = patchesOf(call);
  const padded = tf.pad(x, [
    [0, 0],
    [0, 0],
    [padding[0], padding[0]],
    [padding[1], padding[1]],
  ]);
  const [n, c, h, w] = padded.shape as [number, number, number, number];
  const out = [0, 1].map((i) => Math.floor(([h, w][i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1) as [number, number];
  if (out[0] <= 0 || out[1] <= 0) throw new Error('keras.ops.unfold: the blocks do not fit the input');
  const blocks: tf.Tensor[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const [top, left] = [i * dilation[0], j * dilation[1]];
      blocks.push(
        tf.stridedSlice(
          padded,
          [0, 0, top, left],
          [n, c, top + (out[0] - 1) * stride[0] + 1, left + (out[1] - 1) * stride[1] + 1],
          [1, 1, stride[0], stride[1]],
        ),
      );
    }
  }
  return tf.reshape(tf.stack(blocks, 2), [n, c * kernel[0] * kernel[1], out[0] * out[1]]);
};

/** `step − 1` zeros between neighbours along `axis`. */
function spread(x: tf.Tensor, axis: number, step: number): tf.Tensor {
  if (step === 1) return x;
  const shape = x.shape;
  const zeros = tf.zeros([...shape.slice(0, axis + 1), step - 1, ...shape.slice(axis + 1)], x.dtype);
  const merged = tf.reshape(tf.concat([tf.expandDims(x, axis + 1), zeros], axis + 1), [
    ...shape.slice(0, axis),
    shape[axis]! * step,
    ...shape.slice(axis + 1),
  ]);
  return tf.slice(
    merged,
    shape.map(() => 0),
    shape.map((d, i) => (i === axis ? (d - 1) * step + 1 : d)),
  );
}

/**
 * fold (col2im), as Keras's lax.conv_transpose with an identity kernel computes it: each block added back at its
 * place, the padding then cut off ((nH − 1)·sH + (kH − 1)·dH + 1 rows before the cut).
 */
const fold: Kernel = (call) => {
  const x = call.tensor('x');
  if (x.rank !== 3) throw new Error('keras.ops.fold of a tensor other than 3-D is not evaluated');
  const [oH, oW] = pair(call, 'output_size', 1);
  const { kernel, dilation, padding, stride } = patchesOf(call);
  const [n, ckk, length] = x.shape as [number, number, number];
  const kk = kernel[0] * kernel[1];
  const c = Math.floor(ckk / kk);
  const blocks = [0, 1].map((i) => Math.floor(([oH, oW][i]! + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1) as [
    number,
    number,
  ];
  if (ckk % kk !== 0 || blocks[0] * blocks[1] !== length)
    throw new Error(`keras.ops.fold: an input of shape [${x.shape.join(', ')}] does not fit`);
  const grid = tf.reshape(x, [n, c, kk, blocks[0], blocks[1]]);
  const size = [0, 1].map((a) => (blocks[a]! - 1) * stride[a]! + (kernel[a]! - 1) * dilation[a]! + 1) as [number, number];
  let sum: tf.Tensor = tf.zeros([n, c, size[0], size[1]], x.dtype);
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const block = tf.squeeze(tf.slice(grid, [0, 0, i * kernel[1] + j, 0, 0], [n, c, 1, blocks[0], blocks[1]]), [2]);
      const placed = spread(spread(block, 2, stride[0]), 3, stride[1]);
      const [top, left] = [i * dilation[0], j * dilation[1]];
      sum = tf.add(
        sum,
        tf.pad(placed, [
          [0, 0],
          [0, 0],
          [top, size[0] - top - placed.shape[2]!],
          [left, size[1] - left - placed.shape[3]!],
        ]),
      );
    }
  }
  const end = (a: number): number => Math.min([oH, oW][a]! + padding[a]!, size[a]!);
  return tf.slice(sum, [0, 0, padding[0], padding[1]], [n, c, Math.max(end(0) - padding[0], 0), Math.max(end(1) - padding[1], 0)]);
};

export const nnExtraKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.layer_normalization': layerNormalization,
  'keras.ops.dot_product_attention': dotProductAttention,
  'keras.ops.psnr': psnr,
  'keras.ops.depth_to_space': depthToSpace,
  'keras.ops.space_to_depth': spaceToDepth,
  'keras.ops.unfold': unfold,
  'keras.ops.fold': fold,
};
