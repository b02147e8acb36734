// The kernel of keras.ops.ctc_decode, as Keras's JAX backend computes it (keras/src/backend/jax/nn.py): the greedy
// strategy with tensor ops, the beam search step by step on the (small) data, in float32 and in JAX's order (its
// stable argsorts and the lexicographic order of jnp.unique decide between equal scores).

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';

/** The blank class: mask_index, None for the last class. */
function maskIndex(call: KernelCall, classes: number): number {
  const value = call.value('mask_index');
  if (value === null) return classes - 1;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`keras.ops.ctc_decode with mask_index=${JSON.stringify(value)} is not evaluated`);
  return value;
}

/** Each row's entries other than -1 moved to its front in their order, -1 after them (JAX's argsort of the order). */
function compacted(rows: number[][]): number[][] {
  return rows.map((row) => {
    const kept = row.filter((v) => v !== -1);
    return [...kept, ...Array<number>(row.length - kept.length).fill(-1)];
  });
}

/** The best class at each step (none past the sequence's length), repeats merged, blanks as -1 at the end. */
function greedy(call: KernelCall, inputs: tf.Tensor3D): tf.Tensor[] {
  const [batch, time, classes] = inputs.shape;
  const mask = maskIndex(call, classes);
  const lengths = call.cast('sequence_lengths', 'int32');
  const past = tf.greaterEqual(tf.reshape(tf.range(0, time, 1, 'int32'), [1, time]), tf.reshape(lengths, [batch, 1]));
  const blank = tf.fill([batch, time], mask, 'int32');
  let indices = tf.where(past, blank, tf.cast(tf.argMax(inputs, -1), 'int32'));
  const scores = tf.where(past, tf.zeros([batch, time]), tf.max(inputs, -1));
  if (call.value('merge_repeated') !== false && time > 1) {
    const repeat = tf.equal(tf.slice(indices, [0, 1], [batch, time - 1]), tf.slice(indices, [0, 0], [batch, time - 1]));
    const repeated = tf.concat([tf.zeros([batch, 1], 'bool'), repeat], 1);
    indices = tf.where(repeated, blank, indices);
  }
  const labelled = tf.where(tf.equal(indices, mask), tf.fill([batch, time], -1, 'int32'), indices);
  const rows = compacted(labelled.arraySync() as number[][]);
  return [tf.tensor3d([rows], [1, batch, time], 'int32'), tf.neg(tf.sum(scores, 1, true))];
}

const f32 = Math.fround;

/** jnp.argsort (stable, ascending, NaN last). */
function argsort(values: readonly number[]): number[] {
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  return values
    .map((_, i) => i)
    .sort((a, b) => {
      const [x, y] = [values[a]!, values[b]!];
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
      return key(x) - key(y) || a - b;
    });
}

