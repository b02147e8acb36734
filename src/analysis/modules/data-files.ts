// Files the analysed code opens or loads (weights, saved models, Keras's
// downloads), found as Python would find them: a relative path from the folder
// the code runs in, which is not known statically, so from the file's folder
// and each workspace folder. Only looked for; what is read of them is read as data.

import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ImportContext } from './module-sources.js';

/** Where a relative path may be from: the file's folder first, then the workspace folders. */
export function runFolders(imports: ImportContext | undefined): string[] {
  return imports ? [...new Set([dirname(imports.file), ...imports.searchRoots])] : [];
}

/**
 * The file a path names, if it is there: undefined when it is in no folder the code may run in, and 'unknown' when
 * the analysed text has no place on disk to resolve a relative path from.
 */
export function findDataFile(path: string, imports: ImportContext | undefined): string | undefined | 'unknown' {
  const expanded = path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  const candidates = isAbsolute(expanded) ? [expanded] : runFolders(imports).map((folder) => resolve(folder, expanded));
  if (candidates.length === 0) return 'unknown';
  return candidates.find((candidate) => existsSync(candidate));
}

/** Keras's folder of downloads and settings: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` where home is not writable). */
export function kerasHome(): string {
  const given = process.env['KERAS_HOME'];
  if (given) return given;
  try {
    accessSync(homedir(), constants.W_OK);
    return join(homedir(), '.keras');
  } catch {
    return join('/tmp', '.keras');
  }
}
