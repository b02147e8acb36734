// Keras's own test files (keras/src/**/*_test.py in the pinned Keras of
// .venv-conformance): hundreds of real files no one here wrote, each of which
// runs under Keras. With their test methods called, as a test runner would,
// the analysis must raise no internal error and report no name as undefined
// or used before assignment: Python raises neither on them.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kerasSourceDirectory, kerasTestFilesIn, withTestCalls } from '../fuzz/corpus/keras-tests.js';
import { analyze } from './helpers/analysis.js';

const root = new URL('../..', import.meta.url).pathname;
const falseAlarmCodes = new Set(['internal-error', 'undefined-name', 'used-before-assignment']);

describe("Keras's own test files", function () {
  this.timeout(120_000);
  const directory = kerasSourceDirectory(root);

  it('are analysed without an internal error or a name Python would find', async function () {
    if (!directory) {
      process.stdout.write('      NOT RUN: no .venv-conformance with the pinned Keras (see .ci/run)\n');
      this.skip();
    }
    const files = kerasTestFilesIn(directory);
    assert.ok(files.length > 200, `found ${files.length} test files`);
    const problems: string[] = [];
    for (const path of files) {
      const analysis = await analyze(withTestCalls(readFileSync(path, 'utf8')));
      for (const d of analysis.diagnostics) {
        if (falseAlarmCodes.has(d.code)) problems.push(`${path.slice(directory.length + 1)}:${d.range.start.line + 1}: ${d.message}`);
      }
    }
    assert.deepEqual(problems, [], `${problems.length} diagnostics Python would not raise, in ${files.length} files`);
  });
});
