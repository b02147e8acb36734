// Installs the end-to-end tools (node 24, system packages, chromium, code-server) into .vscode-test/, idempotently.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CODE_SERVER_VERSION,
  cacheDir,
  chromiumPath,
  codeServerBin,
  codeServerPrefix,
  findNode24Dir,
  node24Binary,
  node24Dir,
  node24Env,
  node24IncludeDir,
  node24Prefix,
} from './tools.js';

const APT_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'chromium'];

class SetupError extends Error {}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs a command to completion, its output captured; returns stdout, or throws with the end of its output. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw new SetupError(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${String(result.stdout)}${String(result.stderr)}`.trim().split('\n').slice(-30).join('\n');
    throw new SetupError(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${output}`);
  }
  return String(result.stdout).trim();
}

/** Runs one step and prints what it found or did, with how long it took. */
function step(name: string, body: () => string): void {
  const start = performance.now();
  const outcome = body();
  say(`${name}: ${outcome} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
}

function node24Version(): string | undefined {
  if (findNode24Dir() === undefined) return undefined;
  const version = spawnSync(node24Binary(), ['--version'], { encoding: 'utf8' }).stdout?.trim();
  return version?.startsWith('v24.') ? version : undefined;
}

function installNode24(): string {
  const found = node24Version();
  if (found) return `found ${found} at ${node24Binary()}`;
  run('npm', ['install', '--prefix', node24Prefix, '--no-save', '--no-audit', '--no-fund', 'node@24']);
  const installed = node24Version();
  if (!installed) throw new SetupError(`npm installed node@24 into ${node24Prefix} but no working node 24 binary was found there`);
  return `installed ${installed} at ${node24Binary()} (headers ${node24IncludeDir()})`;
}

function isInstalled(pkg: string): boolean {
  const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout ?? '';
  return status.trim() === 'install ok installed';
}

function installAptPackages(): string {
  const missing = APT_PACKAGES.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return `found ${APT_PACKAGES.join(' ')}`;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new SetupError(`missing system packages ${missing.join(' ')}: as root, run\n  ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  return `installed ${missing.join(' ')}`;
}

function codeServerVersion(): string | undefined {
  // Its first run writes a default config (and logs a line before `4.139.1 <commit> with Code 1.139.1`): keep it in the cache.
  const env = { ...node24Env(), XDG_CONFIG_HOME: join(cacheDir, 'xdg-config') };
  const result = spawnSync(codeServerBin, ['--version'], { encoding: 'utf8', env });
  return result.status === 0 ? /^(\d+\.\d+\.\d+) [0-9a-f]+ with Code /m.exec(result.stdout)?.[1] : undefined;
}

function installCodeServer(): string {
  if (codeServerVersion() === CODE_SERVER_VERSION) return `found ${CODE_SERVER_VERSION} at ${codeServerBin}`;
  // npm runs here under node 24 (first on PATH). An outer `npm test` passes its own npm_* settings in the
  // environment, and npm_config_user_agent would name node 20 to code-server's install check: drop them.
  const outer = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const env = { ...node24Env(outer), npm_config_nodedir: node24Dir() };
  run('npm', ['install', '--prefix', codeServerPrefix, '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    env,
  });
  const installed = codeServerVersion();
  if (installed !== CODE_SERVER_VERSION) throw new SetupError(`code-server reports ${installed ?? 'no version'} after install`);
  return `installed ${installed} at ${codeServerBin}`;
}

function main(): void {
  mkdirSync(cacheDir, { recursive: true });
  step('node 24', installNode24);
  step('system packages', installAptPackages);
  step('code-server', installCodeServer);
  say(`node24:      ${node24Binary()}`);
  say(`code-server: ${codeServerBin}`);
  say(`chromium:    ${chromiumPath()}`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  process.stderr.write(`e2e setup failed: ${error.message}\n`);
  process.exit(1);
}
