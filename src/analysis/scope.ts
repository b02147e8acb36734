// Python name scopes: a function call's locals, a class body, the module, each
// looking names up in the scope it was defined in.

import type { Value } from './values.js';

export class Scope {
  private readonly names = new Map<string, Value>();
  /** Names declared `global` or `nonlocal` here: read and written in that outer scope. */
  private readonly redirected = new Map<string, Scope>();

  constructor(
    readonly parent: Scope | undefined,
    /** Class bodies are skipped when functions defined in them look names up. */
    readonly isClassBody = false,
  ) {}

  lookup(name: string): Value | undefined {
    const outer = this.redirected.get(name);
    if (outer) return outer.lookup(name);
    const own = this.names.get(name);
    if (own !== undefined) return own;
    let scope = this.parent;
    while (scope?.isClassBody) scope = scope.parent;
    return scope?.lookup(name);
  }

  set(name: string, value: Value): void {
    const outer = this.redirected.get(name);
    if (outer) outer.set(name, value);
    else this.names.set(name, value);
  }

  redirect(name: string, to: Scope): void {
    if (to !== this) this.redirected.set(name, to);
  }

  get(name: string): Value | undefined {
    return this.names.get(name);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  entries(): IterableIterator<[string, Value]> {
    return this.names.entries();
  }

  /** A copy of this scope's own names, for exploring both branches of an undecidable `if`. */
  snapshot(): Map<string, Value> {
    return new Map(this.names);
  }

  restore(names: Map<string, Value>): void {
    this.names.clear();
    for (const [k, v] of names) this.names.set(k, v);
  }
}
