// Models read back from files: load_model's refusals, as Keras words them, on
// the call (a missing archive, a file that is no zip, a SavedModel folder), and
// model_from_json of the JSON text Keras wrote, built as Keras built it.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import { comparableRows, references } from '../conformance/reference.js';
import { analyzer, shapeOf, where } from './helpers/analysis.js';

const folder = mkdtempSync(join(tmpdir(), 'tensor-lens-saved-'));
writeFileSync(join(folder, 'corrupt.keras'), 'not a zip');
mkdirSync(join(folder, 'exported_savedmodel'));
writeFileSync(join(folder, 'exported_savedmodel', 'saved_model.pb'), '');

async function errorsOf(source: string): Promise<string[]> {
  const graph = (await analyzer()).analyze(source, undefined, { file: join(folder, 'train.py'), searchRoots: [], sources: diskSources() });
  return graph.diagnostics.filter((d) => d.severity === 'error').map((d) => `${where(d)} ${d.message}`);
}

const unsupported = (path: string): string =>
  `File format not supported: filepath=${path}. Keras 3 only supports V3 \`.keras\` files, legacy H5 format files (\`.h5\` extension). Note that the legacy SavedModel format is not supported by \`load_model()\` in Keras 3. In order to reload a TensorFlow SavedModel as an inference-only layer in Keras 3, use \`keras.layers.TFSMLayer(${path}, call_endpoint='serving_default')\` (note that your \`call_endpoint\` might have a different name).`;

describe('saved models', () => {
  it('a .keras path not found now: no error (the code may save it first), the model unknown with why', async () => {
    const graph = (await analyzer()).analyze('import keras\nm = keras.models.load_model("missing.keras")\n', undefined, {
      file: join(folder, 'train.py'),
      searchRoots: [],
      sources: diskSources(),
    });
    assert.deepEqual(graph.diagnostics, []);
    assert.equal(
      shapeOf(graph, 'm'),
      "unknown: missing.keras is not found from the file's folder or the workspace folders (the code may save it before it loads it)",
    );
  });

  it('a .keras file that is no zip: "File not found", as Keras checks; a SavedModel folder: "File format not supported"', async () => {
    assert.deepEqual(await errorsOf('import keras\nm = keras.saving.load_model("corrupt.keras")\n'), [
      '2:5-2:45 File not found: filepath=corrupt.keras. Please ensure the file is an accessible `.keras` zip file.',
    ]);
    assert.deepEqual(await errorsOf('import tensorflow as tf\nm = tf.keras.models.load_model("exported_savedmodel")\n'), [
      `2:5-2:54 ${unsupported('exported_savedmodel')}`,
    ]);
  });

  it('model_from_json of the config Keras wrote: every row as Keras built it', async () => {
    const reference = references().find((r) => r.id === 'autoencoder')!;
    const config = new TextDecoder().decode(
      unzipSync(readFileSync(join(reference.dir, 'model.keras')), { filter: (f) => f.name === 'config.json' })['config.json']!,
    );
    const graph = (await analyzer()).analyze(`import keras\nmodel = keras.models.model_from_json(${JSON.stringify(config)})\n`);
    const rows = comparableRows(
      graph,
      reference,
      reference.models.findIndex((m) => m.name === reference.evaluated!.model),
    )!;
    assert.deepEqual(rows.ours, rows.keras);
    assert.equal(rows.totals[0], rows.totals[1]);
  });
});
