// Bundles every entry point into dist/ and copies the wasm files they load.
// `node esbuild.js` builds once; `--watch` rebuilds on change.

import { copyFile, cp, mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(await readFile('package.json', 'utf8'));
const watch = process.argv.includes('--watch');

/** Entry points: each becomes dist/<name>.js. */
const entries = {
  cli: 'src/cli/main.ts',
  worker: 'src/engine/worker-main.ts',
  server: 'src/server/main.ts',
};

const wasmFiles = [
  'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
];

/** The codicon font and its stylesheet, served to the panel from the extension (never from the network). */
const codiconFiles = ['@vscode/codicons/dist/codicon.css', '@vscode/codicons/dist/codicon.ttf'];

// A fresh dist/ for a one-off build: chunks are named by hash, and old ones would end up in the VSIX.
if (!watch) await rm('dist', { recursive: true, force: true });
await mkdir('dist/codicons', { recursive: true });
await Promise.all(wasmFiles.map((file) => copyFile(require.resolve(file), `dist/${file.split('/').pop()}`)));
await Promise.all(codiconFiles.map((file) => copyFile(require.resolve(file), `dist/codicons/${file.split('/').pop()}`)));
// The Python sources the analysis reads as a library (keras.applications of the pinned Keras, with its license).
await cp('library', 'dist/library', { recursive: true, filter: (source) => !source.includes('__pycache__') });

/** Whether a package resolves from here. */
function installed(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * tfjs-node's JavaScript, bundled with the worker when it is installed (`npm run build:native`) and left out (its
 * import then fails, and the engine falls back to wasm) when not. Its binding is not bundled: it is loaded from
 * where src/engine/native/tfjs-binding-path.ts finds it, in place of node-pre-gyp's lookup; its `util` has what
 * newer Nodes removed (src/engine/native/node-util-compat.ts).
 */
const tfjsNode = {
  name: 'tfjs-node',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-node$/ }, (args) =>
      installed('@tensorflow/tfjs-node') ? undefined : { path: args.path, external: true },
    );
    build.onResolve({ filter: /^@mapbox\/node-pre-gyp$/ }, () => ({ path: require.resolve('./src/engine/native/tfjs-binding-path.ts') }));
    build.onResolve({ filter: /^util$/ }, (args) =>
      args.importer.includes('tfjs-node') ? { path: require.resolve('./src/engine/native/node-util-compat.ts') } : undefined,
    );
  },
};

/**
 * The worker, server and CLI: ES modules for Node, built together so that the modules they import lazily (the HDF5
 * reader, megabytes) are one shared chunk, loaded on first use, and not a copy each.
 */
const nodeContext = esbuild.context({
  entryPoints: entries,
  splitting: true,
  // Beside the entries: code in a chunk finds its files (worker.js, the wasm files, library/) from its own URL.
  chunkNames: '[name]-[hash]',
  outdir: 'dist',
  bundle: true,
  plugins: [tfjsNode],
  // Only the parts of TensorFlow.js inference needs (src/engine/tfjs-bundle.ts).
  alias: { '@tensorflow/tfjs': './src/engine/tfjs-bundle.ts' },
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  minify: !watch,
  define: { VERSION: JSON.stringify(version) },
  // The CLI runs as a command (its shebang, harmless in the others); bundled CommonJS dependencies (the wasm loaders
  // among them) expect require() and __dirname.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join('\n'),
  },
  logLevel: 'warning',
});

/** The VS Code extension: CommonJS, which every VS Code version loads; `vscode` is provided by the host. */
const extensionContext = esbuild.context({
  entryPoints: ['src/extension/main.ts'],
  outfile: 'dist/extension.cjs',
  bundle: true,
  external: ['vscode'],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: !watch,
  define: { VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});

/** The activation panel: one script for the webview (a browser). */
const webviewContext = esbuild.context({
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: true,
  minify: !watch,
  logLevel: 'warning',
});

const contexts = await Promise.all([nodeContext, extensionContext, webviewContext]);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
