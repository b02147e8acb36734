// What the bundled tfjs-node gets for `require('@mapbox/node-pre-gyp')` (esbuild.js): `find` names the binding to
// load. A platform's VSIX carries it beside the bundles (dist/native/, scripts/package.mjs); otherwise it is the
// installed package's own (`npm run build:native`, or tfjs-node's ordinary install).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bindingName = 'tfjs_binding.node';

export function find(): string {
  const shipped = join(dirname(fileURLToPath(import.meta.url)), 'native', bindingName);
  if (existsSync(shipped)) return shipped;
  try {
    const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json');
    return join(dirname(packageJson), 'lib', 'napi-v8', bindingName);
  } catch {
    return shipped;
  }
}
