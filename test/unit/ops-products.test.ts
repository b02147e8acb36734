// keras.ops of the products family (products*.ts): products, diagonals and triangles, tensors made from sizes. The
// expected outputs were printed by this Python (Keras 3.15.1, JAX backend), one case at a time:
//
//   env = {"ops": keras.ops}
//   for name, shape in zip("xy", <inputs>): env[name] = keras.KerasTensor(shape, dtype=<dtype>)
//   r = eval(<call>, env)
//   print([(list(t.shape), keras.backend.standardize_dtype(t.dtype)) for t in (r if isinstance(r, (tuple, list)) else [r])])
//
// or the first line of the error Keras raised. Keras's own ops tests, mined, check the cases they make
// (test/conformance/keras-ops-tests*); these are calls no mined case makes.

import assert from 'node:assert/strict';
import { OpNotKnown, type OpArgument, type OpResult } from '../../src/analysis/keras/ops/op-rule.js';
import { productOps } from '../../src/analysis/keras/ops/products.js';
import { LayerError } from '../../src/analysis/keras/rule.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

type Output = [shape: (number | null)[], dtype: string];
type Expected = Output | { tuple: Output[] } | { list: Output[] } | { error: string };
type Case = [call: string, inputs: (number | null)[][], dtype: string, expected: Expected];

