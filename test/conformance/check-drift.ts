// Regenerates the Keras references into a temp folder and fails on any drift
// from the committed ones, when a Python with the pinned Keras is at hand:
// TENSOR_LENS_PYTHON, or the virtual environment .ci/run makes
// (.venv-conformance). Without one it says plainly that the check did not run.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const python = process.env['TENSOR_LENS_PYTHON'] ?? join(root, '.venv-conformance', 'bin', 'python');
const hasKeras =
  existsSync(python) &&
  spawnSync(python, ['-c', 'import keras, tf_keras, jax'], { stdio: 'ignore', env: { ...process.env, KERAS_BACKEND: 'jax' } }).status === 0;

if (!hasKeras) {
  process.stdout.write(
    `\n  Conformance drift check: NOT RUN. No Python with the pinned Keras at ${python}.\n` +
      '  Install it with: python3 -m venv .venv-conformance && .venv-conformance/bin/pip install -r test/conformance/requirements.txt\n' +
      '  (the committed references are still compared by the mocha tests).\n',
  );
} else {
  process.stdout.write(`\n  Conformance drift check: regenerating the references with ${python}\n`);
  const result = spawnSync(python, [join(root, 'test/conformance/generate.py'), '--check'], { stdio: 'inherit', cwd: root });
  // The per-class references take ten minutes to regenerate in full: CI checks a fixed sample of classes.
  process.stdout.write('\n  Layer-class references: regenerating a sample of 12 classes (generate-layers.py --check --sample 12)\n');
  const layers = spawnSync(python, [join(root, 'test/conformance/generate-layers.py'), '--check', '--sample', '12'], {
    stdio: 'inherit',
    cwd: root,
  });
  // Keras's ops shape tests take half a minute to mine again: checked in full.
  process.stdout.write('\n  Keras ops shape tests: mining them again (mine-keras-ops-tests.py --check)\n');
  const opsTests = spawnSync(python, [join(root, 'test/conformance/mine-keras-ops-tests.py'), '--check'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, KERAS_BACKEND: 'jax' },
  });
  // Their values, run eagerly by Keras, take three minutes in full: CI checks an even sample.
  process.stdout.write('\n  Keras ops values: regenerating a sample (generate-ops-values.py --check --sample 150)\n');
  const opsValues = spawnSync(python, [join(root, 'test/conformance/generate-ops-values.py'), '--check', '--sample', '150'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, KERAS_BACKEND: 'jax' },
  });
  // The layer cases under a global dtype policy take seven minutes in full: CI checks an even sample.
  process.stdout.write('\n  Layer cases under dtype policies: regenerating a sample (generate-policy-dtypes.py --check --sample 60)\n');
  const policies = spawnSync(python, [join(root, 'test/conformance/generate-policy-dtypes.py'), '--check', '--sample', '60'], {
    stdio: 'inherit',
    cwd: root,
  });
  // Every builder of keras.applications takes twelve minutes to record again: CI checks an even sample of them, and
  // that the sources read (library/) are the pinned Keras's, unchanged.
  process.stdout.write('\n  keras.applications: regenerating a sample of 3 builders (generate-applications.py --check --sample 3)\n');
  const applications = spawnSync(python, [join(root, 'test/conformance/generate-applications.py'), '--check', '--sample', '3'], {
    stdio: 'inherit',
    cwd: root,
  });
  // Every activation of keras.activations, applied by a layer: seconds, checked in full.
  process.stdout.write('\n  keras.activations values: regenerating them (generate-activations.py --check)\n');
  const activations = spawnSync(python, [join(root, 'test/conformance/generate-activations.py'), '--check'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, KERAS_BACKEND: 'jax' },
  });
  // The "Get … as NumPy" snippets, run by Keras: seconds, checked in full.
  process.stdout.write('\n  Get … as NumPy snippets: running them in Keras again (generate-numpy-snippets.ts --check)\n');
  const snippets = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/conformance/generate-numpy-snippets.ts'), '--check'], {
    stdio: 'inherit',
    cwd: root,
  });
  process.exit(
    result.status ||
      snippets.status ||
      layers.status ||
      opsTests.status ||
      opsValues.status ||
      policies.status ||
      applications.status ||
      activations.status ||
      0,
  );
}
