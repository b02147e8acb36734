// The many spellings of the same Keras, TensorFlow and NumPy names, reduced to
// one canonical dotted path (`tf.keras.layers.Dense` → `keras.layers.Dense`).

/** Prefix rewrites, longest first. */
const prefixAliases: ReadonlyArray<readonly [string, string]> = [
  ['tensorflow.python.keras', 'keras'],
  ['tensorflow.keras', 'keras'],
  ['tf.keras', 'keras'],
  ['tf_keras', 'keras'],
  ['keras.api', 'keras'],
  ['keras._tf_keras.keras', 'keras'],
  ['tensorflow', 'tf'],
  ['numpy', 'np'],
];

/** Names that are one object under several paths. */
const nameAliases: ReadonlyMap<string, string> = new Map([
  ['keras.models.Model', 'keras.Model'],
  ['keras.models.Sequential', 'keras.Sequential'],
  ['keras.models.Functional', 'keras.Model'],
  ['keras.layers.Input', 'keras.Input'],
  ['keras.layers.Layer', 'keras.Layer'],
  ['keras.engine.base_layer.Layer', 'keras.Layer'],
  ['keras.layers.layer.Layer', 'keras.Layer'],
  ['keras.models.clone_model', 'keras.models.clone_model'],
  ['keras.backend.function', 'keras.backend.function'],
  ['keras.ops.concatenate', 'keras.ops.concatenate'],
]);

/**
 * In the Keras sources Tensor Lens reads (library/), Keras's own modules name its public objects by their source paths
 * (`keras.src.layers`, `keras.src.backend`): those paths are the public ones, but for the sources that are read.
 */
export function publicKerasPath(path: string): string {
  if (!(path === 'keras.src' || path.startsWith('keras.src.')) || path.startsWith('keras.src.applications')) return path;
  return `keras${path.slice('keras.src'.length)}`;
}

export function canonicalPath(path: string): string {
  for (const [prefix, replacement] of prefixAliases) {
    if (path === prefix || path.startsWith(`${prefix}.`)) {
      path = replacement + path.slice(prefix.length);
      break;
    }
  }
  return nameAliases.get(path) ?? path;
}

/** The last component of a dotted path. */
export function lastName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}