const cases: Case[] = [
  ['ops.arange(3)', [], 'float32', [[3], 'int32']],
  ['ops.arange(3.0)', [], 'float32', [[3], 'float32']],
  ['ops.arange(1, 10, 3)', [], 'float32', [[3], 'int32']],
  ['ops.arange(0, 1, 0.1)', [], 'float32', [[10], 'float32']],
  ['ops.arange(10, 0, -3)', [], 'float32', [[4], 'int32']],
  ['ops.arange(5, 1)', [], 'float32', [[0], 'int32']],
  ["ops.arange(3, dtype='float16')", [], 'float32', [[3], 'float16']],
  ['ops.eye(3)', [], 'float32', [[3, 3], 'float32']],
  ["ops.eye(3, 4, k=1, dtype='int32')", [], 'float32', [[3, 4], 'int32']],
  ['ops.eye(3.0)', [], 'float32', { error: 'Argument `N` must be an integer or an integer tensor.' }],
  ["ops.identity(2, dtype='int8')", [], 'float32', [[2, 2], 'int8']],
  ['ops.tri(3, 5)', [], 'float32', [[3, 5], 'float32']],
  ['ops.full((2, 3), 1)', [], 'float32', [[2, 3], 'float32']],
  ["ops.full(4, 1.5, dtype='bool')", [], 'float32', [[4], 'bool']],
  ['ops.full((2, 3), x)', [[null, 1]], 'int8', [[2, 3], 'float32']],
  ["ops.empty((2, 3), dtype='uint8')", [], 'float32', [[2, 3], 'uint8']],
  ['ops.linspace(0, 1)', [], 'float32', [[50], 'float32']],
  [
    'ops.linspace(0, 1, 5, retstep=True)',
    [],
    'float32',
    {
      tuple: [
        [[5], 'float32'],
        [[], 'float32'],
      ],
    },
  ],
  ['ops.linspace(x, 1, 5, axis=-1)', [[null, 3]], 'float16', [[null, 3, 5], 'float16']],
  ["ops.linspace(x, y, 7, dtype='int32')", [[2, 1], [3]], 'float32', [[7, 2, 3], 'float32']],
  ['ops.logspace(x, 2.0, 4)', [[null]], 'int32', [[4, null], 'float32']],
  ["ops.geomspace(1, 10, 6, dtype='int16')", [], 'float32', [[6], 'int16']],
  ['ops.bartlett(5)', [], 'float32', [[5], 'float32']],
  ['ops.kaiser(7, 14.0)', [], 'float32', [[7], 'float32']],
  ['ops.hamming(4)', [], 'float32', [[4], 'float32']],
  [
    'ops.histogram(x, bins=4)',
    [[null]],
    'float32',
    {
      tuple: [
        [[4], 'float32'],
        [[5], 'float32'],
      ],
    },
  ],
  ['ops.bincount(x)', [[null]], 'int32', [[null], 'int32']],
  ["ops.ones_like(x, dtype='int16')", [[null, 3]], 'float32', [[null, 3], 'int16']],
  ['ops.zeros_like(x)', [[null, 3]], 'uint8', [[null, 3], 'uint8']],
  ["ops.full_like(x, 7, dtype='float16')", [[null, 2]], 'float32', [[null, 2], 'float16']],
  ['ops.empty_like(x)', [[2]], 'bool', [[2], 'bool']],
  ["ops.array([[1, 2, 3], [4, 5, 6]], dtype='float32')", [], 'float32', [[2, 3], 'float32']],
  ['ops.array([[True], [False]])', [], 'float32', [[2, 1], 'bool']],
  [
    'ops.matmul(x, y)',
    [
      [null, 3, 4],
      [4, 5],
    ],
    'int8',
    [[null, 3, 5], 'int32'],
  ],
  ['ops.matmul(x, y)', [[null, 3, 4], [4]], 'float32', [[null, 3], 'float32']],
  [
    'ops.matmul(x, y)',
    [
      [3, 4],
      [5, 6],
    ],
    'float32',
    { error: 'Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received `x1.shape=(3, 4)` and `x2.shape=(5, 6)`.' },
  ],
  [
    'ops.dot(x, y)',
    [[null, 4], [5]],
    'float32',
    {
      error:
        'Shape must match on the last axis of `x1` and `x2` when `x1` is N-d array while `x2` is 1-D, but receive shape `x1.shape=(None, 4)` and x2.shape=`(5,)`.',
    },
  ],
  [
    'ops.tensordot(x, y, axes=[[1], [0]])',
    [
      [2, 3],
      [4, 5],
    ],
    'float32',
    { error: 'Shape mismatch on `x1[axes[0]]` and `x2[axes[1]]`, received [3] and [4].' },
  ],
  [
    'ops.tensordot(x, y, axes=1)',
    [
      [2, 3],
      [4, 5],
    ],
    'float32',
    [[2, 5], 'float32'],
  ],
  ['ops.trace(x, axis1=-2, axis2=-1)', [[null, 3, 3]], 'int8', [[null], 'int32']],
  ['ops.trace(x)', [[3, 3]], 'uint8', [[], 'uint32']],
  ['ops.diagonal(x, offset=-1, axis1=1, axis2=2)', [[2, 4, 3]], 'float32', [[2, 3], 'float32']],
  [
    'ops.diagonal(x, axis1=1, axis2=-2)',
    [[2, 4, 3]],
    'float32',
    { error: '`axis1` and `axis2` cannot be the same. Received: axis1=1, axis2=-2' },
  ],
  ['ops.diag(x, k=-5)', [[3, 4]], 'int32', [[0], 'int32']],
  ['ops.vander(x, 3)', [[null]], 'float32', [[null, 3], 'float32']],
  ['ops.vander(x, -1)', [[4]], 'float32', { error: "Argument 'N' must be nonnegative. Received: N=-1" }],
  [
    'ops.kron(x, y)',
    [
      [2, 3, 4],
      [5, 6],
    ],
    'float32',
    [[10, 18], 'float32'],
  ],
  ['ops.outer(x, y)', [[2, 3], [4]], 'int8', [[6, 4], 'int8']],
  [
    'ops.inner(x, y)',
    [
      [2, 3],
      [4, 3],
    ],
    'int16',
    [[2, 4], 'int16'],
  ],
  ['ops.vdot(x, y)', [[2, 3], [6]], 'bool', [[], 'bool']],
  [
    'ops.cross(x, y)',
    [
      [4, 2],
      [4, 2],
    ],
    'float32',
    [[4], 'float32'],
  ],
  [
    'ops.cross(x, y, axis=0)',
    [
      [3, 5],
      [3, 5],
    ],
    'float32',
    [[3, 5], 'float32'],
  ],
  [
    'ops.cross(x, y)',
    [
      [4, 4],
      [4, 3],
    ],
    'float32',
    { error: "`x1`'s dim on `axis={axisa}` must be either 2 or 3, but received: 4" },
  ],
  ["ops.correlate(x, y, mode='full')", [[5], [3]], 'int64', [[7], 'float32']],
  ['ops.correlate(x, y)', [[null], [3]], 'float32', { error: "'>=' not supported between instances of 'NoneType' and 'int'" }],
  ['ops.corrcoef(x)', [[3, 8]], 'int32', [[3, 8], 'float32']],
  ['ops.tril(x, k=1)', [[null, 4, 4]], 'int32', [[null, 4, 4], 'int32']],
];

const pyShape = (shape: readonly (number | null)[]): string =>
  `(${shape.map((d) => d ?? 'None').join(', ')}${shape.length === 1 ? ',' : ''})`;

