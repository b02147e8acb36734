// What Python does with plain values, whatever the interpreter's state: literals,
// `str()`, iteration, indexing and slicing, the methods of lists, dicts and
// strings, and how two possible values of a name merge.

import type { BoundValue, JsonValue } from '../graph/ir.js';
import { type Arguments, dictKey, int, none, str, tuple, unknown, type Value } from './values.js';

/** The value of an integer literal (`1_000`, `0o17`, `0b101`, `0x1f`; `2j` is taken as a float). */
export function parseInteger(text: string): Value {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (clean.endsWith('j')) return { kind: 'float', value: Number(clean.slice(0, -1)) };
  const value = clean.startsWith('0o') ? parseInt(clean.slice(2), 8) : clean.startsWith('0b') ? parseInt(clean.slice(2), 2) : Number(clean);
  return Number.isFinite(value) ? { kind: 'int', value } : unknown(`integer literal ${text}`);
}

/** The text of a string literal's content with its common escapes (`\n`, `\t`, `\\`, quotes) decoded. */
export function unescape(text: string): string {
  return text.replace(/\\(n|t|\\|'|")/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

/** Python `str()` of a value, for f-strings; undefined when unknown. */
export function formatValue(value: Value): string | undefined {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'int':
      return String(value.value);
    case 'float':
      return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
    case 'list': {
      const parts = value.items.map((item) => (item.kind === 'str' ? `'${item.value}'` : formatValue(item)));
      if (parts.some((p) => p === undefined)) return undefined;
      const [open, close] = value.kind === 'list' ? ['[', ']'] : ['(', ')'];
      return value.kind === 'tuple' && parts.length === 1 ? `(${parts[0]},)` : `${open}${parts.join(', ')}${close}`;
    }
    default:
      return undefined;
  }
}

/** The items of an iterable, or undefined when they cannot be known. */
export function itemsOf(value: Value): Value[] | undefined {
  switch (value.kind) {
    case 'list':
    case 'tuple':
      return [...value.items];
    case 'str':
      return [...value.value].map((c) => ({ kind: 'str', value: c }));
    case 'dict':
      return [...value.entries.values()].map((e) => e.key);
    default:
      return undefined;
  }
}

/** `container[index]` for a tuple, list, str or dict; undefined when Python values do not decide it (a tensor, an unknown). */
export function subscriptValue(container: Value, index: Value): Value | undefined {
  if (container.kind === 'tuple' || container.kind === 'list' || container.kind === 'str') {
    const length = container.kind === 'str' ? container.value.length : container.items.length;
    if (index.kind === 'int') {
      const i = index.value < 0 ? length + index.value : index.value;
      if (i < 0 || i >= length) return unknown(`index ${index.value} is out of range`);
      return container.kind === 'str' ? { kind: 'str', value: container.value[i]! } : container.items[i]!;
    }
    if (index.kind === 'slice') {
      const { start, stop, step } = index;
      // A bound not known (`layers[:cut]`) picks items not known.
      const unread = [start, stop, step].find((v) => v.kind !== 'int' && v.kind !== 'none');
      if (unread) return unknown(unread.kind === 'unknown' ? unread.reason : `a slice bound that is a ${unread.kind} is not analysed`);
      const s = step.kind === 'int' ? step.value : 1;
      if (s === 0) return unknown('slice step is zero');
      const clamp = (v: Value | undefined, fallback: number): number => {
        if (v?.kind !== 'int') return fallback;
        const i = v.value < 0 ? length + v.value : v.value;
        return Math.max(s > 0 ? 0 : -1, Math.min(i, s > 0 ? length : length - 1));
      };
      const from = clamp(start, s > 0 ? 0 : length - 1);
      const to = clamp(stop, s > 0 ? length : -1);
      const picked: number[] = [];
      for (let i = from; s > 0 ? i < to : i > to; i += s) picked.push(i);
      if (container.kind === 'str') return { kind: 'str', value: picked.map((i) => container.value[i]).join('') };
      const items = picked.map((i) => container.items[i]!);
      return container.kind === 'list' ? { kind: 'list', items } : { kind: 'tuple', items };
    }
    return undefined;
  }
  if (container.kind === 'dict') {
    const key = dictKey(index);
    const entry = key === undefined ? undefined : container.entries.get(key);
    return entry?.value ?? unknown(`key not found in dict`);
  }
  return undefined;
}

/** Two values a name may hold after an undecidable branch: one if they agree, else unknown. */
export function mergeValues(a: Value, b: Value, reason: string): Value {
  if (a === b) return a;
  if (a.kind === 'tensor' && b.kind === 'tensor' && a.tensor === b.tensor) return a;
  if (a.kind === 'layer' && b.kind === 'layer' && a.layer === b.layer) return a;
  if ((a.kind === 'int' || a.kind === 'str' || a.kind === 'bool' || a.kind === 'float') && a.kind === b.kind && a.value === b.value)
    return a;
  if (a.kind === 'none' && b.kind === 'none') return a;
  return unknown(reason);
}

/** What the graph records for a name bound to the value; undefined for values it does not show. */
export function boundValue(value: Value): BoundValue | undefined {
  switch (value.kind) {
    case 'tensor':
      return { kind: 'tensor', tensor: value.tensor };
    case 'array':
      return { kind: 'array', shape: value.shape, dtype: value.dtype, source: value.source };
    case 'layer':
      return { kind: 'layer', layer: value.layer };
    case 'object':
      return value.object.layer === undefined ? undefined : { kind: 'model', layer: value.object.layer };
    case 'kfunction':
      return { kind: 'function', inputs: [...value.inputs], outputs: [...value.outputs] };
    case 'unknown':
      return { kind: 'unknown', reason: value.reason };
    default:
      return undefined;
  }
}

/**
 * A list, dict or str method the analysis models (`append`, `get`, `format`…), bound to its object; unknown for others.
 * `added` hears of the items a list method adds (Keras tracks the layers appended to a layer's list attribute).
 */
/** `changed`: told of every change to a list, with the items it adds (none for `pop`). */
export function pythonMethod(
  object: Value,
  name: string,
  changed?: (list: Value[], items: readonly Value[]) => void,
  changedDict?: (entries: Map<string, { key: Value; value: Value }>) => void,
): Value {
  if (object.kind === 'list' && (name === 'append' || name === 'extend' || name === 'insert' || name === 'pop')) {
    return {
      kind: 'builtin',
      name: `list.${name}`,
      call: (args) => {
        const [a, b] = args.positional;
        const items =
          name === 'append' ? [a] : name === 'extend' && a ? (itemsOf(a) ?? []) : name === 'insert' && a?.kind === 'int' ? [b] : [];
        const adding = items.filter((item): item is Value => item !== undefined);
        if (name === 'insert' && a?.kind === 'int') object.items.splice(a.value, 0, ...adding);
        else if (name === 'pop') {
          changed?.(object.items, []);
          return object.items.pop() ?? unknown('pop from empty list');
        } else object.items.push(...adding);
        changed?.(object.items, adding);
        return none;
      },
    };
  }
  if (object.kind === 'dict' && (name === 'get' || name === 'keys' || name === 'values' || name === 'items')) {
    return {
      kind: 'builtin',
      name: `dict.${name}`,
      call: (args) => {
        const entries = [...object.entries.values()];
        if (name === 'keys') return { kind: 'list', items: entries.map((e) => e.key) };
        if (name === 'values') return { kind: 'list', items: entries.map((e) => e.value) };
        if (name === 'items') return { kind: 'list', items: entries.map((e) => ({ kind: 'tuple', items: [e.key, e.value] })) };
        const key = args.positional[0] ? dictKey(args.positional[0]) : undefined;
        return (key !== undefined ? object.entries.get(key)?.value : undefined) ?? args.positional[1] ?? none;
      },
    };
  }
  if (object.kind === 'dict' && (name === 'pop' || name === 'update' || name === 'setdefault' || name === 'copy')) {
    return { kind: 'builtin', name: `dict.${name}`, call: (args) => changeDict(object.entries, name, args, changedDict) };
  }
  if (object.kind === 'str' && Object.hasOwn(stringQueries, name)) {
    return { kind: 'builtin', name: `str.${name}`, call: (args) => stringQueries[name]!(object.value, args) };
  }
  if (object.kind === 'str' && (name === 'format' || name === 'upper' || name === 'lower' || name === 'join')) {
    return {
      kind: 'builtin',
      name: `str.${name}`,
      call: (args) => {
        if (name === 'upper') return { kind: 'str', value: object.value.toUpperCase() };
        if (name === 'lower') return { kind: 'str', value: object.value.toLowerCase() };
        if (name === 'join') {
          const parts = itemsOf(args.positional[0] ?? none)?.map(formatValue);
          return parts && parts.every((p) => p !== undefined)
            ? { kind: 'str', value: parts.join(object.value) }
            : unknown('join of unknown parts');
        }
        let position = 0;
        let failed = false;
        const text = object.value.replace(/\{([^{}]*)\}/g, (_, key: string) => {
          const value =
            key === '' ? args.positional[position++] : /^\d+$/.test(key) ? args.positional[Number(key)] : args.keywords.get(key);
          const formatted = value ? formatValue(value) : undefined;
          if (formatted === undefined) failed = true;
          return formatted ?? '';
        });
        return failed ? unknown('str.format with unknown parts') : { kind: 'str', value: text };
      },
    };
  }
  return unknown(`${object.kind} has no attribute \`${name}\` that Tensor Lens models`);
}

const strings = (items: readonly string[]): Value => ({ kind: 'list', items: items.map(str) });

/** `str` methods that read a string, given known arguments: `split`, `startswith`, `replace`, `strip`, … */
const stringQueries: Readonly<Record<string, (text: string, args: Arguments) => Value>> = {
  split: (text, args) => {
    const separator = args.positional[0] ?? args.keywords.get('sep');
    const limit = args.positional[1] ?? args.keywords.get('maxsplit');
    if (limit && !(limit.kind === 'int' && limit.value === -1)) return unknown('str.split() with maxsplit is not analysed');
    if (!separator || separator.kind === 'none') return strings(text.split(/\s+/).filter((part) => part !== ''));
    return separator.kind === 'str' && separator.value !== ''
      ? strings(text.split(separator.value))
      : unknown('str.split() of an unknown separator');
  },
  startswith: (text, args) => affix(text, args.positional[0], (t, a) => t.startsWith(a)),
  endswith: (text, args) => affix(text, args.positional[0], (t, a) => t.endsWith(a)),
  replace: (text, args) => {
    const [old, replacement] = args.positional;
    return old?.kind === 'str' && replacement?.kind === 'str' && args.positional.length === 2
      ? str(text.split(old.value).join(replacement.value))
      : unknown('str.replace() of unknown strings');
  },
  strip: (text, args) => (args.positional.length === 0 ? str(text.trim()) : unknown('str.strip() of given characters')),
  capitalize: (text) => str(text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()),
  title: (text) => str(text.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_, before: string, c: string) => before + c.toUpperCase())),
};

