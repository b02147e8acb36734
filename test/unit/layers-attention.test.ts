// MultiHeadAttention, GroupQueryAttention, Attention, AdditiveAttention and EinsumDense, beyond the mechanical
// references: the calling conventions (query, value, key by position or keyword, return_attention_scores), Keras's
// errors in its own words, sizes known only at run time, the symbolic shapes where Keras's own are quirky (scores
// that repeat the query length, an ellipsis on the left), and values on the wasm and cpu backends for Keras's
// weights, in Keras's order. Every expected value was printed by the pinned Keras (KERAS_BACKEND=jax
// .venv-conformance/bin/python), with the Python that printed it beside it.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { layerEntry } from '../../src/analysis/keras/registry.js';
import type { LayerConfig } from '../../src/analysis/keras/rule.js';
import { selectBackend } from '../../src/engine/backend.js';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { prepareTopology } from '../../src/engine/topology.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { formatShape, type Shape } from '../../src/graph/shape.js';
import { analyze, messages, shapeOf } from './helpers/analysis.js';
import { testBackends } from './helpers/test-backends.js';

const header = 'import keras\nfrom keras import layers\n';

/**
 * Each case is the Python after `import keras; from keras import layers`, and what Keras printed for it:
 *
 *     for case in cases:
 *         keras.utils.clear_session()
 *         try:
 *             exec(case.source)
 *             print(y.shape, s.shape if "s" in locals() else "", layer.count_params())
 *         except Exception as e:
 *             print(e)  # the bold part of "Exception encountered when calling …" where Keras wraps it
 */
