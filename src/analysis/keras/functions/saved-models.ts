// Models saved to files and read back: `keras.models.load_model` (and
// `keras.saving.load_model`) of a `.keras` archive, and
// `keras.models.model_from_json` of a JSON text. The architecture is read as
// data from the file (never run) and built as Keras's from_config builds it;
// a path is found as Python would from the folder the code runs in.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readHdf5ModelConfig } from '../../saved-models/hdf5.js';
import { readArchiveConfig } from '../../saved-models/keras-archive.js';
import { parsePythonJson } from '../../saved-models/python-json.js';
import { type Arguments, type CallSite, unknown, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';
import { LayerError } from '../rule.js';

/** Keras's own error, raised where load_model cannot read what it is given. */
function raises(context: ApiContext, site: CallSite, message: string): Value {
  return context.keras.raising(site, () => {
    throw new LayerError(message);
  });
}

function loadModel(context: ApiContext, args: Arguments, site: CallSite): Value {
  const given = args.positional[0] ?? args.keywords.get('filepath');
  if (given?.kind !== 'str') return unknown('load_model() of a path that is not known statically');
  const path = given.value;
  const found = context.dataFile(path);
  if (found.kind === 'unknown') return found;
  // Not there now is no proof it is missing when the code runs: the script (a checkpoint callback, model.save) may make it.
  if (found.kind !== 'str')
    return unknown(`${path} is not found from the file's folder or the workspace folders (the code may save it before it loads it)`);
  const file = found.value;
  const stat = statSync(file, { throwIfNoEntry: false });
  const config = path.endsWith('.keras') && stat?.isFile() ? readArchiveConfig(file) : undefined;
  if (config === undefined || 'notZip' in config) {
    // Keras's own order of checks (keras/src/saving/saving_api.py).
    if (path.endsWith('.h5') || path.endsWith('.hdf5')) return legacyModel(context, path, stat?.isFile() ? file : undefined, site);
    if (stat?.isDirectory() && !existsSync(join(file, 'saved_model.pb'))) {
      return unknown(`${path} is a folder (a Keras model folder or an Orbax checkpoint), which Tensor Lens does not read yet`);
    }
    if (path.endsWith('.keras')) {
      // Keras's words for an archive that is not a zip, too.
      return raises(context, site, `File not found: filepath=${path}. Please ensure the file is an accessible \`.keras\` zip file.`);
    }
    return raises(
      context,
      site,
      `File format not supported: filepath=${path}. Keras 3 only supports V3 \`.keras\` files, legacy H5 format files (\`.h5\` extension). Note that the legacy SavedModel format is not supported by \`load_model()\` in Keras 3. In order to reload a TensorFlow SavedModel as an inference-only layer in Keras 3, use \`keras.layers.TFSMLayer(${path}, call_endpoint='serving_default')\` (note that your \`call_endpoint\` might have a different name).`,
    );
  }
  if ('problem' in config) return unknown(`${path} cannot be read: ${config.problem}`);
  const serialized = parsePythonJson(config.text);
  if (serialized.kind === 'unknown') return unknown(`${path}: its config.json is ${serialized.reason}`);
  return context.keras.modelFromConfig(serialized, path, site, file);
}

/** A model `model.save("….h5")` wrote: its `model_config` attribute, and the weights under `model_weights`. */
function legacyModel(context: ApiContext, path: string, file: string | undefined, site: CallSite): Value {
  // h5py's words, where it opens a folder or a file that is not HDF5.
  if (!file) return raises(context, site, `Unable to synchronously open file (unable to open file: name = '${path}', Is a directory)`);
  const config = readHdf5ModelConfig(file);
  if (config === 'not loaded') return unknown(`${path} is read once the HDF5 reader has loaded, in a moment`);
  if ('notHdf5' in config) return raises(context, site, 'Unable to synchronously open file (file signature not found)');
  if ('noConfig' in config) return raises(context, site, `No model config found in the file at ${path}.`);
  if ('problem' in config) return unknown(`${path} cannot be read: ${config.problem}`);
  const serialized = parsePythonJson(config.text);
  if (serialized.kind === 'unknown') return unknown(`${path}: its model_config is ${serialized.reason}`);
  return context.keras.modelFromConfig(serialized, path, site, file);
}

function modelFromJson(context: ApiContext, args: Arguments, site: CallSite): Value {
  const text = args.positional[0] ?? args.keywords.get('json_string');
  if (text?.kind === 'unknown') return text;
  if (text?.kind !== 'str') return unknown('model_from_json() of a text that is not known statically');
  const serialized = parsePythonJson(text.value);
  if (serialized.kind === 'unknown') return serialized;
  return context.keras.modelFromConfig(serialized, 'the JSON text', site);
}

export const savedModelFunctions: readonly ApiFunction[] = [
  ...['keras.models.load_model', 'keras.saving.load_model'].map((path) => apiFunction(path, loadModel)),
  apiFunction('keras.models.model_from_json', modelFromJson),
];
