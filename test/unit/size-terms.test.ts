// Sizes as products of named sizes, as JAX's shape polymorphism computes them inside a layer's call() trace.

import assert from 'node:assert/strict';
import { dependsOnTrace, formatDim, symbolic } from '../../src/graph/shape.js';
import { dimOf, divideTerms, productTerm, termArithmetic, termOf } from '../../src/graph/size-terms.js';

describe('size terms', () => {
  it('reads a product of named sizes and numbers, in any order and spacing, as one canonical term', () => {
    assert.deepEqual(termOf(symbolic('dynamic_dimension * 8')), { coefficient: 8, powers: { dynamic_dimension: 1 } });
    assert.deepEqual(dimOf(termOf(symbolic('n*2*n'))!), symbolic('2*n^2'));
    assert.equal(termOf(symbolic('n + 1')), undefined);
    assert.equal(termOf(null), undefined);
  });

  it("divides the way a reshape's -1 needs: (D, 10, 8) by (D, 2, 4) is 10; (D, D, 8) by (D, 2, 4) is D", () => {
    const D = symbolic('dynamic_dimension');
    assert.deepEqual(dimOf(divideTerms(productTerm([D, 10, 8])!, productTerm([D, 2, 4])!)!), 10);
    assert.deepEqual(dimOf(divideTerms(productTerm([D, D, 8])!, productTerm([D, 2, 4])!)!), D);
    assert.equal(divideTerms(productTerm([D, 10])!, productTerm([D, D])!), undefined);
    assert.equal(divideTerms(productTerm([10])!, productTerm([3])!), undefined);
  });

  it('gives up past exact integers rather than compute a size that is not exact', () => {
    const big = symbolic(`${2 ** 40}*n`);
    assert.equal(termArithmetic(big, '*', big), undefined);
    assert.equal(productTerm([2 ** 40, 2 ** 40]), undefined);
  });

  it('a size made of the traced size is shown as None, which it is outside the trace', () => {
    const traced = termArithmetic(symbolic('dynamic_dimension'), '*', 3)!;
    assert.ok(dependsOnTrace(traced));
    assert.equal(formatDim(traced), 'None');
    assert.ok(!dependsOnTrace(symbolic('n')));
  });
});