describe('keras.ops products, diagonals and creation', () => {
  for (const [call, inputs, dtype, expected] of cases) {
    it(`${call}${inputs.length > 0 ? ` on ${inputs.map(pyShape).join(' and ')} ${dtype}` : ''}`, async () => {
      const lines = ['import keras', 'from keras import ops'];
      inputs.forEach((s, i) => lines.push(`${['x', 'y'][i]} = keras.Input(batch_shape=${pyShape(s)}, dtype="${dtype}")`));
      const want = 'error' in expected ? [] : 'tuple' in expected ? expected.tuple : 'list' in expected ? expected.list : [expected];
      // A tuple is bound item by item (the analysis keeps no binding of a whole tuple).
      const names = want.length > 1 ? want.map((_, i) => `r${i}`) : ['r'];
      const a = await analyze([...lines, `${names.join(', ')} = ${call}`].join('\n'));
      if ('error' in expected) {
        assert.deepEqual(messages(a, 'error'), [expected.error]);
        return;
      }
      assert.deepEqual(messages(a), []);
      const got = names.map((name): Output | string => {
        const v = bindingsOf(a, name)[0]?.value;
        if (v?.kind !== 'tensor') return v?.kind === 'unknown' ? v.reason : `no tensor bound to ${name}`;
        const t = a.tensors[v.tensor]!;
        return [t.shape as (number | null)[], t.dtype];
      });
      assert.deepEqual(got, want);
    });
  }
});

// The runtime does not bind `*operands` (einsum) and `*x` (meshgrid) yet: these run the rules on the list they take.
type DirectCase = [call: string, inputs: (number | null)[][], dtype: string, expected: Expected];

const varargsCases: DirectCase[] = [
  [
    "ops.einsum('ij,jk', x, y)",
    [
      [null, 3],
      [3, 4],
    ],
    'int8',
    [[null, 4], 'int32'],
  ],
  [
    "ops.einsum('bij,bjk->bik', x, y)",
    [
      [null, 3, 4],
      [null, 4, 5],
    ],
    'bfloat16',
    [[null, 3, 5], 'bfloat16'],
  ],
  [
    "ops.einsum('ij,jk->ik', x)",
    [[2, 3]],
    'float32',
    { error: 'Number of operands (1) does not match the number of input specs (2) in `einsum`, received subscripts=ij,jk->ik.' },
  ],
  [
    "ops.meshgrid(x, y, indexing='ij')",
    [[3], [4]],
    'int32',
    {
      list: [
        [[3, 4], 'float32'],
        [[3, 4], 'float32'],
      ],
    },
  ],
  [
    'ops.meshgrid(x, y)',
    [[3], [4]],
    'int32',
    {
      list: [
        [[4, 3], 'int32'],
        [[4, 3], 'int32'],
      ],
    },
  ],
];

function runDirect(call: string, inputs: (number | null)[][], dtype: string): OpResult | { error: string } {
  const [, name, text] = /^ops\.(\w+)\((.*)\)$/.exec(call)!;
  const path = `keras.ops.${name}`;
  const tensors = inputs.map((shape) => ({ shape, dtype }));
  const keyword = /indexing='(\w+)'/.exec(text!)?.[1];
  const args = new Map<string, OpArgument>();
  if (name === 'einsum') {
    args.set('subscripts', /^'([^']*)'/.exec(text!)![1]!);
    args.set('operands', tensors);
  } else {
    args.set('x', tensors);
    args.set('indexing', keyword ?? 'xy');
  }
  try {
    return productOps[path]!.compute({ path, arguments: args });
  } catch (error) {
    if (error instanceof LayerError) return { error: error.message };
    if (error instanceof OpNotKnown) return { error: `not known: ${error.message}` };
    throw error;
  }
}

describe('keras.ops einsum and meshgrid rules, on their *args', () => {
  for (const [call, inputs, dtype, expected] of varargsCases) {
    it(`${call} on ${inputs.map(pyShape).join(' and ')} ${dtype}`, () => {
      const got = runDirect(call, inputs, dtype);
      if (Array.isArray(expected)) {
        assert.ok(!('error' in got) && !('tuple' in got) && !('list' in got) && !('python' in got));
        assert.deepEqual([got.shape, got.dtype], expected);
      } else if ('list' in expected) {
        assert.ok('list' in got);
        assert.deepEqual(
          got.list.map((t) => [t.shape, t.dtype]),
          expected.list,
        );
      } else assert.deepEqual(got, expected);
    });
  }

  it('a Python number among the operands counts by the dtype of its type', () => {
    const args = new Map<string, OpArgument>([
      ['subscripts', ',ij'],
      [
        'operands',
        [
          { shape: [], dtype: 'int32', weak: 'int', value: 5 },
          { shape: [2, 3], dtype: 'float16' },
        ],
      ],
    ]);
    const got = productOps['keras.ops.einsum']!.compute({ path: 'keras.ops.einsum', arguments: args });
    assert.deepEqual(got, { shape: [2, 3], dtype: 'float16' });
  });
});
