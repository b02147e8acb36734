// Keras Subtract merge layer (missing from tfjs-layers): exactly two inputs, a − b with broadcasting.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import type { LayerArgs } from './common.js';

type Kwargs = Record<string, unknown>;

/** Keras `Merge._compute_elemwise_op_output_shape` for shapes without the batch axis. */
function broadcastShapes(a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcastShapes(b, a);
  const out: Shape = a.slice(0, a.length - b.length);
  b.forEach((j, index) => {
    const i = a[a.length - b.length + index] ?? null;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else throw new Error(`Subtract: inputs have incompatible shapes [${a.join(', ')}] and [${b.join(', ')}].`);
  });
  return out;
}

export class Subtract extends tf.layers.Layer {
  static className = 'Subtract';

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  private static pair<T>(inputs: T | T[], what: string): [T, T] {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`A Subtract layer should be called on exactly 2 ${what}.`);
    return [inputs[0] as T, inputs[1] as T];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    if (!Array.isArray(inputShape[0])) throw new Error('A Subtract layer should be called on a list of 2 inputs.');
    const [a, b] = Subtract.pair(inputShape as Shape[], 'inputs');
    const batchA = a[0] ?? null;
    const batchB = b[0] ?? null;
    if (batchA !== null && batchB !== null && batchA !== batchB) throw new Error('Subtract: inputs have different batch sizes.');
    return [batchA ?? batchB, ...broadcastShapes(a.slice(1), b.slice(1))];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const [a, b] = Subtract.pair(inputs, 'inputs');
    return tf.tidy(() => {
      // Like Keras, a lower-rank input gets new axes right after the batch axis before broadcasting.
      const expand = (x: tf.Tensor, rank: number): tf.Tensor =>
        x.rank < rank ? x.reshape([x.shape[0] ?? 1, ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)]) : x;
      const rank = Math.max(a.rank, b.rank);
      return tf.sub(expand(a, rank), expand(b, rank));
    });
  }

  // Keras ANDs the input masks; tfjs types the result as non-null but treats null as "no mask".
  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const masks = (Array.isArray(mask) ? mask : [mask]).filter((m): m is tf.Tensor => m !== null && m !== undefined);
    if (masks.length === 0) return null as unknown as tf.Tensor;
    return tf.tidy(() => masks.reduce((acc, m) => tf.logicalAnd(acc, m)));
  }
}
