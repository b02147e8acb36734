// A throw-away code-server for one end-to-end run: fresh user data, extensions
// and config folders, the VSIX installed, a free loopback port, its own process
// group (ended as a whole, whatever happened), and a workspace of copies.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { codeServerEntry, node24Binary, node24Env, repoRoot } from './tools.js';

export interface CodeServer {
  readonly url: string;
  readonly workspace: string;
  readonly extensionsDir: string;
  stop(): void;
}

/** The settings of a quiet workbench: no welcome page, chat, tips or git prompts in the screenshots. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilHealthy(url: string, process: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`code-server exited with ${process.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer within 60 s:\n${log()}`);
}

/** Copies the files into a fresh workspace folder, so that journeys can edit them. */
function makeWorkspace(files: Record<string, string>): string {
  const workspace = mkdtempSync(join(tmpdir(), 'tensor-lens-e2e-workspace-'));
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    copyFileSync(source, join(workspace, name));
  }
  return workspace;
}

export async function startCodeServer(
  vsix: string,
  files: Record<string, string>,
  settings: Record<string, unknown> = {},
): Promise<CodeServer> {
  const home = mkdtempSync(join(tmpdir(), 'tensor-lens-e2e-'));
  const [userData, extensionsDir, config] = ['user-data', 'extensions', 'config'].map((name) => join(home, name)) as [
    string,
    string,
    string,
  ];
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...userSettings, ...settings }, null, 2));
  const env = { ...node24Env(), XDG_CONFIG_HOME: config };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir];
  execFileSync(node24Binary(), [codeServerEntry(), ...common, '--install-extension', vsix], { env, stdio: 'pipe' });
  const workspace = makeWorkspace(files);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    node24Binary(),
    [
      codeServerEntry(),
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      workspace,
    ],
    { env, cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const stop = (): void => {
    try {
      // The whole group: code-server, its extension host, our language server and worker.
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(home, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(url, child, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, workspace, extensionsDir, stop };
}
