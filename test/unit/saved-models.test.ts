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
writeFileSync(join(folder, 'corrupt.h5'), 'not HDF5 either');
const tinyWeights = join(import.meta.dirname, '..', 'fixtures', 'weights');
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

  it('a legacy .h5 file that is not HDF5: h5py\'s error; an HDF5 file of weights only: "No model config found", as Keras says', async () => {
    const errorsAfterLoading = async (source: string): Promise<string[]> => {
      const imports = { file: join(folder, 'train.py'), searchRoots: [], sources: diskSources() };
      const analysis = await (await analyzer()).analyzeFully(source, undefined, imports);
      return analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${where(d)} ${d.message}`);
    };
    assert.deepEqual(await errorsAfterLoading('import keras\na = keras.models.load_model("corrupt.h5")\n'), [
      '2:5-2:42 Unable to synchronously open file (file signature not found)',
    ]);
    const weightsOnly = JSON.stringify(join(tinyWeights, 'tiny.weights.h5'));
    assert.deepEqual(await errorsAfterLoading(`import keras\nb = keras.models.load_model(${weightsOnly})\n`), [
      `2:5-2:${30 + weightsOnly.length} No model config found in the file at ${join(tinyWeights, 'tiny.weights.h5')}.`,
    ]);
  });

  it('load_weights of a file Keras cannot read: its error on the call; of a file not there yet or a folder, no error', async () => {
    const model = 'import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n';
    const cases: [string, string[]][] = [
      ['corrupt.h5', ['3:1-3:33 Unable to synchronously open file (file signature not found)']],
      ['corrupt.keras', ['3:1-3:36 File is not a zip file']],
      [
        'train.py',
        [
          '3:1-3:31 File format not supported: filepath=train.py. Keras 3 only supports V3 `.keras` files, `.weights.h5` files, legacy H5 format files (`.h5` extension), or Orbax checkpoints.',
        ],
      ],
      ['not_saved_yet.weights.h5', []],
      ['exported_savedmodel', []],
    ];
    writeFileSync(join(folder, 'train.py'), '');
    for (const [path, errors] of cases) {
      assert.deepEqual(await errorsOf(`${model}model.load_weights("${path}")\n`), errors, path);
    }
  });

  it('load_weights of a legacy .h5: read by the order of the layers with weights, as Keras reads it; by name with by_name=True', async () => {
    const model =
      'import keras\ninputs = keras.Input((4,))\nx = keras.layers.Dense(3, name="hidden")(inputs)\nmodel = keras.Model(inputs, keras.layers.BatchNormalization(name="norm")(x))\n';
    const weightsOf = async (call: string): Promise<unknown[]> => {
      const graph = (await analyzer()).analyze(`${model}${call}\n`, undefined, {
        file: join(tinyWeights, 'train.py'),
        searchRoots: [],
        sources: diskSources(),
      });
      return graph.layers.filter((l) => l.className !== 'Functional').map((l) => l.weights);
    };
    const file = join(tinyWeights, 'tiny.h5');
    assert.deepEqual(await weightsOf('model.load_weights("tiny.h5")'), [
      { file, key: 'input_layer', model: 'functional' },
      { file, key: 'hidden', model: 'functional', order: { index: 0, of: 2 } },
      { file, key: 'norm', model: 'functional', order: { index: 1, of: 2 } },
    ]);
    assert.deepEqual(await weightsOf('model.load_weights("tiny.h5", by_name=True)'), [
      { file, key: 'input_layer', model: 'functional' },
      { file, key: 'hidden', model: 'functional' },
      { file, key: 'norm', model: 'functional' },
    ]);
  });

  it('a legacy .h5 model: its architecture read from the model_config attribute, nested models and all', async () => {
    const reference = references().find((r) => r.id === 'autoencoder')!;
    const source = 'import keras\nmodel = keras.models.load_model("model.h5")\ncode = model.get_layer("encoder").output\n';
    const imports = { file: join(reference.dir, 'load.py'), searchRoots: [], sources: diskSources() };
    const analysis = await (await analyzer()).analyzeFully(source, undefined, imports);
    assert.equal(analysis.waitsForHdf5, false);
    assert.equal(shapeOf(analysis, 'code'), '(None, 7, 7, 8)');
  });

  it('model_from_json of a file read with open(...).read(), or in a with block: every row as Keras built it', async () => {
    const reference = references().find((r) => r.id === 'autoencoder')!;
    const config = new TextDecoder().decode(
      unzipSync(readFileSync(join(reference.dir, 'model.keras')), { filter: (f) => f.name === 'config.json' })['config.json']!,
    );
    writeFileSync(join(folder, 'model.json'), config);
    for (const source of [
      'import keras\nmodel = keras.models.model_from_json(open("model.json").read())\n',
      'import keras\nwith open("model.json") as f:\n    model = keras.models.model_from_json(f.read())\n',
    ]) {
      const graph = (await analyzer()).analyze(source, undefined, {
        file: join(folder, 'train.py'),
        searchRoots: [],
        sources: diskSources(),
      });
      const rows = comparableRows(
        graph,
        reference,
        reference.models.findIndex((m) => m.name === reference.evaluated!.model),
      )!;
      assert.ok(rows, source);
      assert.deepEqual(rows.ours, rows.keras);
    }
    const missing = (await analyzer()).analyze(
      'import keras\nmodel = keras.models.model_from_json(open("gone.json").read())\n',
      undefined,
      {
        file: join(folder, 'train.py'),
        searchRoots: [],
        sources: diskSources(),
      },
    );
    assert.deepEqual(missing.diagnostics, []);
    assert.equal(shapeOf(missing, 'model'), "unknown: gone.json is not found from the file's folder or the workspace folders");
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
