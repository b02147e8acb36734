// The numbers fed to a sub-model's inputs: seeded uniform [0, 1) (like
// np.random.rand), normal, zeros, ones, a .npy file or an image.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { formatShape } from '../graph/shape.js';
import type { InputSource } from '../protocol/engine.js';
import { decodeImage } from './inputs/image.js';
import { readNpy } from './inputs/npy.js';
import { operationValues } from './operation-layer.js';
import { derivedSeed } from './seeds.js';
import { tfjsDtype, type TfjsDtype } from './topology.js';

export class InputError extends Error {}

/** Sizes for the None dimensions of an input: the batch, and every other one (a variable length or image size). */
export interface NoneSizes {
  readonly batchSize: number;
  readonly noneSize: number;
}

/** The concrete shape: a None batch becomes the batch size, any other None `noneSize`. */
export function concreteShape(shape: readonly (number | null)[], sizes: NoneSizes): number[] {
  return shape.map((d, i) => d ?? (i === 0 ? sizes.batchSize : sizes.noneSize));
}

/** Integer inputs (token ids) get values in [0, range) when drawn at random; 10 unless an Embedding says less or more. */
export const defaultIntRange = 10;

/**
 * The numbers for one input of (Keras) shape `shape`, None as null. Files decide
 * the None sizes they hold (an image its height and width); other sources take `sizes`.
 */
export function makeInput(
  source: InputSource,
  shape: readonly (number | null)[],
  sizes: NoneSizes,
  kerasDtype: string,
  seed: number,
  index: number,
  intRange = defaultIntRange,
): tf.Tensor {
  const dtype = tfjsDtype(kerasDtype);
  if (typeof dtype !== 'string') throw new InputError(`${kerasDtype} inputs cannot be fed: ${dtype.refused}`);
  const concrete = concreteShape(shape, sizes);
  const inputSeed = derivedSeed(seed, 'input', String(index));
  switch (source.kind) {
    case 'zeros':
      return tf.zeros(concrete, dtype);
    case 'ones':
      return tf.ones(concrete, dtype);
    case 'uniform':
      if (dtype === 'float32') return tf.randomUniform(concrete, 0, 1, 'float32', inputSeed);
      return tf.tidy(() =>
        dtype === 'bool'
          ? tf.less(tf.randomUniform(concrete, 0, 1, 'float32', inputSeed), 0.5)
          : tf.cast(tf.floor(tf.randomUniform(concrete, 0, intRange, 'float32', inputSeed)), 'int32'),
      );
    case 'normal':
      return tf.tidy(() => {
        const values = tf.randomNormal(concrete, 0, 1, 'float32', inputSeed);
        if (dtype === 'float32') return values;
        return dtype === 'bool' ? tf.greater(values, 0) : tf.cast(tf.minimum(tf.abs(tf.round(values)), intRange - 1), 'int32');
      });
    case 'npy':
      return fromNpy(source.path, shape, sizes.batchSize, dtype);
    case 'image':
      return fromImage(source.path, shape, sizes.batchSize);
    case 'values':
      return fromValues(source.shape, source.values, shape, dtype);
    case 'operation':
      return operationValues(source.call);
  }
}

/** The file's own numbers, where their shape fits the input's (None: any size). */
function fromValues(
  given: readonly number[],
  values: readonly number[],
  shape: readonly (number | null)[],
  dtype: 'float32' | 'int32' | 'bool',
): tf.Tensor {
  if (given.length !== shape.length || shape.some((d, i) => d !== null && d !== given[i])) {
    throw new InputError(
      `the array written in the file has shape (${given.join(', ')}), which does not fit the input (${shape.map((d) => d ?? 'None').join(', ')})`,
    );
  }
  return tf.tensor(values as number[], [...given], dtype);
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

function fromNpy(path: string, pattern: readonly (number | null)[], batch: number, dtype: TfjsDtype): tf.Tensor {
  const array = readNpy(read(path));
  // A file without the batch axis is taken as one sample and repeated over the batch.
  const perSample = array.shape.length === pattern.length - 1;
  const fileDims = perSample ? [batch, ...array.shape] : array.shape;
  const shape = pattern.map((d, i) => d ?? (i === 0 ? batch : (fileDims[i] ?? 1)));
  const size = shape.reduce((a, b) => a * b, 1);
  if (perSample && array.data.length * shape[0]! === size) {
    return tf.tidy(() => tf.tile(tf.tensor(array.data, [1, ...array.shape], dtype), [shape[0]!, ...array.shape.map(() => 1)]));
  }
  if (array.data.length !== size) {
    throw new InputError(`${path} holds an array of shape ${formatShape(array.shape)}, but the input expects ${formatShape(shape)}`);
  }
  return tf.tensor(array.data, shape, dtype);
}

function fromImage(path: string, pattern: readonly (number | null)[], batch: number): tf.Tensor {
  if (pattern.length !== 4)
    throw new InputError(
      `an image can feed an input of rank 4 (batch, height, width, channels), not one of shape ${formatShape([pattern[0] ?? batch, ...pattern.slice(1)])}`,
    );
  const image = decodeImage(read(path));
  const [height, width, channels] = [pattern[1] ?? image.height, pattern[2] ?? image.width, pattern[3] ?? 3];
  if (channels !== 3 && channels !== 1) throw new InputError(`an image has 3 channels (RGB); the input expects ${channels}`);
  return tf.tidy(() => {
    let pixels: tf.Tensor = tf.tensor3d(image.data, [image.height, image.width, 3]);
    if (image.height !== height || image.width !== width)
      pixels = tf.image.resizeBilinear(pixels as tf.Tensor3D, [height, width], false, true);
    if (channels === 1) pixels = tf.mean(pixels, -1, true);
    return tf.tile(tf.expandDims(pixels, 0), [pattern[0] ?? batch, 1, 1, 1]);
  });
}
