// What `model.load_weights(path)` raises for a file it cannot read, checked as Keras checks before it reads any
// weight: the extension (keras/src/saving/saving_api.py), then the container (a zip for `.keras`, HDF5 for `.h5`).
// The weights themselves are read by the engine, when a value is asked for.

import { statSync } from 'node:fs';
import { startsAsHdf5 } from './hdf5.js';
import { readArchiveConfig } from './keras-archive.js';

/** Keras's (or h5py's, zipfile's) words for a weights file it refuses, or undefined when it reads it. */
export function loadWeightsRefusal(given: string, file: string): string | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  // A folder may be an Orbax checkpoint, which Keras reads: not refused here, and not read either.
  if (!stat?.isFile()) return undefined;
  if (given.endsWith('.keras')) return 'notZip' in readArchiveConfig(file) ? 'File is not a zip file' : undefined;
  if (given.endsWith('.weights.json')) return undefined;
  if (given.endsWith('.h5') || given.endsWith('.hdf5')) {
    return startsAsHdf5(file) ? undefined : 'Unable to synchronously open file (file signature not found)';
  }
  return `File format not supported: filepath=${given}. Keras 3 only supports V3 \`.keras\` files, \`.weights.h5\` files, legacy H5 format files (\`.h5\` extension), or Orbax checkpoints.`;
}

/** Why a weights file Keras reads is not read by Tensor Lens (sharded weights, an Orbax folder), or undefined. */
export function unreadWeights(given: string, file: string): string | undefined {
  if (given.endsWith('.weights.json')) return `${given} holds sharded weights, which Tensor Lens does not read yet`;
  return statSync(file, { throwIfNoEntry: false })?.isFile()
    ? undefined
    : `${given} is a folder (an Orbax checkpoint), which Tensor Lens does not read yet`;
}
