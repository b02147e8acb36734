// Sizes that are products of named sizes, as JAX's shape polymorphism computes them when Keras traces a layer's
// call() (`8*dynamic_dimension`, `dynamic_dimension^2`): a coefficient times named sizes raised to powers. A named
// dimension's symbol is the canonical spelling of its term, so that equal products are the same symbol; a symbol that is
// no product (`n + 1`) has no term and takes part in no algebra.

import { isKnown, isSymbolic, symbolic, type Dim } from './shape.js';

export interface SizeTerm {
  readonly coefficient: number;
  /** Named size → power, without zero powers. */
  readonly powers: Readonly<Record<string, number>>;
}

const name = /^[A-Za-z_][\w.[\]()]*$/;

/** A size as a term: a number, or a named size whose symbol is a product; undefined otherwise (None, `n + 1`). */
export function termOf(dim: Dim): SizeTerm | undefined {
  if (isKnown(dim)) return { coefficient: dim, powers: {} };
  if (!isSymbolic(dim)) return undefined;
  let coefficient = 1;
  const powers: Record<string, number> = {};
  for (const factor of dim.symbol.split('*')) {
    const [base, exponent, extra] = factor.trim().split('^');
    const power = exponent === undefined ? 1 : Number(exponent);
    if (extra !== undefined || !Number.isInteger(power) || power < 1 || base === undefined) return undefined;
    if (/^\d+$/.test(base)) coefficient *= Number(base) ** power;
    else if (name.test(base)) powers[base] = (powers[base] ?? 0) + power;
    else return undefined;
  }
  return { coefficient, powers };
}

/** The dimension of a term: a number when it names no size. */
export function dimOf(term: SizeTerm): Dim {
  const names = Object.keys(term.powers).sort();
  if (names.length === 0 || term.coefficient === 0) return term.coefficient;
  const factors = names.map((n) => (term.powers[n] === 1 ? n : `${n}^${term.powers[n]}`));
  return symbolic([...(term.coefficient === 1 ? [] : [String(term.coefficient)]), ...factors].join('*'));
}

export function multiplyTerms(a: SizeTerm, b: SizeTerm): SizeTerm {
  const powers: Record<string, number> = { ...a.powers };
  for (const [n, p] of Object.entries(b.powers)) powers[n] = (powers[n] ?? 0) + p;
  return { coefficient: a.coefficient * b.coefficient, powers };
}

/** a / b when it is a term (every power of b within a's, the coefficients dividing), else undefined. */
export function divideTerms(a: SizeTerm, b: SizeTerm): SizeTerm | undefined {
  if (b.coefficient === 0 || a.coefficient % b.coefficient !== 0) return undefined;
  const powers: Record<string, number> = { ...a.powers };
  for (const [n, p] of Object.entries(b.powers)) {
    const left = (powers[n] ?? 0) - p;
    if (left < 0) return undefined;
    if (left === 0) delete powers[n];
    else powers[n] = left;
  }
  return { coefficient: a.coefficient / b.coefficient, powers };
}

/** The product of sizes as a term, or undefined when one of them is None or no product. */
export function productTerm(dims: readonly Dim[]): SizeTerm | undefined {
  let product: SizeTerm = { coefficient: 1, powers: {} };
  for (const dim of dims) {
    const term = termOf(dim);
    if (!term) return undefined;
    product = multiplyTerms(product, term);
    if (!Number.isSafeInteger(product.coefficient)) return undefined;
  }
  return product;
}

/** a * b, or a // b where it divides exactly, as a canonical term; undefined where either is no product. */
export function termArithmetic(a: Dim, operator: '*' | '//', b: Dim): Dim | undefined {
  const [left, right] = [termOf(a), termOf(b)];
  if (!left || !right) return undefined;
  const result = operator === '*' ? multiplyTerms(left, right) : divideTerms(left, right);
  // Past 2^53 a coefficient is no longer the exact size: such a product is not followed.
  return result && Number.isSafeInteger(result.coefficient) ? dimOf(result) : undefined;
}
