// Python's import resolution for the user's own modules (importlib's path
// finder, for source files): `import a.b` is `a/b.py` or `a/b/__init__.py` under
// the first search folder that has `a`; `from .x import y` starts from the
// importing module's own folder.

import { dirname, join } from 'node:path';
import type { ImportContext } from './module-sources.js';

/** A module found on disk: its file, and whether it is a package (its `__init__.py`, or a folder without one). */
export interface ResolvedModule {
  /** The `.py` file to read; undefined for a namespace package (a folder without `__init__.py`). */
  readonly file: string | undefined;
  /** The folder of a package, where its submodules are. */
  readonly packageFolder?: string;
}

/** The folders an absolute import searches, in Python's order. */
export function searchFolders(context: ImportContext): string[] {
  return [...new Set([dirname(context.file), ...context.searchRoots])];
}

/** The module `name` (dotted) in one of `folders`, or undefined. */
export function findModule(name: string, folders: readonly string[], context: ImportContext): ResolvedModule | undefined {
  const parts = name.split('.');
  // As Python does, the first folder that has the top-level name is the only one searched for the rest.
  const folder = folders.find((f) => context.sources.isDirectory(join(f, parts[0]!)) || context.sources.isFile(join(f, `${parts[0]!}.py`)));
  return folder === undefined ? undefined : findIn(folder, parts, context);
}

function findIn(folder: string, parts: readonly string[], context: ImportContext): ResolvedModule | undefined {
  const [first, ...rest] = parts;
  if (!first || !/^[A-Za-z_]\w*$/.test(first)) return undefined;
  const packageFolder = join(folder, first);
  const isPackage = context.sources.isDirectory(packageFolder);
  if (rest.length > 0) return isPackage ? findIn(packageFolder, rest, context) : undefined;
  if (isPackage) {
    const init = join(packageFolder, '__init__.py');
    return { file: context.sources.isFile(init) ? init : undefined, packageFolder };
  }
  const file = join(folder, `${first}.py`);
  return context.sources.isFile(file) ? { file } : undefined;
}

/** The folder a relative import (`.`, `..`, `.x`) starts from, for a module in `folder`: one level up per dot after the first. */
export function relativeBase(folder: string, dots: number): string {
  let base = folder;
  for (let i = 1; i < dots; i++) base = dirname(base);
  return base;
}
