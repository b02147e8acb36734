// Finds the wasm files the parser loads: beside the bundle in dist/ (where
// esbuild.js copies them), else in node_modules when running from source.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagePath: Record<string, string> = {
  'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python.wasm': 'tree-sitter-python/tree-sitter-python.wasm',
};

export function locateWasm(fileName: string): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), fileName);
  if (existsSync(bundled)) return bundled;
  const inPackage = packagePath[fileName];
  if (!inPackage) throw new Error(`unknown wasm file ${fileName}`);
  return createRequire(import.meta.url).resolve(inPackage);
}
