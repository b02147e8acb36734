// Python operators on plain values: int/float/str arithmetic, comparisons,
// and data-dependent integers (`x.shape[1] * 2` stays named by its expression).

import { percentFormat } from './string-formatting.js';
import { isKnown, symbolic, type Dim, type SymbolicDim } from '../graph/shape.js';
import { termArithmetic } from '../graph/size-terms.js';
import { bool, type Value, unknown } from './values.js';

type Numeric = Extract<Value, { kind: 'int' | 'float' | 'bool' }>;

function isNumeric(value: Value): value is Numeric {
  return value.kind === 'int' || value.kind === 'float' || value.kind === 'bool';
}

function numberOf(value: Numeric): number {
  return value.kind === 'bool' ? (value.value ? 1 : 0) : value.value;
}

/** A size-like value as a dimension (a symbol for a data-dependent one), or None where it is no size. */
function sizeOf(value: Value): Dim {
  if (value.kind === 'symint') return symbolic(value.symbol);
  return value.kind === 'int' ? value.value : null;
}

function symbolText(value: Value): string | undefined {
  if (value.kind === 'symint') return value.symbol.includes(' ') ? `(${value.symbol})` : value.symbol;
  if (value.kind === 'int') return String(value.value);
  return undefined;
}

/** Longer strings, lists and tuples are not followed: their value is unknown, not cut short. */
const maxLength = 1_000_000;

function tooLong(kind: string): Value {
  return unknown(`a ${kind} of more than ${maxLength.toLocaleString('en-US')} items is too long to analyse`);
}

export function binaryOperation(operator: string, left: Value, right: Value): Value {
  if (left.kind === 'symint' || right.kind === 'symint') {
    const l = symbolText(left);
    const r = symbolText(right);
    const product = operator === '*' || operator === '//' ? termArithmetic(sizeOf(left), operator, sizeOf(right)) : undefined;
    if (product !== undefined)
      return isKnown(product) ? { kind: 'int', value: product } : { kind: 'symint', symbol: (product as SymbolicDim).symbol };
    if (l !== undefined && r !== undefined && ['+', '-', '*', '//', '%'].includes(operator)) {
      return { kind: 'symint', symbol: `${l} ${operator} ${r}` };
    }
    return unknown(`\`${operator}\` on a data-dependent value`);
  }
  if (isNumeric(left) && isNumeric(right)) return numericOperation(operator, left, right);
  if (left.kind === 'str' && operator === '%') {
    const formatted = percentFormat(left.value, right);
    return formatted === undefined ? unknown(`\`%\` formatting of ${right.kind} that is not known`) : { kind: 'str', value: formatted };
  }
  if (left.kind === 'str' && right.kind === 'str' && operator === '+') {
    return left.value.length + right.value.length > maxLength ? tooLong('string') : { kind: 'str', value: left.value + right.value };
  }
  if (left.kind === 'str' && right.kind === 'int' && operator === '*') {
    const count = Math.max(0, right.value);
    return left.value.length * count > maxLength ? tooLong('string') : { kind: 'str', value: left.value.repeat(count) };
  }
  if ((left.kind === 'list' || left.kind === 'tuple') && left.kind === right.kind && operator === '+') {
    if (left.items.length + right.items.length > maxLength) return tooLong(left.kind);
    return left.kind === 'list'
      ? { kind: 'list', items: [...left.items, ...right.items] }
      : { kind: 'tuple', items: [...left.items, ...right.items] };
  }
  if ((left.kind === 'list' || left.kind === 'tuple') && right.kind === 'int' && operator === '*') {
    const count = Math.max(0, right.value);
    if (left.items.length * count > maxLength) return tooLong(left.kind);
    const items = Array.from({ length: count }, () => left.items).flat();
    return left.kind === 'list' ? { kind: 'list', items } : { kind: 'tuple', items };
  }
  return unknown(`\`${operator}\` between ${left.kind} and ${right.kind}`);
}

function numericOperation(operator: string, left: Numeric, right: Numeric): Value {
  const a = numberOf(left);
  const b = numberOf(right);
  const integral = left.kind !== 'float' && right.kind !== 'float';
  const make = (value: number, asInt = integral): Value => (asInt ? { kind: 'int', value } : { kind: 'float', value });
  switch (operator) {
    case '+':
      return make(a + b);
    case '-':
      return make(a - b);
    case '*':
      return make(a * b);
    case '/':
      return b === 0 ? unknown('division by zero') : make(a / b, false);
    case '//':
      return b === 0 ? unknown('division by zero') : make(Math.floor(a / b));
    case '%':
      return b === 0 ? unknown('division by zero') : make(a - b * Math.floor(a / b));
    case '**':
      return make(a ** b, integral && b >= 0);
    case '<<':
      return make(a * 2 ** b);
    case '>>':
      return make(Math.floor(a / 2 ** b));
    case '&':
      return make(a & b);
    case '|':
      return make(a | b);
    case '^':
      return make(a ^ b);
    default:
      return unknown(`operator \`${operator}\``);
  }
}

