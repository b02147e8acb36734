// One Python module as the interpreter runs it: the analysed file, or a module of
// the user's that it imports (read from disk, run once per analysis as Python
// runs it once per process).

import type { Node } from '../python/parser.js';
import type { Scope } from '../scope.js';
import type { ImportContext } from './module-sources.js';

export interface ModuleContext {
  /** Its file; undefined for the analysed text when it has no path. */
  readonly path: string | undefined;
  /** How messages and hovers name it: its path from the analysed file's folder (`blocks.py`, `nets/resnet.py`). */
  readonly displayName: string;
  /** Its folder, where its relative imports start. */
  readonly folder: string | undefined;
  /** For a package: the folder of its submodules. */
  readonly packageFolder?: string;
  /** True for a module of the libraries Tensor Lens ships (library/), false for the user's. */
  readonly library: boolean;
  /** True for the analysed file, whose bindings and diagnostics are its own. */
  readonly main: boolean;
  /** Its syntax tree; undefined for a package folder without `__init__.py`. */
  readonly root: Node | undefined;
  readonly globals: Scope;
  /** Modules of `from m import *` of an API (keras.layers…), searched for names not found. */
  readonly wildcardModules: string[];
  /** Every name the module assigns somewhere, collected on the first name not found; undefined if that ran out of time. */
  assignedAnywhere: Set<string> | null | undefined;
  /** Python's partially initialised module: true until its last statement has run (an import cycle sees it so). */
  loading: boolean;
}

/** How the interpreter reaches the user's modules: where to search, and their syntax trees. */
export interface ModuleLoader {
  readonly imports: ImportContext;
  /** The syntax tree of a module file (parsed once per text), or why it cannot be read. */
  parse(path: string): { readonly root: Node } | { readonly problem: string };
}