const cases: { title: string; source: string; shapes?: Record<string, string>; params?: number; error?: string }[] = [
  {
    title: 'MultiHeadAttention(2, 3)(q, v): cross attention',
    source: 'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q, v)',
    shapes: { y: '(None, 5, 8)' },
    params: 194,
  },
  {
    title: 'MultiHeadAttention with key, by keyword',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nk = keras.Input((7, 2))\nlayer = layers.MultiHeadAttention(num_heads=2, key_dim=3)\ny = layer(query=q, value=v, key=k)',
    shapes: { y: '(None, 5, 8)' },
    params: 170,
  },
  {
    title: 'MultiHeadAttention positional key',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nk = keras.Input((7, 2))\nlayer = layers.MultiHeadAttention(2, 3, 4)\ny = layer(q, v, k)',
    shapes: { y: '(None, 5, 8)' },
    params: 200,
  },
  {
    title: 'MultiHeadAttention return_attention_scores: the scores repeat the query length',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3)\ny, s = layer(q, v, return_attention_scores=True)',
    shapes: { y: '(None, 5, 8)', s: '(None, 2, 5, 5)' },
    params: 194,
  },
  {
    title: 'MultiHeadAttention on rank-4 inputs with attention_axes',
    source:
      'q = keras.Input((5, 4, 8))\nv = keras.Input((5, 3, 6))\nlayer = layers.MultiHeadAttention(2, 3, attention_axes=2)\ny, s = layer(q, v, return_attention_scores=True)',
    shapes: { y: '(None, 5, 4, 8)', s: '(None, 2, 5, 5)' },
    params: 194,
  },
  {
    title: 'MultiHeadAttention output_shape tuple',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3, output_shape=(4, 5))\ny = layer(q, v)',
    shapes: { y: '(None, 5, 4, 5)' },
    params: 278,
  },
  {
    title: 'MultiHeadAttention output_shape int, value_dim, use_gate',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3, value_dim=5, output_shape=4, use_gate=True)\ny = layer(q, v)',
    shapes: { y: '(None, 5, 4)' },
    params: 300,
  },
  {
    title: 'MultiHeadAttention use_bias=False',
    source: 'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3, use_bias=False)\ny = layer(q, v)',
    shapes: { y: '(None, 5, 8)' },
    params: 168,
  },
  {
    title: 'MultiHeadAttention attention_mask and use_causal_mask do not change shapes',
    source:
      'q = keras.Input((5, 8))\nm = keras.Input((5, 5))\nlayer = layers.MultiHeadAttention(2, 3, dropout=0.1)\ny = layer(q, q, attention_mask=m, use_causal_mask=True)',
    shapes: { y: '(None, 5, 8)' },
    params: 218,
  },
  {
    title: 'MultiHeadAttention unknown sequence lengths',
    source:
      'q = keras.Input((None, 8))\nv = keras.Input((None, 6))\nlayer = layers.MultiHeadAttention(2, 3)\ny, s = layer(q, v, return_attention_scores=True)',
    shapes: { y: '(None, None, 8)', s: '(None, 2, None, None)' },
    params: 194,
  },
  {
    title: 'MultiHeadAttention on rank-2 inputs',
    source: 'q = keras.Input((8,))\nv = keras.Input((6,))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q, v)',
    shapes: { y: '(None, 8)' },
    params: 194,
  },
  {
    title: 'MultiHeadAttention: value and key of different lengths',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nk = keras.Input((6, 6))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q, v, k)',
    error:
      'All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=(None, 7, 6) and key_shape=(None, 6, 6)',
  },
  {
    title: 'MultiHeadAttention: a None feature size',
    source: 'q = keras.Input((5, None))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q, v)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 2, 3) for variable path='multi_head_attention/query/kernel'",
  },
  {
    title: 'MultiHeadAttention: a None value feature size',
    source: 'q = keras.Input((5, 8))\nv = keras.Input((7, None))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q, v)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 2, 3) for variable path='multi_head_attention/key/kernel'",
  },
  {
    title: 'MultiHeadAttention: output_shape with None',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.MultiHeadAttention(2, 3, output_shape=(None, 4))\ny = layer(q, v)',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(2, 3, None, 4) for variable path='multi_head_attention/attention_output/kernel'",
  },
  {
    title: 'MultiHeadAttention: value missing',
    source: 'q = keras.Input((5, 8))\nlayer = layers.MultiHeadAttention(2, 3)\ny = layer(q)',
    error: "missing a required argument: 'value'",
  },
  {
    title: 'MultiHeadAttention: num_heads=0',
    source: 'layer = layers.MultiHeadAttention(0, 3)',
    error: 'Received an invalid value for argument `num_heads`, expected a positive integer. Received: num_heads=0',
  },
  {
    title: 'MultiHeadAttention: value_dim=-1',
    source: 'layer = layers.MultiHeadAttention(2, 3, value_dim=-1)',
    error: 'Received an invalid value for argument `value_dim`, expected a positive integer or `None`. Received: value_dim=-1',
  },
  {
    title: "MultiHeadAttention: attention_axes='a'",
    source: "layer = layers.MultiHeadAttention(2, 3, attention_axes='a')",
    error: '`attention_axes` must be an int, list, or tuple.Received: attention_axes=a',
  },
  {
    title: 'MultiHeadAttention: sliding_window=0',
    source: 'layer = layers.MultiHeadAttention(2, 3, sliding_window=0)',
    error: '`sliding_window` must be `None` or a positive integer. Received: sliding_window=0',
  },
  {
    title: 'MultiHeadAttention: dropout with flash attention',
    source: 'layer = layers.MultiHeadAttention(2, 3, dropout=0.1, flash_attention=True)',
    error: 'Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use flash attention.',
  },
  {
    title: 'MultiHeadAttention: attention_axes out of range',
    source: 'q = keras.Input((5, 4, 8))\nlayer = layers.MultiHeadAttention(2, 3, attention_axes=7)\ny = layer(q, q)',
    error: 'index 7 is out of bounds for axis 0 with size 5',
  },
  {
    title: 'GroupQueryAttention(4, 4, 2)',
    source: "q = keras.Input((5, 8))\nv = keras.Input((7, 8))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, v)",
    shapes: { y: '(None, 5, 8)' },
    params: 424,
  },
  {
    title: 'GroupQueryAttention with key, scores',
    source:
      "q = keras.Input((5, 8))\nv = keras.Input((7, 8))\nk = keras.Input((7, 3))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny, s = layer(q, v, k, return_attention_scores=True)",
    shapes: { y: '(None, 5, 8)', s: '(None, 4, 5, 7)' },
    params: 384,
  },
  {
    title: 'GroupQueryAttention use_bias=False, use_gate',
    source:
      "q = keras.Input((5, 8))\nv = keras.Input((7, 8))\nlayer = layers.GroupQueryAttention(4, 4, 2, use_bias=False, use_gate=True, name='gqa')\ny = layer(q, v)",
    shapes: { y: '(None, 5, 8)' },
    params: 512,
  },
  {
    title: 'GroupQueryAttention on rank-4 inputs',
    source:
      "q = keras.Input((5, 3, 8))\nv = keras.Input((7, 3, 8))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, v)",
    shapes: { y: '(None, 5, 3, 8)' },
    params: 264,
  },
  {
    title: 'GroupQueryAttention unknown lengths',
    source:
      "q = keras.Input((None, 8))\nv = keras.Input((None, 8))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny, s = layer(q, v, return_attention_scores=True)",
    shapes: { y: '(None, None, 8)', s: '(None, 4, None, None)' },
    params: 424,
  },
  {
    title: 'GroupQueryAttention: query and value features differ',
    source: "q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, v)",
    error:
      'The last dimension of `query_shape` and `value_shape` must be equal, but are 8, 6. Received: query_shape=(None, 5, 8), value_shape=(None, 7, 6)',
  },
  {
    title: 'GroupQueryAttention: value and key lengths differ',
    source:
      "q = keras.Input((5, 8))\nv = keras.Input((7, 8))\nk = keras.Input((6, 3))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, v, k)",
    error:
      'All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=(None, 7, 8) and key_shape=(None, 6, 3)',
  },
  {
    title: 'GroupQueryAttention: rank-2 inputs',
    source: "q = keras.Input((8,))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, q)",
    error: 'tuple index out of range',
  },
  {
    title: 'GroupQueryAttention: None features',
    source: "q = keras.Input((5, None))\nlayer = layers.GroupQueryAttention(4, 4, 2, name='gqa')\ny = layer(q, q)",
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 4, 4) for variable path='gqa/query/kernel'",
  },
  {
    title: 'GroupQueryAttention: heads not divisible',
    source: 'layer = layers.GroupQueryAttention(4, 4, 3)',
    error: '`num_query_heads` must be divisible by `num_key_value_heads`.',
  },
  {
    title: 'GroupQueryAttention: no key/value heads',
    source: 'layer = layers.GroupQueryAttention(4, 4, 0)',
    error: 'integer modulo by zero',
  },
  {
    title: 'Attention()([q, v])',
    source: 'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.Attention()\ny = layer([q, v])',
    shapes: { y: '(None, 5, 6)' },
    params: 0,
  },
  {
    title: 'Attention(use_scale, concat)([q, v, k])',
    source:
      "q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nk = keras.Input((7, 8))\nlayer = layers.Attention(use_scale=True, score_mode='concat')\ny = layer([q, v, k])",
    shapes: { y: '(None, 5, 6)' },
    params: 2,
  },
  {
    title: 'Attention on rank-4 inputs',
    source: 'q = keras.Input((3, 5, 8))\nv = keras.Input((3, 7, 8))\nlayer = layers.Attention(use_scale=True)\ny = layer([q, v])',
    shapes: { y: '(None, 3, 5, 8)' },
    params: 1,
  },
  {
    title: 'Attention on rank-2 inputs',
    source: 'q = keras.Input((8,))\nlayer = layers.Attention()\ny = layer([q, q])',
    shapes: { y: '(None, 8)' },
    params: 0,
  },
  {
    title: 'Attention: a list of 1',
    source: 'q = keras.Input((5, 8))\nlayer = layers.Attention()\ny = layer([q])',
    error: 'Attention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: 1.',
  },
  {
    title: 'Attention: a list of 4',
    source: 'q = keras.Input((5, 8))\nlayer = layers.Attention()\ny = layer([q, q, q, q])',
    error: 'Attention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: 4.',
  },
  {
    title: "Attention: score_mode='x'",
    source: "layer = layers.Attention(score_mode='x')",
    error: "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=x",
  },
  {
    title: 'AdditiveAttention()([q, v, k])',
    source:
      'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nk = keras.Input((7, 8))\nlayer = layers.AdditiveAttention()\ny = layer([q, v, k])',
    shapes: { y: '(None, 5, 6)' },
    params: 8,
  },
  {
    title: 'AdditiveAttention(use_scale=False)',
    source: 'q = keras.Input((5, 8))\nv = keras.Input((7, 6))\nlayer = layers.AdditiveAttention(use_scale=False)\ny = layer([q, v])',
    shapes: { y: '(None, 5, 6)' },
    params: 0,
  },
  {
    title: 'AdditiveAttention: None query features',
    source: 'q = keras.Input((5, None))\nv = keras.Input((7, 6))\nlayer = layers.AdditiveAttention()\ny = layer([q, v])',
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None,) for variable path='additive_attention/scale'",
  },
  {
    title: 'AdditiveAttention: a list of 1',
    source: 'q = keras.Input((5, 8))\nlayer = layers.AdditiveAttention()\ny = layer([q])',
    error:
      'AdditiveAttention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: 1.',
  },
  {
    title: 'EinsumDense dense',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', 4, bias_axes='c')\ny = layer(x)",
    shapes: { y: '(None, 4)' },
    params: 16,
  },
  {
    title: 'EinsumDense sequence, output_shape None keeps None',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('abc,cd->abd', output_shape=(None, 4), bias_axes='d')\ny = layer(x)",
    shapes: { y: '(None, None, 4)' },
    params: 16,
  },
  {
    title: 'EinsumDense left ellipsis (Keras lists the elided axes in reverse)',
    source: "x = keras.Input((5, 6, 3))\nlayer = layers.EinsumDense('...b,bc->...c', 4, bias_axes='c')\ny = layer(x)",
    shapes: { y: '(None, 6, 5, 4)' },
    params: 16,
  },
  {
    title: 'EinsumDense left ellipsis on rank 2',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('...b,bc->...c', 4, bias_axes='c')\ny = layer(x)",
    shapes: { y: '(None, 4)' },
    params: 16,
  },
  {
    title: 'EinsumDense right ellipsis, bias over trailing axes',
    source: "x = keras.Input((3, 5, 6))\nlayer = layers.EinsumDense('ab...,bc->ac...', 4, bias_axes='c')\ny = layer(x)",
    shapes: { y: '(None, 4, 5, 6)' },
    params: 16,
  },
  {
    title: 'EinsumDense right ellipsis, two bias axes',
    source: "x = keras.Input((5, 3, 7))\nlayer = layers.EinsumDense('abc...,cd->abd...', (5, 4), bias_axes='bd')\ny = layer(x)",
    shapes: { y: '(None, 5, 4, 7)' },
    params: 32,
  },
  {
    title: 'EinsumDense heads',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('abc,cde->abde', (5, 2, 4), bias_axes='de')\ny = layer(x)",
    shapes: { y: '(None, 5, 2, 4)' },
    params: 32,
  },
  {
    title: 'EinsumDense contraction of two axes',
    source: "x = keras.Input((3, 4, 5))\nlayer = layers.EinsumDense('abcd,cde->abe', (3, 6), bias_axes='be')\ny = layer(x)",
    shapes: { y: '(None, 3, 6)' },
    params: 138,
  },
  {
    title: 'EinsumDense transposed output',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('abc,cd->adb', (4, 5), bias_axes='b')\ny = layer(x)",
    shapes: { y: '(None, 4, 5)' },
    params: 17,
  },
  {
    title: 'EinsumDense lora_rank',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', 4, bias_axes='c', lora_rank=2)\ny = layer(x)",
    shapes: { y: '(None, 4)' },
    params: 30,
  },
  {
    title: 'EinsumDense activation, no bias',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', 4, activation='relu')\ny = layer(x)",
    shapes: { y: '(None, 4)' },
    params: 12,
  },
  {
    title: 'EinsumDense output_shape longer than the equation',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', (4, 5, 6))\ny = layer(x)",
    shapes: { y: '(None, 4, 5, 6)' },
    params: 12,
  },
  {
    title: 'EinsumDense input of higher rank than the equation',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('ab,bc->ac', 4)\ny = layer(x)",
    shapes: { y: '(None, 4, 3)' },
    params: 20,
  },
  {
    title: 'EinsumDense: unknown bias axis',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', 4, bias_axes='x')\ny = layer(x)",
    error: "Bias dimension 'x' was requested, but is not part of the output spec 'ac'",
  },
  {
    title: 'EinsumDense: output_shape against the input',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('abc,cd->abd', (6, 4))\ny = layer(x)",
    error: "Input shape and output shape do not match at shared dimension 'b'. Input shape is 5, and output shape is 6.",
  },
  {
    title: 'EinsumDense: output letter from nowhere',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ad', 4)\ny = layer(x)",
    error: "Dimension 'd' was specified in the output 'ad' but has no corresponding dim in the input spec 'ab' or weight spec 'ad'",
  },
  {
    title: 'EinsumDense: weight letter from nowhere',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bcx->ac', 4)\ny = layer(x)",
    error:
      "Weight dimension 'x' did not have a match in either the input spec 'ab' or the output spec 'ac'. For this layer, the weight must be fully specified.",
  },
  {
    title: 'EinsumDense: not an equation Keras takes',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab->ac', 4)\ny = layer(x)",
    error: "Invalid einsum equation 'ab->ac'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
  },
  {
    title: 'EinsumDense: a None kernel size',
    source: "x = keras.Input((None,))\nlayer = layers.EinsumDense('ab,bc->ac', 4)\ny = layer(x)",
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 4) for variable path='einsum_dense/kernel'",
  },
  {
    title: 'EinsumDense: a None bias size',
    source: "x = keras.Input((5, 3))\nlayer = layers.EinsumDense('abc,cde->abde', (None, 2, 4), bias_axes='be')\ny = layer(x)",
    error:
      "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 1, 4) for variable path='einsum_dense/bias'",
  },
  {
    title: 'EinsumDense: output_shape=None',
    source: "layer = layers.EinsumDense('ab,bc->ac', None)",
    error: "'NoneType' object is not iterable",
  },
  {
    title: 'EinsumDense: lora with a kernel constraint',
    source: "x = keras.Input((3,))\nlayer = layers.EinsumDense('ab,bc->ac', 4, lora_rank=2, kernel_constraint='non_neg')\ny = layer(x)",
    error: 'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.',
  },
];