function compareRows(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** jnp.unique(rows, axis=0, return_inverse=True, size, fill_value=-1): sorted distinct rows, padded with -1 rows. */
function unique(rows: readonly Int32Array[], size: number): { rows: Int32Array[]; inverse: number[] } {
  const order = rows.map((_, i) => i).sort((a, b) => compareRows(rows[a]!, rows[b]!) || a - b);
  const distinct: Int32Array[] = [];
  const inverse = Array<number>(rows.length);
  for (const i of order) {
    if (distinct.length === 0 || compareRows(distinct.at(-1)!, rows[i]!) !== 0) distinct.push(rows[i]!);
    inverse[i] = distinct.length - 1;
  }
  const width = rows[0]?.length ?? 0;
  while (distinct.length < size) distinct.push(new Int32Array(width).fill(-1));
  return { rows: distinct.slice(0, size), inverse };
}

/** Keras's `_merge_scores`: the scores of equal paths added in probability space, into `size` slots. */
function mergeScores(inverse: readonly number[], scores: readonly number[], size: number): number[] {
  const max = scores.reduce((m, s) => (Number.isNaN(m) || Number.isNaN(s) ? NaN : Math.max(m, s)), -Infinity);
  const sums = Array<number>(size).fill(0);
  inverse.forEach((u, i) => {
    sums[u] = f32(sums[u]! + f32(Math.exp(f32(scores[i]! - max))));
  });
  return sums.map((s) => f32(f32(Math.log(s)) + max));
}

/** jnp.logaddexp. */
function logaddexp(a: number, b: number): number {
  const delta = f32(a - b);
  if (Number.isNaN(delta)) return f32(a + b);
  return f32(Math.max(a, b) + f32(Math.log1p(f32(Math.exp(-Math.abs(delta))))));
}

interface Beam {
  paths: Int32Array[];
  scores: number[];
  masked: boolean[];
}

/** One sequence's beam search; x[t][c] are the log-probabilities with the classes reversed, `blank` reversed too. */
function beamSearch(
  x: number[][],
  length: number,
  width: number,
  topPaths: number,
  blank: number,
): { paths: Int32Array[]; scores: number[] } {
  const [time, classes] = [x.length, x[0]!.length];
  const size = 2 * classes * width;
  const initial = Math.min(classes, width);
  const best = argsort(x[0]!).slice(classes - initial);
  let beam: Beam = {
    paths: Array.from({ length: 2 * width }, () => new Int32Array(time).fill(-1)),
    scores: Array<number>(2 * width).fill(-Infinity),
    masked: [],
  };
  best.forEach((c, i) => {
    beam.paths[i]![0] = c === blank ? -1 : c;
    beam.scores[i] = x[0]![c]!;
  });
  beam.masked = beam.paths.map((p) => p[0] === -1);
  for (let t = 1; t < time; t++) {
    if (t >= length) continue;
    // _extend_paths: each path with each class appended (the blank, or a repeat of an unmasked tail, as -1).
    const paths: Int32Array[] = [];
    const scores: number[] = [];
    const masked: boolean[] = [];
    beam.paths.forEach((path, r) => {
      const found = path.indexOf(-1);
      const tailIndex = found < 0 ? 0 : found;
      const tail = tailIndex === 0 ? -1 : path[tailIndex - 1]!;
      for (let c = 0; c < classes; c++) {
        let label = c === blank ? -1 : c;
        const isBlank = label === -1;
        if (!beam.masked[r] && tail === label) label = -1;
        const extended = Int32Array.from(path);
        extended[tailIndex] = label;
        paths.push(extended);
        scores.push(f32(beam.scores[r]! + x[t]![c]!));
        masked.push(isBlank);
      }
    });
    // _prune_paths: equal paths merged, the `width` best kept, each as an emitting and a masked path.
    const merged = unique(paths, size);
    const emit = mergeScores(
      merged.inverse,
      scores.map((s, i) => (masked[i] ? -Infinity : s)),
      size,
    );
    const blanked = mergeScores(
      merged.inverse,
      scores.map((s, i) => (masked[i] ? s : -Infinity)),
      size,
    );
    const top = argsort(emit.map((e, i) => logaddexp(e, blanked[i]!))).slice(-width);
    const kept = top.map((i) => merged.rows[i]!);
    beam = {
      paths: [...kept, ...kept.map((p) => Int32Array.from(p))],
      scores: [...top.map((i) => emit[i]!), ...top.map((i) => blanked[i]!)],
      masked: [...top.map(() => false), ...top.map(() => true)],
    };
  }
  const merged = unique(beam.paths, size);
  const scores = mergeScores(merged.inverse, beam.scores, beam.scores.length);
  const top = argsort(scores).slice(-topPaths).reverse();
  return { paths: top.map((i) => merged.rows[i]!), scores: top.map((i) => scores[i]!) };
}

/** More work than this (path entries compared in all) is not evaluated. */
const beamBudget = 2e8;

function beamSearchDecode(call: KernelCall, inputs: tf.Tensor3D): tf.Tensor[] {
  const [batch, time, classes] = inputs.shape;
  const width = call.number('beam_width');
  const topPaths = call.number('top_paths');
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(topPaths) || topPaths < 1 || topPaths > 2 * width) {
    throw new Error(`keras.ops.ctc_decode with beam_width=${width} and top_paths=${topPaths} is not evaluated`);
  }
  if (batch * time * 2 * classes * width * time * Math.log2(2 * classes * width + 1) > beamBudget) {
    throw new Error(
      `keras.ops.ctc_decode's beam search of a [${inputs.shape.join(', ')}] input with beam_width=${width} is not evaluated: too large`,
    );
  }
  const shifted = tf.sub(inputs, tf.max(inputs, -1, true));
  const logProbabilities = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), -1, true)));
  const reversed = tf.reverse(logProbabilities, -1).arraySync() as number[][][];
  const lengths = Array.from(call.cast('sequence_lengths', 'float32').dataSync());
  const blank = classes - maskIndex(call, classes) - 1;
  const decoded = reversed.map((x, b) => beamSearch(x, lengths[b]!, width, topPaths, blank));
  const count = decoded[0]?.paths.length ?? topPaths;
  // The classes back in their order; (batch, paths, time) to (paths, batch, time).
  const paths = Array.from({ length: count }, (_, k) =>
    decoded.map((d) => Array.from(d.paths[k]!, (p) => (p === -1 ? -1 : classes - p - 1))),
  );
  return [
    tf.tensor3d(paths, [count, batch, time], 'int32'),
    tf.tensor2d(
      decoded.map((d) => d.scores),
      [batch, count],
      'float32',
    ),
  ];
}

