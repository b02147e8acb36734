// `npm run package`: the VSIX every platform installs (native TensorFlow only through an ordinary tfjs-node install).
// `npm run package -- --target linux-x64`: the VSIX for Linux x64, which also carries tfjs-node's binding
// (`npm run build:native` first): with it, evaluations run on the TensorFlow of the user's Python environment.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { target: { type: 'string' } } });
const targets = { 'linux-x64': { platform: 'linux', arch: 'x64' } };
const target = values.target;
if (target !== undefined && !(target in targets)) {
  process.stderr.write(`package: --target takes ${Object.keys(targets).join(', ')}, not '${target}'\n`);
  process.exit(2);
}
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

run(process.execPath, ['esbuild.js']);
if (target !== undefined) {
  const tfjsNode = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  const binding = join(tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node');
  if (!existsSync(binding)) {
    process.stderr.write(`package: no tfjs-node binding at ${binding}: run npm run build:native first\n`);
    process.exit(1);
  }
  mkdirSync(join(root, 'dist', 'native'), { recursive: true });
  copyFileSync(binding, join(root, 'dist', 'native', 'tfjs_binding.node'));
}
const out = target === undefined ? 'tensor-lens.vsix' : `tensor-lens-${target}.vsix`;
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', ...(target ? ['--target', target] : []), '--out', out]);
process.stdout.write(`package: ${out}, ${(statSync(join(root, out)).size / 1024 ** 2).toFixed(1)} MB\n`);
