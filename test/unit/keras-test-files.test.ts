// Keras's own test files (keras/src/**/*_test.py in the pinned Keras of
// .venv-conformance): hundreds of real files no one here wrote, each of which
// runs under Keras, and this repository's own model files. With their test
// methods called, as a test runner would, the analysis must report no warning
// and no error on any of them (Python and Keras raise none), and no internal error.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kerasSourceDirectory, kerasTestFilesIn, withTestCalls } from '../fuzz/corpus/keras-tests.js';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import { analyzer } from './helpers/analysis.js';

const root = new URL('../..', import.meta.url).pathname;

/** `file`: where the text is, so that the modules it imports are read as `python FILE` finds them. */
function problemsIn(text: string, where: string, file?: string): Promise<string[]> {
  const imports = file === undefined ? undefined : { file, searchRoots: [], sources: diskSources() };
  return analyzer()
    .then((a) => a.analyze(text, undefined, imports))
    .then((analysis) =>
      analysis.diagnostics
        .filter((d) => d.severity !== 'information' || d.code === 'internal-error')
        .map((d) => `${where}:${d.range.start.line + 1}: ${d.severity} ${d.code}: ${d.message}`),
    );
}

describe("Keras's own test files", function () {
  this.timeout(120_000);
  const directory = kerasSourceDirectory(root);

  it('raise no warning, no error and no internal error', async function () {
    if (!directory) {
      process.stdout.write('      NOT RUN: no .venv-conformance with the pinned Keras (see .ci/run)\n');
      this.skip();
    }
    const files = kerasTestFilesIn(directory);
    assert.ok(files.length > 200, `found ${files.length} test files`);
    const problems: string[] = [];
    for (const path of files)
      problems.push(...(await problemsIn(withTestCalls(readFileSync(path, 'utf8')), path.slice(directory.length + 1))));
    assert.deepEqual(problems, [], `${problems.length} diagnostics Python would not raise, in ${files.length} files`);
  });
});

describe("this repository's model files", () => {
  it('raise no warning, no error and no internal error', async () => {
    const folders = ['examples', 'examples/split_model', 'examples/split_model/nets', 'test/fixtures', 'test/conformance/models'];
    const files = folders.flatMap((folder) =>
      readdirSync(join(root, folder))
        .filter((name) => name.endsWith('.py'))
        .map((name) => join(folder, name)),
    );
    assert.ok(files.length >= 15, `found ${files.length} files`);
    const problems: string[] = [];
    for (const file of files) problems.push(...(await problemsIn(readFileSync(join(root, file), 'utf8'), file, join(root, file))));
    assert.deepEqual(problems, []);
  });
});