describe('attention layers', () => {
  describe('shapes, parameter counts and errors, as Keras gives them', () => {
    for (const c of cases) {
      it(c.title, async () => {
        const a = await analyze(`${header}${c.source}\n`);
        if (c.error !== undefined) {
          assert.deepEqual(messages(a, 'error'), [c.error]);
          return;
        }
        assert.deepEqual(messages(a), []);
        for (const [name, shape] of Object.entries(c.shapes ?? {})) assert.equal(shapeOf(a, name), shape, name);
        const layer = a.bindings.filter((b) => b.name === 'layer').at(-1)!.value;
        assert.ok(layer.kind === 'layer');
        assert.equal(a.layers[layer.layer]!.params, c.params);
      });
    }
  });

  describe('the call', () => {
    it('return_attention_scores of Attention and AdditiveAttention: a second output (the rule, given the call option)', () => {
      // q = keras.Input((5, 8)); v = keras.Input((7, 6)); k = keras.Input((9, 8))
      // [t.shape for t in layers.Attention()([q, v, k], return_attention_scores=True)]  → [(None, 5, 6), (None, 5, 9)]
      // [t.shape for t in layers.AdditiveAttention(use_scale=False)([q, v], return_attention_scores=True)]
      //                                                                               → [(None, 5, 6), (None, 5, 7)]
      const run = (className: string, config: LayerConfig, inputs: Shape[]): string[] => {
        const entry = layerEntry(className)!;
        const defaults = Object.fromEntries(entry.parameters.filter((p) => 'default' in p).map((p) => [p.name, p.default ?? null]));
        const output = entry.rule!.compute(
          { ...defaults, ...config },
          inputs,
          { inner: () => assert.fail() },
          {
            names: [],
            options: { return_attention_scores: true },
          },
        );
        assert.equal(output.outputIsList, true);
        return output.outputs.map(formatShape);
      };
      assert.deepEqual(
        run('Attention', {}, [
          [null, 5, 8],
          [null, 7, 6],
          [null, 9, 8],
        ]),
        ['(None, 5, 6)', '(None, 5, 9)'],
      );
      assert.deepEqual(
        run('AdditiveAttention', { use_scale: false }, [
          [null, 5, 8],
          [null, 7, 6],
        ]),
        ['(None, 5, 6)', '(None, 5, 7)'],
      );
    });

    it('a shared MultiHeadAttention keeps the weights of its first call', async () => {
      // layer = layers.MultiHeadAttention(2, 3); layer(q, v); y = layer(v, q)   (q: (5, 8), v: (7, 6))
      // y.shape, layer.count_params()  → (None, 7, 6) 194 (no input spec: Keras does not check the second call)
      const a = await analyze(`${header}q = keras.Input((5, 8))
v = keras.Input((7, 6))
layer = layers.MultiHeadAttention(2, 3)
x = layer(q, v)
y = layer(v, q)`);
      assert.deepEqual(messages(a), []);
      assert.equal(shapeOf(a, 'y'), '(None, 7, 6)');
      assert.equal(a.layers.find((l) => l.className === 'MultiHeadAttention')!.params, 194);
    });

    it('sizes known only at run time, and arguments not known: shapes where Keras has them, parameter counts unknown', async () => {
      // With x_train.shape == (n, 5, 8) and heads == 2, Keras gives y (None, 5, 8), s (None, 2, 5, 5), e (None, 5, 4):
      // the shapes follow the input; the scores' head count is the unknown argument's.
      const a = await analyze(`${header}x_train = load()
q = keras.Input((x_train.shape[1], x_train.shape[2]))
heads = get_heads()
layer = layers.MultiHeadAttention(heads, 4)
y, s = layer(q, q, return_attention_scores=True)
e = layers.EinsumDense("abc,cd->abd", (x_train.shape[1], 4), bias_axes="d")(q)
g = layers.GroupQueryAttention(get_dim(), 4, 2)(q, q)
w = layers.AdditiveAttention()([q, q])`);
      assert.deepEqual(messages(a, 'error'), []);
      assert.equal(shapeOf(a, 'y'), '(None, x_train.shape[1], x_train.shape[2])');
      assert.equal(shapeOf(a, 's'), '(None, None, x_train.shape[1], x_train.shape[1])');
      assert.equal(shapeOf(a, 'e'), '(None, x_train.shape[1], 4)');
      assert.equal(shapeOf(a, 'g'), '(None, x_train.shape[1], x_train.shape[2])');
      assert.equal(shapeOf(a, 'w'), '(None, x_train.shape[1], x_train.shape[2])');
      for (const layer of a.layers.filter((l) => l.className !== 'InputLayer')) assert.equal(layer.params, null, layer.name);
    });

    it('the exported call carries which tensor is which and the call options; GroupQueryAttention runs as GroupedQueryAttention', async () => {
      const a = await analyze(`${header}q = keras.Input((5, 8))
v = keras.Input((7, 8))
m = keras.Input((5, 7))
y, s = layers.MultiHeadAttention(2, 3)(q, v, attention_mask=m, return_attention_scores=True)
z = layers.GroupQueryAttention(4, 4, 2)(query=q, value=v, use_causal_mask=True)`);
      const model = exportSubgraph(
        a,
        ['s', 'z'].map((name) => {
          const value = a.bindings.filter((b) => b.name === name).at(-1)!.value;
          assert.ok(value.kind === 'tensor');
          return value.tensor;
        }),
      ).topology.config['layers'] as { class_name: string; inbound_nodes: unknown[][][] }[];
      const mha = model.find((l) => l.class_name === 'MultiHeadAttention')!;
      assert.deepEqual(mha.inbound_nodes[0]![0]![3], {
        return_attention_scores: true,
        tensor_names: ['query', 'value', 'attention_mask'],
      });
      const gqa = model.find((l) => l.class_name === 'GroupedQueryAttention')!;
      assert.deepEqual(gqa.inbound_nodes[0]![0]![3], { use_causal_mask: true, tensor_names: ['query', 'value'] });
    });
  });

  /**
   * Keras's outputs for its own weights and inputs, rounded to 2 decimals (the weights in `layer.weights` order):
   *
   *     keras.utils.clear_session(); exec(source)
   *     rng = np.random.default_rng(7)
   *     for layer in model.layers: for w in layer.weights: w.assign(np.round(rng.normal(0, 0.7, w.shape), 2))
   *     inputs: np.round(rng.random(shape), 2) (batch 1; batch 2 for token ids), masks [[1, 0, 1], [0, 0, 0]]
   *     outputs = model.predict(inputs)
   */
  const references: Record<string, Reference> = {
    einsum_right: {
      source:
        'import keras\nfrom keras import layers\nx = keras.Input((2, 3, 2))\ny = layers.EinsumDense("ab...,bc->ac...", output_shape=2, bias_axes="c", activation="relu")(x)\nmodel = keras.Model(x, y)',
      weights: {
        einsum_dense: [
          { shape: [2, 2], values: [0.0, 0.20999999344348907, -0.1899999976158142, -0.6200000047683716] },
          { shape: [2, 1, 1], values: [-0.3199999928474426, -0.6899999976158142] },
        ],
      },
      inputs: [
        {
          shape: [1, 2, 3, 2],
          dtype: 'float32',
          values: [
            0.009999999776482582, 0.8199999928474426, 0.800000011920929, 0.4699999988079071, 0.30000001192092896, 0.2800000011920929, 0.25,
            0.44999998807907104, 0.5, 0.550000011920929, 1.0, 0.7900000214576721,
          ],
        },
      ],
      outputs: [{ shape: [1, 2, 3, 2], values: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] }],
    },
    mha_masked_scores: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((2, 3))\nv = keras.Input((3, 2))\nm = keras.Input((2, 3), dtype="int32")\ny, s = layers.MultiHeadAttention(2, 2, output_shape=2)(q, v, attention_mask=m, return_attention_scores=True)\nmodel = keras.Model([q, v, m], [y, s])',
      weights: {
        multi_head_attention: [
          {
            shape: [3, 2, 2],
            values: [
              -1.3300000429153442, -0.8999999761581421, -1.2899999618530273, -0.1599999964237213, -0.8899999856948853, 0.1899999976158142,
              0.10999999940395355, -0.12999999523162842, -1.7599999904632568, -0.3799999952316284, -0.029999999329447746,
              0.07999999821186066,
            ],
          },
          { shape: [2, 2], values: [-1.0700000524520874, -0.33000001311302185, -0.6800000071525574, -0.5699999928474426] },
          {
            shape: [2, 2, 2],
            values: [
              0.7400000095367432, -0.5699999928474426, -0.019999999552965164, 0.6200000047683716, -0.4099999964237213, -0.07999999821186066,
              0.07999999821186066, 0.03999999910593033,
            ],
          },
          { shape: [2, 2], values: [-0.8600000143051147, 0.05000000074505806, 0.949999988079071, -1.0800000429153442] },
          {
            shape: [2, 2, 2],
            values: [
              0.6000000238418579, 0.07999999821186066, -0.44999998807907104, 1.399999976158142, 0.5299999713897705, -0.8399999737739563,
              0.05000000074505806, 0.4000000059604645,
            ],
          },
          { shape: [2, 2], values: [-0.12999999523162842, 0.47999998927116394, -0.05000000074505806, 0.4699999988079071] },
          {
            shape: [2, 2, 2],
            values: [
              1.0099999904632568, -0.4699999988079071, 0.14000000059604645, -0.3199999928474426, 0.09000000357627869, -0.8299999833106995,
              -0.4099999964237213, -0.14000000059604645,
            ],
          },
          { shape: [2], values: [0.6299999952316284, 0.800000011920929] },
        ],
      },
      inputs: [
        {
          shape: [1, 2, 3],
          dtype: 'float32',
          values: [
            0.2199999988079071, 0.6700000166893005, 0.30000001192092896, 0.8700000047683716, 0.6600000262260437, 0.12999999523162842,
          ],
        },
        {
          shape: [1, 3, 2],
          dtype: 'float32',
          values: [0.8500000238418579, 0.9399999976158142, 0.8999999761581421, 0.5699999928474426, 0.15000000596046448, 0.1899999976158142],
        },
        { shape: [1, 2, 3], dtype: 'int32', values: [1.0, 0.0, 1.0, 0.0, 0.0, 0.0] },
      ],
      outputs: [
        { shape: [1, 2, 2], values: [0.5121985673904419, 0.5811814069747925, 0.6299999952316284, 0.800000011920929] },
        {
          shape: [1, 2, 2, 3],
          values: [0.4493955671787262, 0.0, 0.5506044030189514, 0.0, 0.0, 0.0, 0.43818965554237366, 0.0, 0.561810314655304, 0.0, 0.0, 0.0],
        },
      ],
    },
    mha_causal_gate: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((3, 3))\nv = keras.Input((3, 2))\ny = layers.MultiHeadAttention(2, 1, value_dim=1, use_gate=True)(q, v, use_causal_mask=True)\nmodel = keras.Model([q, v], y)',
      weights: {
        multi_head_attention: [
          {
            shape: [3, 2, 1],
            values: [-0.30000001192092896, -0.20999999344348907, 0.25, -0.07999999821186066, -0.14000000059604645, -0.7799999713897705],
          },
          { shape: [2, 1], values: [-0.009999999776482582, -0.3100000023841858] },
          { shape: [2, 2, 1], values: [0.8199999928474426, 0.46000000834465027, -0.019999999552965164, 0.4699999988079071] },
          { shape: [2, 1], values: [-0.23999999463558197, 0.7400000095367432] },
          {
            shape: [3, 2, 1],
            values: [-0.0, 0.4099999964237213, -0.8999999761581421, 0.23999999463558197, -1.1799999475479126, -1.4199999570846558],
          },
          { shape: [2, 1], values: [-0.20999999344348907, -0.6299999952316284] },
          { shape: [2, 2, 1], values: [0.10999999940395355, 1.5700000524520874, -0.5799999833106995, -0.4399999976158142] },
          { shape: [2, 1], values: [0.14000000059604645, 0.3499999940395355] },
          {
            shape: [2, 1, 3],
            values: [
              -0.11999999731779099, -0.14000000059604645, 0.49000000953674316, 0.36000001430511475, -0.7200000286102295,
              -0.05999999865889549,
            ],
          },
          { shape: [3], values: [0.019999999552965164, -0.7400000095367432, 0.18000000715255737] },
        ],
      },
      inputs: [
        {
          shape: [1, 3, 3],
          dtype: 'float32',
          values: [
            0.41999998688697815, 0.8199999928474426, 0.009999999776482582, 0.6299999952316284, 0.7900000214576721, 0.5099999904632568,
            0.7300000190734863, 0.23000000417232513, 0.20000000298023224,
          ],
        },
        {
          shape: [1, 3, 2],
          dtype: 'float32',
          values: [0.36000001430511475, 0.18000000715255737, 0.3499999940395355, 0.949999988079071, 0.5699999928474426, 0.3400000035762787],
        },
      ],
      outputs: [
        {
          shape: [1, 3, 3],
          values: [
            0.1474047601222992, -1.0027227401733398, 0.16855327785015106, 0.09437741339206696, -0.8786277770996094, 0.15507817268371582,
            0.13108345866203308, -0.9493085741996765, 0.14558231830596924,
          ],
        },
      ],
    },
    mha_axes: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((2, 2, 3))\nv = keras.Input((2, 3, 2))\ny = layers.MultiHeadAttention(1, 2, attention_axes=2, use_bias=False)(q, v)\nmodel = keras.Model([q, v], y)',
      weights: {
        multi_head_attention: [
          {
            shape: [3, 1, 2],
            values: [
              0.09000000357627869, -1.0800000429153442, 0.8700000047683716, 1.0099999904632568, -0.05000000074505806, -0.1899999976158142,
            ],
          },
          { shape: [2, 1, 2], values: [-0.10999999940395355, -0.6800000071525574, 0.7699999809265137, -0.3799999952316284] },
          { shape: [2, 1, 2], values: [-0.03999999910593033, -0.5600000023841858, -0.4399999976158142, -0.8899999856948853] },
          {
            shape: [1, 2, 3],
            values: [
              0.8799999952316284, -0.10999999940395355, 0.6800000071525574, 0.009999999776482582, -0.49000000953674316,
              -0.23000000417232513,
            ],
          },
        ],
      },
      inputs: [
        {
          shape: [1, 2, 2, 3],
          dtype: 'float32',
          values: [
            0.7200000286102295, 0.6299999952316284, 0.9700000286102295, 0.33000001311302185, 0.4000000059604645, 0.20000000298023224,
            0.05000000074505806, 0.20999999344348907, 0.9200000166893005, 0.8399999737739563, 0.10999999940395355, 0.6000000238418579,
          ],
        },
        {
          shape: [1, 2, 3, 2],
          dtype: 'float32',
          values: [
            0.47999998927116394, 0.5899999737739563, 0.6600000262260437, 0.3100000023841858, 0.9599999785423279, 0.4699999988079071,
            0.6299999952316284, 0.6399999856948853, 0.18000000715255737, 0.05999999865889549, 0.4099999964237213, 0.7599999904632568,
          ],
        },
      ],
      outputs: [
        {
          shape: [1, 2, 2, 3],
          values: [
            -0.21124735474586487, 0.41902637481689453, 0.02773340605199337, -0.21045689284801483, 0.417042076587677, 0.027427125722169876,
            -0.212437704205513, 0.35371941328048706, -0.005023997742682695, -0.22848962247371674, 0.3787638247013092, -0.006222131662070751,
          ],
        },
      ],
    },
    gqa: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((2, 3))\nv = keras.Input((3, 3))\nk = keras.Input((3, 2))\ny, s = layers.GroupQueryAttention(2, 2, 1, use_gate=True, name="gqa")(q, v, k, return_attention_scores=True)\nmodel = keras.Model([q, v, k], [y, s])',
      weights: {
        gqa: [
          {
            shape: [3, 2, 2],
            values: [
              -0.7799999713897705, -0.8500000238418579, 0.9300000071525574, -0.3499999940395355, 0.20000000298023224, -0.019999999552965164,
              -0.3100000023841858, -0.36000001430511475, 0.4399999976158142, -0.20999999344348907, -0.10999999940395355,
              0.019999999552965164,
            ],
          },
          { shape: [2, 2], values: [0.8199999928474426, 0.47999998927116394, 0.27000001072883606, -0.38999998569488525] },
          { shape: [2, 1, 2], values: [-0.9700000286102295, 0.6600000262260437, 0.6800000071525574, -0.10000000149011612] },
          { shape: [1, 2], values: [0.3799999952316284, 0.550000011920929] },
          {
            shape: [3, 2, 2],
            values: [
              0.5799999833106995, 0.6399999856948853, -0.3199999928474426, 1.059999942779541, -0.8700000047683716, 0.6000000238418579,
              0.3499999940395355, 0.6100000143051147, 1.3200000524520874, 1.0399999618530273, -0.800000011920929, -1.1799999475479126,
            ],
          },
          { shape: [2, 2], values: [0.5699999928474426, -0.7099999785423279, -0.009999999776482582, 0.5899999737739563] },
          {
            shape: [3, 1, 2],
            values: [
              -1.149999976158142, -1.4800000190734863, 0.18000000715255737, 0.029999999329447746, -0.17000000178813934,
              0.029999999329447746,
            ],
          },
          { shape: [1, 2], values: [-0.6000000238418579, -1.059999942779541] },
          {
            shape: [2, 2, 3],
            values: [
              -0.11999999731779099, -0.6800000071525574, -1.149999976158142, 0.3499999940395355, -0.03999999910593033, 0.2800000011920929,
              -0.6899999976158142, -0.46000000834465027, -0.699999988079071, -0.6200000047683716, 0.14000000059604645, -0.550000011920929,
            ],
          },
          { shape: [3], values: [0.25, 0.23999999463558197, 1.4199999570846558] },
        ],
      },
      inputs: [
        {
          shape: [1, 2, 3],
          dtype: 'float32',
          values: [0.5600000023841858, 0.9399999976158142, 0.3799999952316284, 0.25, 0.46000000834465027, 0.6600000262260437],
        },
        {
          shape: [1, 3, 3],
          dtype: 'float32',
          values: [
            0.10000000149011612, 0.3799999952316284, 0.12999999523162842, 0.6600000262260437, 0.8299999833106995, 0.3799999952316284,
            0.3700000047683716, 0.5400000214576721, 0.2199999988079071,
          ],
        },
        {
          shape: [1, 3, 2],
          dtype: 'float32',
          values: [0.25, 0.33000001311302185, 0.46000000834465027, 0.07999999821186066, 0.75, 0.5799999833106995],
        },
      ],
      outputs: [
        {
          shape: [1, 2, 3],
          values: [1.0297880172729492, 0.7213329076766968, 2.8148746490478516, 0.8372501730918884, 0.8097081780433655, 2.756366729736328],
        },
        {
          shape: [1, 2, 2, 3],
          values: [
            0.37807291746139526, 0.3076689541339874, 0.3142581284046173, 0.3850788176059723, 0.2991945445537567, 0.31572654843330383,
            0.3940083086490631, 0.3140007257461548, 0.2919909358024597, 0.37304893136024475, 0.32147613167762756, 0.3054749667644501,
          ],
        },
      ],
    },
    attention_concat: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((2, 3))\nv = keras.Input((3, 2))\nk = keras.Input((3, 3))\ny = layers.Attention(use_scale=True, score_mode="concat")([q, v, k])\nmodel = keras.Model([q, v, k], y)',
      weights: {
        attention: [
          { shape: [], values: [-0.6600000262260437] },
          { shape: [], values: [0.7900000214576721] },
        ],
      },
      inputs: [
        {
          shape: [1, 2, 3],
          dtype: 'float32',
          values: [
            0.7599999904632568, 0.12999999523162842, 0.12999999523162842, 0.12999999523162842, 0.07999999821186066, 0.9100000262260437,
          ],
        },
        {
          shape: [1, 3, 2],
          dtype: 'float32',
          values: [0.27000001072883606, 0.3100000023841858, 0.8299999833106995, 0.6200000047683716, 0.1899999976158142, 0.4300000071525574],
        },
        {
          shape: [1, 3, 3],
          dtype: 'float32',
          values: [
            0.8799999952316284, 0.3799999952316284, 0.7099999785423279, 0.10000000149011612, 0.7300000190734863, 0.7799999713897705,
            0.8299999833106995, 0.6700000166893005, 0.3700000047683716,
          ],
        },
      ],
      outputs: [{ shape: [1, 2, 2], values: [0.4336572289466858, 0.4556243419647217, 0.4565475881099701, 0.46362990140914917] }],
    },
    additive: {
      source:
        'import keras\nfrom keras import layers\nq = keras.Input((2, 3))\nv = keras.Input((3, 2))\nk = keras.Input((3, 3))\ny = layers.AdditiveAttention()([q, v, k])\nmodel = keras.Model([q, v, k], y)',
      weights: { additive_attention: [{ shape: [3], values: [0.18000000715255737, -0.03999999910593033, 0.05999999865889549] }] },
      inputs: [
        {
          shape: [1, 2, 3],
          dtype: 'float32',
          values: [0.1899999976158142, 0.27000001072883606, 0.5400000214576721, 0.75, 0.8999999761581421, 0.12999999523162842],
        },
        {
          shape: [1, 3, 2],
          dtype: 'float32',
          values: [0.18000000715255737, 0.800000011920929, 0.6399999856948853, 0.7200000286102295, 1.0, 0.9399999976158142],
        },
        {
          shape: [1, 3, 3],
          dtype: 'float32',
          values: [
            0.8399999737739563, 0.7799999713897705, 0.4000000059604645, 0.6399999856948853, 0.18000000715255737, 0.7599999904632568,
            0.7599999904632568, 0.7200000286102295, 0.4399999976158142,
          ],
        },
      ],
      outputs: [{ shape: [1, 2, 2], values: [0.6061887145042419, 0.819663941860199, 0.6067731380462646, 0.8195728063583374] }],
    },
    mha_embedding_mask: {
      source:
        'import keras\nfrom keras import layers\nids = keras.Input((3,), dtype="int32")\nx = layers.Embedding(5, 2, mask_zero=True)(ids)\ny = layers.MultiHeadAttention(1, 2)(x, x)\nmodel = keras.Model(ids, y)',
      weights: {
        embedding: [
          {
            shape: [5, 2],
            values: [
              -0.03999999910593033, -0.4099999964237213, -0.4399999976158142, 1.1200000047683716, 0.3499999940395355, 0.05000000074505806,
              -0.23999999463558197, -0.7799999713897705, -0.05000000074505806, 0.6100000143051147,
            ],
          },
        ],
        multi_head_attention: [
          { shape: [2, 1, 2], values: [-0.27000001072883606, -0.1599999964237213, -0.15000000596046448, 0.07999999821186066] },
          { shape: [1, 2], values: [-1.1200000047683716, -0.1599999964237213] },
          { shape: [2, 1, 2], values: [-0.6000000238418579, 0.6200000047683716, -0.5400000214576721, 0.4000000059604645] },
          { shape: [1, 2], values: [1.0700000524520874, -0.2199999988079071] },
          { shape: [2, 1, 2], values: [-0.41999998688697815, 0.12999999523162842, -0.0, -0.699999988079071] },
          { shape: [1, 2], values: [0.3199999928474426, 1.409999966621399] },
          { shape: [1, 2, 2], values: [-0.18000000715255737, -0.14000000059604645, -0.7300000190734863, 0.2199999988079071] },
          { shape: [2], values: [-0.8700000047683716, -0.7699999809265137] },
        ],
      },
      inputs: [{ shape: [2, 3], dtype: 'int32', values: [3.0, 1.0, 0.0, 0.0, 4.0, 2.0] }],
      outputs: [
        {
          shape: [2, 3, 2],
          values: [
            -1.739917278289795, -0.5997985601425171, -1.6890168190002441, -0.6159905195236206, -1.9641914367675781, -0.5219826698303223,
            -1.9159893989562988, -0.5098586082458496, -1.787153720855713, -0.5439643263816833, -1.786940336227417, -0.544052243232727,
          ],
        },
      ],
    },
  };

  for (const backend of testBackends) {
    describe(`values on the ${backend} backend, within 1e-5 of Keras`, () => {
      before(async () => {
        registerKerasLayers();
        assert.equal((await selectBackend(backend)).name, backend);
      });

      for (const [name, reference] of Object.entries(references)) {
        if (name === 'mha_embedding_mask') continue;
        it(name, async () => compare(await evaluate(reference, 'LayersModel.call'), reference));
      }

      it('Keras masks (Embedding mask_zero): refused where TensorFlow.js drops them, exact where the graph runner passes them', async () => {
        const reference = references['mha_embedding_mask']!;
        await assert.rejects(
          evaluate(reference, 'LayersModel.call'),
          /MultiHeadAttention 'multi_head_attention': the Keras masks of its inputs do not reach it/,
        );
        compare(await evaluate(reference, 'runInternalGraph'), reference);
      });
    });
  }
});

