// The user's modules as one analysis imports them: found on disk as Python
// finds them, each run once (its statements by the interpreter, in its own
// names), and looked into by name. Reading never runs anything of the workspace.

import { basename, dirname, join, relative, sep } from 'node:path';
import { Scope } from '../scope.js';
import { str, unknown, type Value } from '../values.js';
import type { ModuleContext, ModuleLoader } from './module-context.js';
import { findModule, relativeBase, type ResolvedModule, searchFolders } from './module-resolution.js';

/** An analysis reads at most this many of the project's modules. */
const maxUserModules = 200;

export class UserModules {
  /** The modules imported so far, by file (or folder, for a package without `__init__.py`). */
  private readonly loaded = new Map<string, ModuleContext>();
  /** The files read, and the imports no module was found for: what a change on disk may change. */
  readonly filesRead: string[] = [];
  readonly unresolved: string[] = [];

  constructor(
    private readonly loader: ModuleLoader,
    /** Runs a module's statements in its names, as the interpreter runs code of that module. */
    private readonly runModule: (module: ModuleContext) => void,
    /** Whether these are the modules of the libraries Tensor Lens ships rather than the user's. */
    private readonly library = false,
  ) {}

  /**
   * A module by its absolute dotted name, each package on the way loaded first and given the next as an attribute,
   * as Python does. Undefined when no file of the project has its first name: then it is not the user's.
   */
  byName(path: string): Value | undefined {
    const context = this.loader.imports;
    const parts = path.split('.');
    let parent: ModuleContext | undefined;
    for (let i = 1; i <= parts.length; i++) {
      const name = parts.slice(0, i).join('.');
      const found = parent
        ? findModule(parts[i - 1]!, parent.folder === undefined ? [] : [parent.folder], context)
        : findModule(name, searchFolders(context), context);
      if (!found) {
        if (i > 1) return unknown(`No module named '${name}' (${parent!.displayName} has no ${parts[i - 1]!}.py)`);
        if (!this.unresolved.includes(path)) this.unresolved.push(path);
        return undefined;
      }
      const loaded = this.load(found, name);
      if (loaded.kind !== 'userModule') return loaded;
      if (parent) parent.globals.set(parts[i - 1]!, loaded);
      parent = loaded.module;
    }
    return { kind: 'userModule', module: parent! };
  }

  /** `from . import x`, `from .x import y`, `from ..pkg import z`, written in `from`: from that module's own folder. */
  relative(written: string, from: ModuleContext): Value | undefined {
    if (from.folder === undefined) return undefined;
    const dots = written.length - written.replace(/^\.+/, '').length;
    const base = relativeBase(from.folder, dots);
    const rest = written.slice(dots);
    if (!rest) {
      // `from . import x`: the package itself, whose submodules are found in its folder.
      const init = join(base, '__init__.py');
      return this.load({ file: this.loader.imports.sources.isFile(init) ? init : undefined, packageFolder: base }, basename(base));
    }
    let value: Value | undefined;
    let where = base;
    for (const part of rest.split('.')) {
      const found = findModule(part, [where], this.loader.imports);
      if (!found) return unknown(`No module named '${written}' (from ${from.displayName})`);
      value = this.load(found, part);
      if (value.kind !== 'userModule' || value.module.folder === undefined) return value;
      where = found.packageFolder ?? value.module.folder;
    }
    return value;
  }

  /**
   * `module.name`: its name, else its submodule (`from pkg import mod`), as Python looks them up. Missing, it is
   * unknown: what a module defines at run time (`globals()[...]`) is not all visible.
   */
  attribute(module: ModuleContext, name: string): Value {
    const own = module.globals.get(name);
    if (own) return own;
    if (module.packageFolder !== undefined) {
      const found = findModule(name, [module.packageFolder], this.loader.imports);
      if (found) {
        const loaded = this.load(found, name);
        if (loaded.kind === 'userModule') module.globals.set(name, loaded);
        return loaded;
      }
    }
    return unknown(
      module.loading
        ? `\`${name}\` of ${module.displayName} is not defined yet: the modules import each other, and it is not run that far`
        : `${module.displayName} defines no \`${name}\` that Tensor Lens can see`,
    );
  }

  /** What `from module import *` binds: its `__all__` when that lists names, else every name not starting with `_`. */
  everything(module: ModuleContext): [string, Value][] {
    const all = module.globals.get('__all__');
    const names =
      all && (all.kind === 'list' || all.kind === 'tuple') && all.items.every((item) => item.kind === 'str')
        ? all.items.map((item) => (item as { value: string }).value)
        : [...module.globals.entries()].map(([name]) => name).filter((name) => !name.startsWith('_'));
    return names.map((name) => [name, this.attribute(module, name)]);
  }

  /**
   * Runs a module once, as Python imports it. A module imported again (in an import cycle too) is the same module,
   * as far as it has run.
   */
  private load(found: ResolvedModule, dottedName: string): Value {
    const key = found.file ?? found.packageFolder!;
    const known = this.loaded.get(key);
    if (known) return { kind: 'userModule', module: known };
    if (this.loaded.size >= maxUserModules) {
      return unknown(`more than ${maxUserModules} modules of the project are imported: ${dottedName} is not read`);
    }
    const parsed = found.file === undefined ? undefined : this.loader.parse(found.file);
    if (parsed && 'problem' in parsed) return unknown(parsed.problem);
    const module: ModuleContext = {
      path: found.file,
      displayName: relative(dirname(this.loader.imports.file), key).split(sep).join('/') || basename(key),
      folder: found.file === undefined ? found.packageFolder : dirname(found.file),
      ...(found.packageFolder !== undefined && { packageFolder: found.packageFolder }),
      library: this.library,
      main: false,
      root: parsed?.root,
      globals: new Scope(undefined),
      wildcardModules: [],
      assignedAnywhere: null,
      loading: true,
    };
    this.loaded.set(key, module);
    if (found.file !== undefined) this.filesRead.push(found.file);
    module.globals.set('__name__', str(dottedName));
    try {
      this.runModule(module);
    } finally {
      module.loading = false;
    }
    return { kind: 'userModule', module };
  }
}
