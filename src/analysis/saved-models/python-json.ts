// JSON text as the Python values `json.loads` gives: objects as dicts, arrays as
// lists, and numbers written with a point or an exponent as floats (`1.0` stays
// a float, as it does in Python, where JSON.parse would make it 1).

import { dictKey, int, none, str, unknown, type Value } from '../values.js';

/** The values of a JSON text, or why it is not JSON. Nesting deeper than this is refused rather than overflowing the stack. */
const maxDepth = 200;

export function parsePythonJson(text: string): Value {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${at}`);
  };
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const value = (depth: number): Value => {
    if (depth > maxDepth) fail('nested too deeply');
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const entries = new Map<string, { key: Value; value: Value }>();
      space();
      if (text[at] === '}') return (at++, { kind: 'dict', entries });
      for (;;) {
        space();
        if (text[at] !== '"') fail('expected a key');
        const key = str(string());
        space();
        if (text[at++] !== ':') fail('expected ":"');
        entries.set(dictKey(key)!, { key, value: value(depth + 1) });
        space();
        const next = text[at++];
        if (next === '}') return { kind: 'dict', entries };
        if (next !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      const items: Value[] = [];
      space();
      if (text[at] === ']') return (at++, { kind: 'list', items });
      for (;;) {
        items.push(value(depth + 1));
        space();
        const next = text[at++];
        if (next === ']') return { kind: 'list', items };
        if (next !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return str(string());
    for (const [word, result] of [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', none],
      ['NaN', { kind: 'float', value: NaN }],
      ['Infinity', { kind: 'float', value: Infinity }],
      ['-Infinity', { kind: 'float', value: -Infinity }],
    ] as const) {
      if (text.startsWith(word, at)) return ((at += word.length), result);
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 64));
    if (!number) fail('unexpected text');
    at += number![0].length;
    return number![1] !== undefined || number![2] !== undefined ? { kind: 'float', value: Number(number![0]) } : int(Number(number![0]));
  };
  const string = (): string => {
    const end = scanString(text, at);
    if (end < 0) fail('unterminated string');
    const literal = text.slice(at, end + 1);
    at = end + 1;
    return JSON.parse(literal) as string;
  };
  try {
    const result = value(0);
    space();
    if (at < text.length) fail('text after the value');
    return result;
  } catch (error) {
    return unknown(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The index of the quote closing the string that opens at `start`, or -1. */
function scanString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
