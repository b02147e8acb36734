// Python's exceptions as the analysis follows them: `raise` on a path that is
// certain to run stops the code around it, as Python does, up to a `try` that
// catches it; where the path is not certain (a branch that cannot be decided),
// it is one of the ways the code may go, and the other goes on.

import type { ModuleContext } from './modules/module-context.js';
import type { Node } from './python/parser.js';
import { formatValue } from './python-values.js';
import type { Arguments, Value } from './values.js';

/** Python's builtin exception classes, each with its base (BaseException has none). */
const bases: Readonly<Record<string, string | undefined>> = {
  BaseException: undefined,
  Exception: 'BaseException',
  KeyboardInterrupt: 'BaseException',
  SystemExit: 'BaseException',
  ArithmeticError: 'Exception',
  ZeroDivisionError: 'ArithmeticError',
  OverflowError: 'ArithmeticError',
  AssertionError: 'Exception',
  AttributeError: 'Exception',
  ImportError: 'Exception',
  ModuleNotFoundError: 'ImportError',
  LookupError: 'Exception',
  IndexError: 'LookupError',
  KeyError: 'LookupError',
  MemoryError: 'Exception',
  NameError: 'Exception',
  OSError: 'Exception',
  FileNotFoundError: 'OSError',
  PermissionError: 'OSError',
  TimeoutError: 'OSError',
  RuntimeError: 'Exception',
  NotImplementedError: 'RuntimeError',
  RecursionError: 'RuntimeError',
  StopIteration: 'Exception',
  TypeError: 'Exception',
  ValueError: 'Exception',
  UnicodeDecodeError: 'ValueError',
  UnicodeEncodeError: 'ValueError',
  Warning: 'Exception',
  UserWarning: 'Warning',
  DeprecationWarning: 'Warning',
  FutureWarning: 'Warning',
  RuntimeWarning: 'Warning',
};

export const builtinExceptionNames: readonly string[] = Object.keys(bases);

/** A class and its bases up to BaseException (`['KeyError', 'LookupError', 'Exception', 'BaseException']`). */
export function builtinAncestry(name: string): string[] {
  const chain: string[] = [];
  for (let at: string | undefined = name; at !== undefined; at = bases[at]) chain.push(at);
  return chain;
}

/** What `raise` raised: its class with its ancestry (the classes an `except` may name), and `str()` of it when known. */
export interface RaisedException {
  /** Undefined for a bare `raise` or an exception the analysis does not know. */
  readonly className: string | undefined;
  readonly ancestry: readonly string[];
  readonly message: string | undefined;
}

/** `ValueError("…")`: the exception's `str()` is its one argument's, `''` without one, the tuple's with several. */
export function exceptionMessage(args: Arguments): string | undefined {
  if (args.positional.length === 1) return formatValue(args.positional[0]!);
  if (args.positional.length === 0) return '';
  return formatValue({ kind: 'tuple', items: args.positional });
}

/** How Python prints it last in a traceback: `ValueError: message`, or the class alone without a message. */
export function exceptionText(raised: RaisedException): string {
  const name = raised.className ?? 'An exception';
  return raised.message ? `${name}: ${raised.message}` : raised.className ? name : 'An exception is raised';
}

/** Whether an `except` clause naming these classes catches it; undefined when that cannot be known. */
export function catches(handled: readonly Value[] | 'everything', raised: RaisedException): boolean | undefined {
  if (handled === 'everything') return true;
  if (raised.className === undefined) return undefined;
  let unknownClass = false;
  for (const value of handled) {
    const name = value.kind === 'builtin' ? value.name : value.kind === 'class' ? value.cls.name : undefined;
    if (name === undefined || (value.kind === 'builtin' && !(name in bases))) unknownClass = true;
    else if (raised.ancestry.includes(name)) return true;
  }
  return unknownClass ? undefined : false;
}

/**
 * Thrown through the interpreter's frames by a `raise` that runs: caught by a `try` around it, by a branch that may
 * not run, or at the analysed file's statement it stops (where it is reported).
 */
export class PythonRaise extends Error {
  /** The call of the analysed file through which it left another module (reported there), once it has. */
  enteredAt: Node | undefined;

  constructor(
    readonly raised: RaisedException,
    /** The `raise` statement, and the module it is in. */
    readonly node: Node,
    readonly module: ModuleContext,
  ) {
    super(exceptionText(raised));
  }
}
