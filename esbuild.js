// Bundles every entry point into dist/ and copies the wasm files they load.
// `node esbuild.js` builds once; `--watch` rebuilds on change.

import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(await readFile('package.json', 'utf8'));
const watch = process.argv.includes('--watch');

/** Entry points: each becomes dist/<name>.js. */
const entries = [{ name: 'cli', source: 'src/cli/main.ts', banner: '#!/usr/bin/env node' }];

const wasmFiles = ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm'];

await mkdir('dist', { recursive: true });
await Promise.all(wasmFiles.map((file) => copyFile(require.resolve(file), `dist/${file.split('/').pop()}`)));

const contexts = await Promise.all(
  entries.map((entry) =>
    esbuild.context({
      entryPoints: { [entry.name]: entry.source },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      sourcemap: true,
      minify: !watch,
      define: { VERSION: JSON.stringify(version) },
      // Bundled CommonJS dependencies call require(); give ESM output one.
      banner: {
        js: `${entry.banner ?? ''}\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);`,
      },
      logLevel: 'warning',
    }),
  ),
);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
