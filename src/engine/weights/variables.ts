// The numbers of the weights subclassed layers make with `add_weight`. The analysis feeds each one to the sub-graph
// as an input: read from the weights file, where Keras saves a layer's own variables under the layer (trainable ones
// first), or made by its initializer, seeded per layer and variable.

import * as tf from '@tensorflow/tfjs';
import { formatShape } from '../../graph/shape.js';
import type { VariableFeed } from '../../protocol/engine.js';
import { derivedSeed } from '../seeds.js';
import { tfjsDtype } from '../topology.js';
import { WeightFileError, type StoredWeight, type WeightFile } from './read-weights.js';

export function variableValues(
  feed: VariableFeed,
  shape: readonly number[],
  kerasDtype: string,
  file: WeightFile | undefined,
  seed: number,
): tf.Tensor {
  const dtype = tfjsDtype(kerasDtype);
  if (typeof dtype !== 'string') throw new Error(`${describe(feed)} cannot be fed: ${dtype.refused}`);
  if (file) return tf.tensor(storedVariable(file, feed, shape).values, [...shape], dtype);
  if (!feed.initializer) throw new Error(`${describe(feed)} has an initializer Tensor Lens does not know`);
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  const className = feed.initializer.class_name;
  const entry = registered[className];
  if (!entry) throw new Error(`${describe(feed)} has the initializer ${className}, which TensorFlow.js does not have`);
  const [cls, fromConfig] = entry;
  // TensorFlow.js spells the initializers' string options in camelCase (mode "fanIn", distribution "truncatedNormal").
  const config = Object.fromEntries(
    Object.entries(feed.initializer.config).map(([key, value]) => [key, typeof value === 'string' ? camelCase(value) : value]),
  );
  const initializer = fromConfig(cls, {
    ...config,
    seed: derivedSeed(seed, ...feed.layers, 'variable', String(feed.index)),
  }) as tf.serialization.Serializable & {
    apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  };
  return tf.tidy(() => tf.cast(initializer.apply([...shape], dtype === 'bool' ? 'float32' : dtype), dtype));
}

/**
 * The variable in a Keras 3 file: the entry of its layer, found by the names of the layers holding it from the
 * outermost (the model the file was saved from is not part of the entries' names, so the path is shortened from its
 * start until an entry has it); in a legacy Keras 2 file, by its name among its top-level layer's weights.
 */
function storedVariable(file: WeightFile, feed: VariableFeed, shape: readonly number[]): StoredWeight {
  const found = file.format === 'keras2-h5' ? legacyVariable(file, feed) : keras3Variable(file, feed);
  if (!found) throw new WeightFileError(`${describe(feed)} is not in ${file.path}`);
  if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
    throw new WeightFileError(
      `${describe(feed)} has shape ${formatShape(shape)}, but ${file.path} holds one of shape ${formatShape(found.shape)}`,
    );
  }
  return found;
}

function keras3Variable(file: WeightFile, feed: VariableFeed): StoredWeight | undefined {
  for (let start = 0; start < feed.layers.length; start++) {
    const key = feed.layers.slice(start).join('/');
    const keys = file.layers.has(key) ? [key] : [...file.layers.keys()].filter((k) => k.endsWith(`/${key}`));
    if (keys.length > 1) throw new WeightFileError(`${describe(feed)}: ${file.path} has several layers named ${key} (${keys.join(', ')})`);
    if (keys.length === 1) return file.layers.get(keys[0]!)?.[feed.index];
  }
  return undefined;
}

function legacyVariable(file: WeightFile, feed: VariableFeed): StoredWeight | undefined {
  const owner = feed.layers.map((name) => file.layers.get(name)).find((weights) => weights !== undefined);
  return owner?.find((w) => w.name === feed.name || w.name.endsWith(`/${feed.name}`));
}

function describe(feed: VariableFeed): string {
  return `the weight \`${feed.name}\` of ${feed.layers.at(-1)}`;
}

function camelCase(text: string): string {
  return text.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
