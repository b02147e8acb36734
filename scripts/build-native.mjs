// `npm run build:native`: tfjs-node's native binding, built against the TensorFlow of a Python environment instead
// of the libtensorflow its install script downloads (from a host that is often unreachable). The TensorFlow wheel
// from PyPI carries what the binding needs: the C API headers under tensorflow/include, and libtensorflow_cc.so.2
// (which exports the C and eager C APIs) with libtensorflow_framework.so.2. The binding links those two by soname,
// so it loads with any TensorFlow 2.x whose wheel has them.
//
//   node scripts/build-native.mjs [--tensorflow DIR]   DIR: site-packages/tensorflow (default: TENSOR_LENS_TENSORFLOW,
//                                                       else that of .venv-conformance)
//
// It installs @tensorflow/tfjs-node (the version package.json names) into node_modules without its install script,
// points its deps/ at the wheel, lets its binding set list attributes (native-attribute-lists.mjs), and builds
// lib/napi-v8/tfjs_binding.node with node-gyp and the headers of the Node that runs this script. Linux x64 only, as
// the wheels it builds from.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addAttributeLists } from './native-attribute-lists.mjs';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { tensorflow: { type: 'string' } } });

function fail(message) {
  process.stderr.write(`build:native: ${message}\n`);
  process.exit(1);
}

/** site-packages/tensorflow of the conformance environment, when it has one. */
function conformanceTensorflow() {
  const lib = join(root, '.venv-conformance', 'lib');
  if (!existsSync(lib)) return undefined;
  const python = readdirSync(lib).find((name) => name.startsWith('python3'));
  return python && join(lib, python, 'site-packages', 'tensorflow');
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`builds for linux-x64 only, not ${process.platform}-${process.arch}`);
const tensorflow = values.tensorflow ?? process.env['TENSOR_LENS_TENSORFLOW'] ?? conformanceTensorflow();
if (!tensorflow) fail('no TensorFlow given: pass --tensorflow DIR (site-packages/tensorflow) or make .venv-conformance');
const libraries = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
for (const file of [...libraries, 'include/tensorflow/c/c_api.h', 'include/tensorflow/c/eager/c_api.h']) {
  if (!existsSync(join(tensorflow, file))) fail(`${tensorflow} is not a TensorFlow 2 wheel's folder: it has no ${file}`);
}
const nodeHeaders = join(dirname(dirname(process.execPath)), 'include', 'node', 'node_api.h');
if (!existsSync(nodeHeaders)) fail(`the Node running this (${process.execPath}) has no headers at ${dirname(nodeHeaders)}`);

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies['@tensorflow/tfjs-node'];
const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

process.stdout.write(`build:native: @tensorflow/tfjs-node ${version} against ${tensorflow}\n`);
run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${version}`]);
const tfjsNode = join(root, 'node_modules', '@tensorflow', 'tfjs-node');

// deps/: what binding.gyp compiles and links against, and the runpath the binding loads from ($ORIGIN/../../deps/lib).
rmSync(join(tfjsNode, 'deps'), { recursive: true, force: true });
mkdirSync(join(tfjsNode, 'deps', 'lib'), { recursive: true });
symlinkSync(join(tensorflow, 'include'), join(tfjsNode, 'deps', 'include'));
const links = {
  'libtensorflow.so': 'libtensorflow_cc.so.2',
  'libtensorflow_cc.so.2': 'libtensorflow_cc.so.2',
  'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
  'libtensorflow_framework.so.2': 'libtensorflow_framework.so.2',
};
for (const [link, target] of Object.entries(links)) symlinkSync(join(tensorflow, target), join(tfjsNode, 'deps', 'lib', link));

addAttributeLists(join(tfjsNode, 'binding', 'tfjs_backend.cc'));

// node-pre-gyp's variables, as its `install --build-from-source` would pass them; N-API 8, the newest it lists.
const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
run(
  process.execPath,
  [
    gyp,
    'rebuild',
    `--nodedir=${dirname(dirname(process.execPath))}`,
    '--module_name=tfjs_binding',
    '--module_path=lib/napi-v8',
    '--napi_build_version=8',
  ],
  tfjsNode,
);
mkdirSync(join(tfjsNode, 'lib', 'napi-v8'), { recursive: true });
copyFileSync(join(tfjsNode, 'build', 'Release', 'tfjs_binding.node'), join(tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node'));
process.stdout.write(`build:native: ${join(tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node')}\n`);
