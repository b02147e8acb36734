// The server the fuzzer runs: a private copy of dist/, so that a build by
// someone else (esbuild.js empties dist/) cannot pull files from under the
// running server and its workers. dist/ is rebuilt first only when src/ is
// newer than it (or when asked).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entries = ['server.js', 'worker.js'];

function newestUnder(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/ is missing or older than a file of src/. */
export function distIsStale(root: string): boolean {
  const server = join(root, 'dist', 'server.js');
  return !existsSync(server) || newestUnder(join(root, 'src')) > statSync(server).mtimeMs;
}

export function build(root: string): string | undefined {
  const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, encoding: 'utf8' });
  return built.status === 0 ? undefined : built.stderr || `esbuild.js exited with ${built.status}`;
}

/** The copy holds both entry points and every chunk they import: it was not taken in the middle of a build. */
function complete(directory: string): boolean {
  for (const entry of entries) {
    const path = join(directory, entry);
    if (!existsSync(path)) return false;
    for (const chunk of readFileSync(path, 'utf8').match(/chunks\/[\w-]+\.js/g) ?? [])
      if (!existsSync(join(directory, chunk))) return false;
  }
  return existsSync(join(directory, 'tree-sitter-python.wasm'));
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Copies dist/ into `into` (retrying while a build is under way); answers the copy's server.js. */
export function snapshotDist(root: string, into: string): string {
  for (let attempt = 1; ; attempt++) {
    rmSync(into, { recursive: true, force: true });
    try {
      cpSync(join(root, 'dist'), into, { recursive: true });
      if (complete(into)) return join(into, 'server.js');
    } catch {
      // A file vanished while it was copied: a build is emptying dist/.
    }
    if (attempt === 30) throw new Error('dist/ stayed incomplete for a minute: is a build failing? Run node esbuild.js');
    pause(2000);
  }
}
