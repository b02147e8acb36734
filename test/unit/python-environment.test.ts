// Finding the user's Python environment and its TensorFlow from files alone, on real folders laid out as venv, conda
// and the PyPI wheel lay them out: which candidate wins, what an untrusted workspace keeps out, and the reasons given.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonEnvironments, type EnvironmentHints } from '../../src/environment/python-environment.js';
import { findTensorFlowLibraries, workerEnvironment } from '../../src/environment/tensorflow-libraries.js';

let root: string;

/** A venv (or conda env) at `prefix`, with TensorFlow's wheel when `tensorflow` names its version. */
function environment(prefix: string, { tensorflow, conda = false }: { tensorflow?: string; conda?: boolean } = {}): string {
  const site = join(prefix, 'lib', 'python3.11', 'site-packages');
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  mkdirSync(site, { recursive: true });
  writeFileSync(join(prefix, 'bin', 'python'), '');
  if (conda) mkdirSync(join(prefix, 'conda-meta'));
  else writeFileSync(join(prefix, 'pyvenv.cfg'), 'home = /usr/bin\n');
  if (tensorflow) {
    mkdirSync(join(site, 'tensorflow'));
    mkdirSync(join(site, `tensorflow_cpu-${tensorflow}.dist-info`));
    for (const name of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) writeFileSync(join(site, 'tensorflow', name), '');
  }
  return prefix;
}

const hints = (overrides: Partial<EnvironmentHints>): EnvironmentHints => ({
  interpreters: [],
  env: {},
  workspaceFolders: [],
  trusted: true,
  ...overrides,
});

describe('Python environments and their TensorFlow, read from files', () => {
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'tensor-lens-env-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes the setting first, then the Python extension, VIRTUAL_ENV, CONDA_PREFIX and the workspace .venv', () => {
    const [setting, selected, venv, conda] = ['setting', 'selected', 'venv', 'conda'].map((n) => environment(join(root, n)));
    const workspace = join(root, 'project');
    environment(join(workspace, '.venv'));
    const found = pythonEnvironments(
      hints({
        interpreters: [
          { path: join(setting!, 'bin', 'python'), source: 'tensorLens.python.interpreter' },
          { path: join(selected!, 'bin', 'python'), source: "the Python extension's interpreter" },
        ],
        env: { VIRTUAL_ENV: venv, CONDA_PREFIX: conda },
        workspaceFolders: [workspace],
      }),
    );
    assert.deepEqual(
      found.map((e) => [e.prefix, e.source]),
      [
        [setting, 'tensorLens.python.interpreter'],
        [selected, "the Python extension's interpreter"],
        [venv, 'VIRTUAL_ENV'],
        [conda, 'CONDA_PREFIX'],
        [join(workspace, '.venv'), '.venv in the workspace'],
      ],
    );
    assert.deepEqual(found[0]!.sitePackages, [join(setting!, 'lib', 'python3.11', 'site-packages')]);
  });

  it('finds the first environment whose wheel has the C library, and its version', () => {
    const without = environment(join(root, 'plain'));
    const withTf = environment(join(root, 'ml'), { tensorflow: '2.21.0', conda: true });
    const found = findTensorFlowLibraries(pythonEnvironments(hints({ env: { VIRTUAL_ENV: without, CONDA_PREFIX: withTf } })), 'linux');
    assert.ok(!('missing' in found));
    assert.equal(found.folder, join(withTf, 'lib', 'python3.11', 'site-packages', 'tensorflow'));
    assert.equal(found.version, '2.21.0');
    assert.equal(found.environment.source, 'CONDA_PREFIX');
    assert.deepEqual(workerEnvironment(found, { LD_LIBRARY_PATH: '/opt/lib' }, 'linux'), {
      LD_LIBRARY_PATH: `${found.folder}:/opt/lib`,
      TENSOR_LENS_TENSORFLOW: `the TensorFlow 2.21.0 wheel of ${withTf} (CONDA_PREFIX)`,
    });
  });

  it('keeps an untrusted workspace’s own environments out', () => {
    const workspace = join(root, 'project');
    environment(join(workspace, 'venv'), { tensorflow: '2.20.0' });
    const inside = join(workspace, 'venv', 'bin', 'python');
    const trusted = pythonEnvironments(hints({ interpreters: [{ path: inside, source: 'setting' }], workspaceFolders: [workspace] }));
    assert.deepEqual(
      trusted.map((e) => e.source),
      ['setting'],
    );
    const untrusted = pythonEnvironments(
      hints({ interpreters: [{ path: inside, source: 'setting' }], workspaceFolders: [workspace], trusted: false }),
    );
    assert.deepEqual(untrusted, []);
    assert.deepEqual(findTensorFlowLibraries(untrusted, 'linux'), { missing: 'no Python environment was found' });
  });

  it('says where it looked when no wheel has the library, and which platforms it loads on', () => {
    const plain = environment(join(root, 'plain'));
    const environments = pythonEnvironments(hints({ env: { VIRTUAL_ENV: plain } }));
    assert.deepEqual(findTensorFlowLibraries(environments, 'linux'), {
      missing: `no TensorFlow 2 wheel with its C library in ${plain} (VIRTUAL_ENV)`,
    });
    assert.deepEqual(findTensorFlowLibraries(environments, 'win32'), {
      missing: 'TensorFlow from a Python environment is loaded on Linux, not on win32',
    });
    assert.deepEqual(workerEnvironment({ missing: 'none here' }), { TENSOR_LENS_TENSORFLOW_MISSING: 'none here' });
  });

  it('ignores candidates that are not environments', () => {
    const file = join(root, 'python');
    writeFileSync(file, '');
    assert.deepEqual(
      pythonEnvironments(hints({ interpreters: [{ path: file, source: 's' }], env: { VIRTUAL_ENV: join(root, 'gone') } })),
      [],
    );
  });
});
