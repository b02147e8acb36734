// `open(path)` as model files use it, to read back a model's JSON (`model_from_json(open("model.json").read())`, or in
// a `with` block): a file found as Python would find it, read as text, bounded in size. Only read: the analysis never
// writes, so a file opened to write gives an object whose writes do nothing.

import { readFileSync, statSync } from 'node:fs';
import { readWhileUnchanged } from './saved-models/read-while-unchanged.js';
import { type Arguments, type BuiltinFunction, none, type PythonClass, str, unknown, type Value } from './values.js';

/** A text larger than this is not read: the analysis keeps what it reads in memory. */
const maxTextBytes = 64 * 1024 * 1024;

/** `open(file, mode="r", …)`: `dataFile` finds a path as Python would (a str, none when not there, or unknown). */
export function openFile(args: Arguments, dataFile: (path: string) => Value): Value {
  const path = args.positional[0] ?? args.keywords.get('file');
  const modeValue = args.positional[1] ?? args.keywords.get('mode') ?? str('r');
  if (path?.kind !== 'str') return unknown('open() of a path that is not known statically');
  if (modeValue.kind !== 'str') return unknown('open() with a mode that is not known statically');
  const mode = modeValue.value;
  const read = (): Value =>
    !mode.includes('r') || mode.includes('+')
      ? unknown(`${path.value} is opened with mode "${mode}", to write`)
      : readText(path.value, mode.includes('b'), dataFile);
  return fileObject(read);
}

function readText(path: string, binary: boolean, dataFile: (path: string) => Value): Value {
  if (binary) return unknown(`the bytes of ${path} are not analysed`);
  const found = dataFile(path);
  if (found.kind === 'unknown') return found;
  // Not there now is no proof it is missing when the code runs: the script may write it first.
  if (found.kind !== 'str') return unknown(`${path} is not found from the file's folder or the workspace folders`);
  const text = readTextFile(found.value);
  return typeof text === 'string' ? str(text) : unknown(`${path} ${text.problem}`);
}

/** A file's text, or why it is not read; read again only when the file changes (every edit analyses again). */
const readTextFile = readWhileUnchanged((file: string): string | { problem: string } => {
  try {
    if (statSync(file).size > maxTextBytes)
      return { problem: `is larger than ${maxTextBytes / 1024 / 1024} MB, more than Tensor Lens reads` };
    return readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
});

function fileObject(read: () => Value): Value {
  const cls: PythonClass = { name: 'TextIOWrapper', bases: [], namespace: new Map(), keras: undefined };
  const object = { cls, attributes: new Map<string, Value>(), ownParams: 0, ownNonTrainableParams: 0, built: false };
  const self: Value = { kind: 'object', object };
  const methods: [string, BuiltinFunction][] = [
    ['read', read],
    ['write', () => none],
    ['close', () => none],
    // A file is its own context manager: `with open(p) as f` binds the file.
    ['__enter__', () => self],
    ['__exit__', () => none],
  ];
  for (const [name, call] of methods) object.attributes.set(name, { kind: 'builtin', name, call });
  return self;
}