/** `startswith`/`endswith` of a string or a tuple of strings. */
function affix(text: string, given: Value | undefined, test: (text: string, affix: string) => boolean): Value {
  const options = given?.kind === 'tuple' ? given.items : given ? [given] : [];
  if (options.length === 0 || !options.every((o) => o.kind === 'str')) return unknown('startswith()/endswith() of an unknown prefix');
  return { kind: 'bool', value: options.some((o) => test(text, (o as { value: string }).value)) };
}

/** `dict.pop`, `update`, `setdefault` and `copy`, on a dict whose keys are known. */
function changeDict(
  entries: Map<string, { key: Value; value: Value }>,
  name: string,
  args: Arguments,
  changed: ((entries: Map<string, { key: Value; value: Value }>) => void) | undefined,
): Value {
  if (name === 'copy') return { kind: 'dict', entries: new Map(entries) };
  if (name === 'update') {
    const other = args.positional[0];
    if (other && other.kind !== 'dict') return unknown(`dict.update() of a ${other.kind} is not analysed`);
    changed?.(entries);
    for (const [key, entry] of other?.kind === 'dict' ? other.entries : []) entries.set(key, entry);
    for (const [key, value] of args.keywords) entries.set(dictKey(str(key))!, { key: str(key), value });
    return none;
  }
  const keyValue = args.positional[0];
  const key = keyValue ? dictKey(keyValue) : undefined;
  if (key === undefined) return unknown(`dict.${name}() of a key that is not known`);
  const found = entries.get(key);
  if (name === 'setdefault') {
    if (found) return found.value;
    changed?.(entries);
    const value = args.positional[1] ?? none;
    entries.set(key, { key: keyValue!, value });
    return value;
  }
  if (!found) return args.positional[1] ?? unknown(`KeyError: ${formatValue(keyValue!) ?? 'a key'}`);
  changed?.(entries);
  entries.delete(key);
  return found.value;
}

/** A JSON value (a config entry, a signature's default) as the Python value it stands for: a list as a tuple. */
export function jsonValue(json: JsonValue): Value {
  if (json === null) return none;
  if (typeof json === 'boolean') return { kind: 'bool', value: json };
  if (typeof json === 'number') return Number.isInteger(json) ? int(json) : { kind: 'float', value: json };
  if (typeof json === 'string') return str(json);
  if (Array.isArray(json)) return tuple(json.map(jsonValue));
  return unknown('a nested config value');
}