export function unaryOperation(operator: string, operand: Value): Value {
  if (operator === 'not') {
    const t = truthValue(operand);
    return t === undefined ? unknown('`not` of an unknown value') : bool(!t);
  }
  if (operand.kind === 'symint' && operator === '-') return { kind: 'symint', symbol: `-${operand.symbol}` };
  if (!isNumeric(operand)) return unknown(`unary \`${operator}\` on ${operand.kind}`);
  const n = numberOf(operand);
  const kind = operand.kind === 'float' ? 'float' : 'int';
  if (operator === '-') return { kind, value: -n };
  if (operator === '+') return { kind, value: n };
  if (operator === '~') return { kind: 'int', value: ~n };
  return unknown(`unary \`${operator}\``);
}

function truthValue(value: Value): boolean | undefined {
  if (value.kind === 'unknown' || value.kind === 'symint') return undefined;
  if (value.kind === 'none') return false;
  if (isNumeric(value)) return numberOf(value) !== 0;
  if (value.kind === 'str') return value.value.length > 0;
  if (value.kind === 'list' || value.kind === 'tuple') return value.items.length > 0;
  return true;
}

/** Python `==`, or undefined when it cannot be decided. */
export function equals(left: Value, right: Value): boolean | undefined {
  if (left.kind === 'unknown' || right.kind === 'unknown') return undefined;
  if (left.kind === 'symint' || right.kind === 'symint') {
    return left.kind === 'symint' && right.kind === 'symint' && left.symbol === right.symbol ? true : undefined;
  }
  if (isNumeric(left) && isNumeric(right)) return numberOf(left) === numberOf(right);
  if (left.kind === 'str' && right.kind === 'str') return left.value === right.value;
  if (left.kind === 'none' || right.kind === 'none') return left.kind === right.kind;
  if ((left.kind === 'list' || left.kind === 'tuple') && left.kind === right.kind) {
    if (left.items.length !== right.items.length) return false;
    let all: boolean | undefined = true;
    left.items.forEach((item, i) => {
      const e = equals(item, right.items[i]!);
      if (e === false) all = false;
      else if (e === undefined && all) all = undefined;
    });
    return all;
  }
  if (left.kind === 'layer' && right.kind === 'layer') return left.layer === right.layer;
  if (left.kind === 'tensor' && right.kind === 'tensor') return left.tensor === right.tensor;
  return left.kind === right.kind ? undefined : false;
}

export function compare(operator: string, left: Value, right: Value): boolean | undefined {
  switch (operator) {
    case '==':
      return equals(left, right);
    case '!=': {
      const e = equals(left, right);
      return e === undefined ? undefined : !e;
    }
    case 'is':
      return left.kind === 'none' || right.kind === 'none' ? left.kind === right.kind : equals(left, right);
    case 'is not': {
      const e = left.kind === 'none' || right.kind === 'none' ? left.kind === right.kind : equals(left, right);
      return e === undefined ? undefined : !e;
    }
    case 'in':
    case 'not in': {
      const found = contains(right, left);
      return found === undefined ? undefined : operator === 'in' ? found : !found;
    }
    default:
      break;
  }
  if (isNumeric(left) && isNumeric(right)) {
    const a = numberOf(left);
    const b = numberOf(right);
    if (operator === '<') return a < b;
    if (operator === '<=') return a <= b;
    if (operator === '>') return a > b;
    if (operator === '>=') return a >= b;
  }
  if (left.kind === 'str' && right.kind === 'str') {
    if (operator === '<') return left.value < right.value;
    if (operator === '>') return left.value > right.value;
  }
  return undefined;
}

function contains(container: Value, item: Value): boolean | undefined {
  if (container.kind === 'list' || container.kind === 'tuple') {
    let result: boolean | undefined = false;
    for (const element of container.items) {
      const e = equals(element, item);
      if (e === true) return true;
      if (e === undefined) result = undefined;
    }
    return result;
  }
  if (container.kind === 'str' && item.kind === 'str') return container.value.includes(item.value);
  if (container.kind === 'dict') {
    for (const { key } of container.entries.values()) if (equals(key, item) === true) return true;
    return false;
  }
  return undefined;
}
