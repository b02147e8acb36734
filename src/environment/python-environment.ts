// The Python environments the user works in, found by reading files only (Python is never run): the interpreter
// named by a setting or selected in the VS Code Python extension, an activated virtual or conda environment, a
// `.venv` or `venv` folder in the workspace. Each with its site-packages folders, in the order they are tried.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

export interface EnvironmentHints {
  /** An interpreter (or environment folder) and where it was named: a setting, the Python extension. */
  readonly interpreters: readonly { readonly path: string; readonly source: string }[];
  /** The process environment: VIRTUAL_ENV, CONDA_PREFIX. */
  readonly env: NodeJS.ProcessEnv;
  /** Searched for `.venv` and `venv`. */
  readonly workspaceFolders: readonly string[];
  /** False in an untrusted workspace: no environment inside it is used (its libraries would run as code). */
  readonly trusted: boolean;
}

export interface PythonEnvironment {
  /** The environment's prefix: the folder holding bin/ (Scripts/ on Windows) and lib/. */
  readonly prefix: string;
  /** Where it was found, in words: "tensorLens.python.interpreter", "VIRTUAL_ENV", ".venv in the workspace". */
  readonly source: string;
  readonly sitePackages: readonly string[];
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const entries = (folder: string): string[] => {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
};

/** An interpreter's environment prefix: `<prefix>/bin/python3`, `<prefix>\Scripts\python.exe`, `<prefix>\python.exe`. */
function prefixOf(interpreter: string): string {
  const path = resolve(interpreter);
  if (isDirectory(path)) return path;
  const folder = dirname(path);
  return ['bin', 'Scripts'].includes(basename(folder)) ? dirname(folder) : folder;
}

/** A prefix's site-packages: lib/python3.X/site-packages (and lib64, dist-packages), Lib/site-packages on Windows. */
function sitePackagesOf(prefix: string): string[] {
  const found: string[] = [];
  for (const lib of ['lib', 'lib64']) {
    for (const version of entries(join(prefix, lib)).filter((name) => /^python3(\.\d+)?$/.test(name))) {
      for (const kind of ['site-packages', 'dist-packages']) {
        const folder = join(prefix, lib, version, kind);
        if (isDirectory(folder) && !found.includes(folder)) found.push(folder);
      }
    }
  }
  const windows = join(prefix, 'Lib', 'site-packages');
  if (isDirectory(windows)) found.push(windows);
  return found;
}

/** The user's own site-packages (pip install --user), searched for an interpreter outside any virtual environment. */
function userSitePackages(prefix: string): string[] {
  if (existsSync(join(prefix, 'pyvenv.cfg')) || existsSync(join(prefix, 'conda-meta'))) return [];
  return sitePackagesOf(join(homedir(), '.local'));
}

/** The environments to try, first the most specific; each prefix once. */
export function pythonEnvironments(hints: EnvironmentHints): PythonEnvironment[] {
  const candidates: { prefix: string; source: string }[] = [
    ...hints.interpreters.filter((i) => i.path.trim() !== '').map((i) => ({ prefix: prefixOf(i.path.trim()), source: i.source })),
    ...(['VIRTUAL_ENV', 'CONDA_PREFIX'] as const).flatMap((name) => {
      const value = hints.env[name];
      return value ? [{ prefix: resolve(value), source: name }] : [];
    }),
    ...hints.workspaceFolders.flatMap((folder) =>
      ['.venv', 'venv'].map((name) => ({ prefix: join(folder, name), source: `${name} in the workspace` })),
    ),
  ];
  const inWorkspace = (path: string): boolean =>
    hints.workspaceFolders.some((folder) => {
      const within = relative(folder, path);
      return within === '' || (!within.startsWith('..') && !isAbsolute(within));
    });
  const environments: PythonEnvironment[] = [];
  for (const { prefix, source } of candidates) {
    if (environments.some((e) => e.prefix === prefix) || !isDirectory(prefix)) continue;
    if (!hints.trusted && inWorkspace(prefix)) continue;
    const own = sitePackagesOf(prefix);
    if (own.length > 0) environments.push({ prefix, source, sitePackages: [...own, ...userSitePackages(prefix)] });
  }
  return environments;
}