/** jnp.logaddexp. */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const delta = tf.sub(a, b);
  return tf.where(tf.isNaN(delta), tf.add(a, b), tf.add(tf.maximum(a, b), tf.log1p(tf.exp(tf.neg(tf.abs(delta))))));
}

/**
 * keras.ops.ctc_loss as Keras's JAX backend computes it (optax's ctc_loss_with_forward_probs): the forward pass over
 * the blank (phi) and label (emit) states in log space, −1e5 for an impossible transition, padded steps keeping the
 * state; the loss is −log alpha at each sequence's label length.
 */
export const ctcLoss: Kernel = (call) => {
  const target = call.cast('target', 'int32');
  const output = call.cast('output', 'float32');
  if (target.rank !== 2 || output.rank !== 3)
    throw new Error('keras.ops.ctc_loss of a target other than 2-D or an output other than 3-D is not evaluated');
  const [batch, time, classes] = output.shape as [number, number, number];
  const labels = target.shape[1]!;
  const mask = call.number('mask_index');
  const logEpsilon = -1e5;
  const paddings = (lengths: tf.Tensor, max: number): tf.Tensor =>
    tf.cast(
      tf.greaterEqual(tf.reshape(tf.range(0, max, 1, 'int32'), [1, max]), tf.reshape(tf.cast(lengths, 'int32'), [batch, 1])),
      'float32',
    );
  const targetPaddings = paddings(call.tensor('target_length', 'int32'), labels);
  const outputPaddings = paddings(call.tensor('output_length', 'int32'), time);
  const shifted = tf.sub(output, tf.max(output, -1, true));
  const logProbabilities = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), -1, true)));
  const labelLengths = tf.sub(labels, tf.cast(tf.sum(targetPaddings, 1), 'int32'));
  const repeat =
    labels > 1
      ? tf.pad(tf.cast(tf.equal(tf.slice(target, [0, 0], [batch, labels - 1]), tf.slice(target, [0, 1], [batch, labels - 1])), 'float32'), [
          [0, 0],
          [0, 1],
        ])
      : tf.zeros([batch, labels]);
  const hot = (indices: tf.Tensor, depth: number): tf.Tensor =>
    tf.cast(
      tf.equal(tf.expandDims(indices, -1), tf.reshape(tf.range(0, depth, 1, 'int32'), [...indices.shape.map(() => 1), depth])),
      'float32',
    );
  const phiSteps = tf.unstack(tf.transpose(tf.slice(logProbabilities, [0, 0, mask], [batch, time, 1]), [1, 0, 2]));
  const emitSteps = tf.unstack(tf.transpose(tf.matMul(logProbabilities, hot(target, classes), false, true), [1, 0, 2]));
  const padSteps = tf.unstack(tf.transpose(outputPaddings));
  const update = (phi: tf.Tensor, added: tf.Tensor): tf.Tensor =>
    tf.concat([tf.slice(phi, [0, 0], [batch, 1]), logAddExp(tf.slice(phi, [0, 1], [batch, labels]), added)], -1);
  let phi: tf.Tensor = tf.concat([tf.zeros([batch, 1]), tf.fill([batch, labels], logEpsilon)], 1);
  let emit: tf.Tensor = tf.fill([batch, labels], logEpsilon);
  for (let t = 0; t < time; t++) {
    const [phiT, emitT] = [phiSteps[t]!, emitSteps[t]!];
    const pad = tf.reshape(padSteps[t]!, [batch, 1]);
    const kept = tf.sub(1, pad);
    const before = update(phi, tf.add(emit, tf.mul(logEpsilon, repeat)));
    const nextEmit = logAddExp(tf.add(tf.slice(before, [0, 0], [batch, labels]), emitT), tf.add(emit, emitT));
    const nextPhi = update(tf.add(before, phiT), tf.add(tf.add(emit, phiT), tf.mul(logEpsilon, tf.sub(1, repeat))));
    [phi, emit] = [tf.add(tf.mul(pad, phi), tf.mul(kept, nextPhi)), tf.add(tf.mul(pad, emit), tf.mul(kept, nextEmit))];
  }
  const last = update(phi, emit);
  return tf.neg(tf.sum(tf.mul(last, hot(labelLengths, labels + 1)), 1));
};

export const ctcDecode: Kernel = (call) => {
  const inputs = call.cast('inputs', 'float32');
  if (inputs.rank !== 3) throw new Error(`keras.ops.ctc_decode of a rank-${inputs.rank} input is not evaluated`);
  const strategy = call.value('strategy');
  if (strategy === 'greedy') return greedy(call, inputs as tf.Tensor3D);
  if (strategy === 'beam_search') return beamSearchDecode(call, inputs as tf.Tensor3D);
  throw new Error(`keras.ops.ctc_decode with strategy=${JSON.stringify(strategy)} is not evaluated`);
};