interface ArrayJson {
  readonly shape: number[];
  readonly values: number[];
  readonly dtype?: string;
}

interface Reference {
  readonly source: string;
  readonly weights: Record<string, ArrayJson[]>;
  readonly inputs: ArrayJson[];
  readonly outputs: ArrayJson[];
}

/** The analysed model, exported as the engine exports it, on Keras's weights and inputs. */
async function evaluate(reference: Reference, runner: 'LayersModel.call' | 'runInternalGraph'): Promise<tf.Tensor[]> {
  const a = await analyze(reference.source);
  assert.deepEqual(messages(a), []);
  const model = a.layers[a.models.at(-1)!]!.model!;
  const exported = exportSubgraph(a, model.outputs);
  const inputs = exported.inputs.map((t) => reference.inputs[model.inputs.indexOf(t)]!);
  const prepared = prepareTopology(
    exported.topology,
    inputs.map((i) => i.shape),
  );
  const built = await tf.models.modelFromJSON({ modelTopology: prepared.topology } as tf.io.ModelJSON);
  for (const layer of built.layers) {
    const weights = reference.weights[layer.name];
    if (weights) layer.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
  }
  const feeds = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype === 'int32' ? 'int32' : 'float32'));
  try {
    const result =
      runner === 'LayersModel.call'
        ? built.call(feeds, { training: false })
        : (built as unknown as { runInternalGraph(x: tf.Tensor[]): tf.Tensor[][] }).runInternalGraph(feeds)[0]!;
    return Array.isArray(result) ? result : [result];
  } finally {
    tf.dispose(feeds);
  }
}

function compare(outputs: tf.Tensor[], reference: Reference): void {
  assert.equal(outputs.length, reference.outputs.length);
  outputs.forEach((output, j) => {
    const expected = reference.outputs[j]!;
    assert.deepEqual(output.shape, expected.shape, `output ${j}`);
    const values = output.dataSync();
    expected.values.forEach((k, i) => {
      assert.ok(Math.abs(values[i]! - k) <= 1e-5 + 1e-5 * Math.abs(k), `output ${j}[${i}]: ${values[i]} where Keras has ${k}`);
    });
  });
  tf.dispose(outputs);
}
