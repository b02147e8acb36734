// The numbers fed to a sub-model's inputs: seeded uniform [0, 1) (like
// np.random.rand), normal, zeros, ones, a .npy file or an image.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { formatShape } from '../graph/shape.js';
import type { InputSource } from '../protocol/engine.js';
import { decodeImage } from './inputs/image.js';
import { readNpy } from './inputs/npy.js';
import { derivedSeed } from './seeds.js';

export class InputError extends Error {}

/** The concrete shape: every None becomes the batch size. */
export function concreteShape(shape: readonly (number | null)[], batchSize: number): number[] {
  return shape.map((d) => d ?? batchSize);
}

/** Integer inputs (token ids) get values in [0, range) when drawn at random; 10 unless an Embedding says less or more. */
const defaultIntRange = 10;

export function makeInput(
  source: InputSource,
  shape: number[],
  dtype: string,
  seed: number,
  index: number,
  intRange = defaultIntRange,
): tf.Tensor {
  const isInt = dtype.startsWith('int') || dtype.startsWith('uint');
  const tensorDtype = isInt ? 'int32' : 'float32';
  switch (source.kind) {
    case 'zeros':
      return tf.zeros(shape, tensorDtype);
    case 'ones':
      return tf.ones(shape, tensorDtype);
    case 'uniform':
      return isInt
        ? tf.tidy(() => tf.floor(tf.randomUniform(shape, 0, intRange, 'float32', derivedSeed(seed, 'input', String(index)))).cast('int32'))
        : tf.randomUniform(shape, 0, 1, 'float32', derivedSeed(seed, 'input', String(index)));
    case 'normal':
      return tf.tidy(() => {
        const values = tf.randomNormal(shape, 0, 1, 'float32', derivedSeed(seed, 'input', String(index)));
        return isInt ? tf.minimum(tf.abs(tf.round(values)), intRange - 1).cast('int32') : values;
      });
    case 'npy':
      return fromNpy(source.path, shape, tensorDtype);
    case 'image':
      return fromImage(source.path, shape);
  }
}

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

function fromNpy(path: string, shape: number[], dtype: 'int32' | 'float32'): tf.Tensor {
  const array = readNpy(read(path));
  const size = shape.reduce((a, b) => a * b, 1);
  // A file without the batch axis is taken as one sample and repeated over the batch.
  if (array.data.length * shape[0]! === size && array.shape.length === shape.length - 1) {
    return tf.tidy(() => tf.tile(tf.tensor(array.data, [1, ...array.shape], dtype), [shape[0]!, ...array.shape.map(() => 1)]));
  }
  if (array.data.length !== size) {
    throw new InputError(`${path} holds an array of shape ${formatShape(array.shape)}, but the input expects ${formatShape(shape)}`);
  }
  return tf.tensor(array.data, shape, dtype);
}

function fromImage(path: string, shape: number[]): tf.Tensor {
  if (shape.length !== 4)
    throw new InputError(`an image can feed an input of rank 4 (batch, height, width, channels), not one of shape ${formatShape(shape)}`);
  const [batch, height, width, channels] = shape as [number, number, number, number];
  if (channels !== 3 && channels !== 1) throw new InputError(`an image has 3 channels (RGB); the input expects ${channels}`);
  const image = decodeImage(read(path));
  return tf.tidy(() => {
    let pixels: tf.Tensor = tf.tensor3d(image.data, [image.height, image.width, 3]);
    if (image.height !== height || image.width !== width)
      pixels = tf.image.resizeBilinear(pixels as tf.Tensor3D, [height, width], false, true);
    if (channels === 1) pixels = tf.mean(pixels, -1, true);
    return tf.tile(tf.expandDims(pixels, 0), [batch, 1, 1, 1]);
  });
}
