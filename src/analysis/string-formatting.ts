// Python's string formatting of known values: the format-spec mini-language of
// f-strings and str.format (`{alpha:0.2f}`, `{n:03d}`, `{x:,}`), the `!r` and
// `!s` conversions, and printf-style `%` (`"mobilenet_%s_%d.h5" % (a, n)`).
// What it cannot format exactly as Python would is undefined (then unknown).

import { formatValue } from './python-values.js';
import type { Value } from './values.js';

/** `repr()` of a value, where it differs from `str()` (strings are quoted). */
export function reprValue(value: Value): string | undefined {
  if (value.kind === 'str') return value.value.includes("'") && !value.value.includes('"') ? `"${value.value}"` : `'${value.value}'`;
  return formatValue(value);
}

const specPattern = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** `format(value, spec)`, for the spec types model code uses on numbers and strings. */
export function formatWithSpec(value: Value, spec: string): string | undefined {
  if (spec === '') return formatValue(value);
  const match = specPattern.exec(spec);
  if (!match) return undefined;
  const [, fill, align, sign, alternate, zero, width, grouping, precision, type] = match;
  if (alternate) return undefined;
  let body: string | undefined;
  let numeric = false;
  if (value.kind === 'str') {
    if (type !== undefined && type !== 's') return undefined;
    body = precision === undefined ? value.value : value.value.slice(0, Number(precision));
  } else if (value.kind === 'int' || value.kind === 'float' || value.kind === 'bool') {
    numeric = true;
    body = formatNumber(typeof value.value === 'boolean' ? Number(value.value) : value.value, value.kind, type, precision, grouping, sign);
  } else return type === undefined && precision === undefined ? pad(formatValue(value), fill, align ?? '<', width) : undefined;
  if (body === undefined) return undefined;
  if (zero && !align && numeric) {
    const negative = body.startsWith('-') || body.startsWith('+') || body.startsWith(' ') ? body[0]! : '';
    const digits = negative ? body.slice(1) : body;
    return negative + digits.padStart(Math.max(0, Number(width ?? 0) - negative.length), '0');
  }
  return pad(body, fill, align ?? (numeric ? '>' : '<'), width);
}

function pad(text: string | undefined, fill: string | undefined, align: string, width: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const missing = Math.max(0, Number(width ?? 0) - text.length);
  const f = fill ?? ' ';
  if (align === '>') return f.repeat(missing) + text;
  if (align === '^') return f.repeat(Math.floor(missing / 2)) + text + f.repeat(Math.ceil(missing / 2));
  if (align === '=') return undefined;
  return text + f.repeat(missing);
}

function formatNumber(
  n: number,
  kind: 'int' | 'float' | 'bool',
  type: string | undefined,
  precision: string | undefined,
  grouping: string | undefined,
  sign: string | undefined,
): string | undefined {
  const digits = precision === undefined ? undefined : Number(precision);
  let text: string | undefined;
  switch (type) {
    case undefined:
      text =
        kind === 'float' ? (digits === undefined ? formatValue({ kind: 'float', value: Math.abs(n) }) : undefined) : String(Math.abs(n));
      break;
    case 'd':
    case 'n':
      text = kind === 'float' ? undefined : String(Math.abs(n));
      break;
    case 'f':
    case 'F':
      text = Math.abs(n).toFixed(digits ?? 6);
      break;
    case '%':
      text = `${(Math.abs(n) * 100).toFixed(digits ?? 6)}%`;
      break;
    case 'e':
    case 'E': {
      const [mantissa, exponent] = Math.abs(n)
        .toExponential(digits ?? 6)
        .split('e');
      const e = Number(exponent);
      text = `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
      if (type === 'E') text = text.toUpperCase();
      break;
    }
    case 'x':
    case 'X':
    case 'o':
    case 'b':
      text = kind === 'float' ? undefined : Math.abs(n).toString({ x: 16, X: 16, o: 8, b: 2 }[type]!);
      if (type === 'X') text = text?.toUpperCase();
      break;
    default:
      return undefined;
  }
  if (text === undefined) return undefined;
  if (grouping) {
    const [whole, fraction] = text.split('.');
    text = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (fraction === undefined ? '' : `.${fraction}`);
  }
  const negative = n < 0 || Object.is(n, -0);
  return (negative ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '') + text;
}

/** printf-style `text % values`: `%s`, `%r`, `%d`, `%i`, `%f` and `%%`, with flags, width and precision. */
export function percentFormat(text: string, values: Value): string | undefined {
  const items = values.kind === 'tuple' ? values.items : [values];
  let next = 0;
  let failed = false;
  const result = text.replace(
    /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdirfeExXgG%])/g,
    (_, flags: string, width?: string, precision?: string, type?: string) => {
      if (type === '%') return '%';
      const value = items[next++];
      if (!value) {
        failed = true;
        return '';
      }
      const conversion = type === 's' ? formatValue(value) : type === 'r' ? reprValue(value) : undefined;
      const spec = `${flags.includes('-') ? '<' : ''}${flags.includes('+') ? '+' : ''}${flags.includes('0') ? '0' : ''}${width ?? ''}${precision === undefined ? '' : `.${precision}`}${type === 'i' ? 'd' : type}`;
      const formatted =
        conversion !== undefined
          ? formatWithSpec({ kind: 'str', value: conversion }, `${flags.includes('-') ? '<' : '>'}${width ?? ''}`)
          : type === 's' || type === 'r'
            ? undefined
            : formatWithSpec(
                value.kind === 'float' && (type === 'd' || type === 'i') ? { kind: 'int', value: Math.trunc(value.value) } : value,
                spec,
              );
      if (formatted === undefined) failed = true;
      return formatted ?? '';
    },
  );
  return failed || next !== items.length ? undefined : result;
}
