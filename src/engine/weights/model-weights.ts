// The weights an evaluation gives its model: the document's weights file for every layer, or the files the code
// loads (`model.load_weights(path)`, a saved model's own, an ImageNet file in Keras's cache), each for the layers it
// was loaded into; every other layer keeps its seeded Keras-default initial weights. A file is read once while it
// does not change: an ImageNet file is tens of megabytes, and every hover evaluates again.

import * as tf from '@tensorflow/tfjs';
import type { LoadedWeightsFile, VariableFeed, WeightsSpec } from '../../protocol/engine.js';
import { fileStamp } from '../file-stamp.js';
import type { LayerNames } from '../topology.js';
import { matchWeights, readWeightFile, WeightFileError, type WeightFile } from './read-weights.js';

/** Files kept read: the model's, and one more (two models loaded in one file, or the last one). */
const keptFiles = 2;

export class WeightFiles {
  private readonly kept = new Map<string, { readonly stamp: string; readonly file: WeightFile }>();

  /** The files a request's weights come from, by path. */
  async read(spec: WeightsSpec): Promise<ReadonlyMap<string, WeightFile>> {
    const paths = spec.kind === 'file' ? [spec.path] : spec.kind === 'code' ? [...new Set(spec.files.map((f) => f.path))] : [];
    const files = new Map<string, WeightFile>();
    for (const path of paths) files.set(path, await this.readOne(path));
    return files;
  }

  private async readOne(path: string): Promise<WeightFile> {
    const stamp = fileStamp(path);
    const kept = this.kept.get(path);
    this.kept.delete(path);
    const file = kept?.stamp === stamp ? kept.file : await readWeightFile(path);
    this.kept.set(path, { stamp, file });
    if (this.kept.size > keptFiles) this.kept.delete(this.kept.keys().next().value!);
    return file;
  }
}

/** Sets the weights the spec gives; true when every layer that has weights got them from a file. */
export function applyWeights(model: tf.LayersModel, names: LayerNames, spec: WeightsSpec, files: ReadonlyMap<string, WeightFile>): boolean {
  if (spec.kind === 'initializers') return false;
  const loads =
    spec.kind === 'file'
      ? [{ file: files.get(spec.path)!, entry: (layer: string): string | undefined => layer }]
      : spec.files.map((loaded) => ({ file: files.get(loaded.path)!, entry: entryOf(loaded, files.get(loaded.path)!) }));
  const given = new Set<tf.layers.Layer>();
  for (const { file, entry } of loads) {
    const expected = new Map<string, { name: string; shape: number[] }[]>();
    const layerOf = new Map<string, tf.layers.Layer>();
    for (const layer of model.layers) {
      const key = layer.weights.length > 0 ? entry(names.keras(layer.name)) : undefined;
      if (key === undefined) continue;
      expected.set(
        key,
        layer.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] })),
      );
      layerOf.set(key, layer);
    }
    for (const [key, values] of matchWeights(file, expected)) {
      const layer = layerOf.get(key)!;
      const tensors = values.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[]));
      layer.setWeights(tensors);
      tf.dispose(tensors);
      given.add(layer);
    }
  }
  return model.layers.every((layer) => layer.weights.length === 0 || given.has(layer));
}

/**
 * A layer's entry in a file the code loaded, by its name in the topology: in a legacy `.h5` file, as Keras reads one,
 * the saved layer at the place of the model's layer it is or is in (then the sublayer's names in it); else its names
 * from the model loaded.
 */
function entryOf(loaded: LoadedWeightsFile, file: WeightFile): (layer: string) => string | undefined {
  // The saved layers themselves, not the entries of their sublayers (`encoder/conv2d`).
  const saved =
    file.format === 'keras2-h5' ? [...file.layers.keys()].filter((name) => !name.includes('/') && name !== 'top_level_model_weights') : [];
  return (layer) => {
    const given = loaded.layers[layer];
    if (!given?.order || file.format !== 'keras2-h5') return given?.key;
    if (saved.length !== given.order.of) {
      throw new WeightFileError(
        `Cannot load ${file.path} into '${loaded.model}': Layer count mismatch when loading weights from file. Model expected ${given.order.of} layers, found ${saved.length} saved layers.`,
      );
    }
    return [saved[given.order.index], ...given.key.split('/').slice(1)].join('/');
  };
}

/** The file a weight made with `add_weight` is read from, if any. */
export function variableFile(feed: VariableFeed, spec: WeightsSpec, files: ReadonlyMap<string, WeightFile>): WeightFile | undefined {
  if (spec.kind === 'file') return files.get(spec.path);
  return feed.weightsFile === undefined ? undefined : files.get(feed.weightsFile);
}

/** Where the weights came from, in words. */
export function describeWeights(spec: WeightsSpec, seed: number, allFromFiles: boolean): string {
  const initial = `Keras default initializers, seed ${seed}`;
  if (spec.kind === 'file') return `weights from ${spec.path}`;
  if (spec.kind === 'initializers') return initial;
  const notRead = spec.notRead.map((reason) => `; not ${reason}`).join('');
  const loaded = spec.files.map((file) => `the weights of '${file.model}' from ${file.path}`).join(', ');
  if (!loaded) return `${initial}${notRead}`;
  return allFromFiles && !notRead ? loaded : `${loaded}; other layers ${initial}${notRead}`;
}
