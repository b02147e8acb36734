// Where the analysis finds the user's own modules: the analysed file's place on
// disk, the folders Python would search, and a way to read files (open editors'
// text first). Modules are only read, never run.

import { readFileSync, statSync } from 'node:fs';

export interface ModuleSources {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  read(path: string): string | undefined;
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
}

export interface ImportContext {
  /** The absolute path of the analysed file: its folder is searched first, as Python's `sys.path[0]`. */
  readonly file: string;
  /** The folders searched after it, in order: the workspace folders, then `tensorLens.analysis.extraPaths`. */
  readonly searchRoots: readonly string[];
  readonly sources: ModuleSources;
}

/** Larger modules are not read (the analysed file has its own limit). */
export const maxModuleBytes = 2 * 1024 * 1024;

/** Files on disk, with the text of open documents (by absolute path) in their place. */
export function diskSources(openDocuments: (path: string) => string | undefined = () => undefined): ModuleSources {
  const kind = (path: string): 'file' | 'directory' | undefined => {
    try {
      const stat = statSync(path);
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    read(path) {
      const open = openDocuments(path);
      if (open !== undefined) return open;
      try {
        if (statSync(path).size > maxModuleBytes) return undefined;
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    isFile: (path) => openDocuments(path) !== undefined || kind(path) === 'file',
    isDirectory: (path) => kind(path) === 'directory',
  };
}
