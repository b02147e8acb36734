// The three methods of the seed document (shared/seed/keras-tensor-to-numpy.md),
// verbatim in examples/ below a one-line header: every tensor and NumPy binding has its exact shape.

import assert from 'node:assert/strict';
import { analyze, bindingsOf, dtypeOf, example, modelNamed, shapeOf, summaryRows } from './helpers/analysis.js';

// Conv2D(32, 3x3, valid) on 32x32x3: 32 - 3 + 1 = 30 per side; weights 3*3*3*32 + 32.
const conv = { side: 32 - 3 + 1, params: 3 * 3 * 3 * 32 + 32 };

describe('seed method 1: K.function', () => {
  it('knows every binding', async () => {
    const a = await analyze(example('seed_method1_k_function.py'));
    assert.equal(shapeOf(a, 'input_layer'), '(None, 32, 32, 3)');
    assert.equal(shapeOf(a, 'conv_layer'), `(None, ${conv.side}, ${conv.side}, 32)`);
    assert.equal(bindingsOf(a, 'model').at(-1)!.value.kind, 'layer');
    assert.equal(shapeOf(a, 'conv_tensor'), `(None, ${conv.side}, ${conv.side}, 32)`);
    assert.equal(bindingsOf(a, 'get_conv_output').at(-1)!.value.kind, 'function');
    assert.equal(shapeOf(a, 'input_data'), '(1, 32, 32, 3)');
    assert.equal(dtypeOf(a, 'input_data'), 'float64');
    assert.equal(shapeOf(a, 'numpy_array'), `(1, ${conv.side}, ${conv.side}, 32)`);
    assert.equal(dtypeOf(a, 'numpy_array'), 'float32');
    assert.deepEqual(a.diagnostics, []);
  });

  it('records where numpy_array gets its numbers: conv_tensor fed with np.random.rand', async () => {
    const a = await analyze(example('seed_method1_k_function.py'));
    const value = bindingsOf(a, 'numpy_array')[0]!.value;
    assert.equal(value.kind, 'array');
    if (value.kind !== 'array' || value.source.kind !== 'evaluation') throw new Error('expected an evaluation');
    const convTensor = bindingsOf(a, 'conv_tensor')[0]!.value;
    assert.deepEqual(value.source.tensors, [convTensor.kind === 'tensor' ? convTensor.tensor : -1]);
    assert.equal(value.source.feeds.length, 1);
    assert.deepEqual(value.source.feeds[0]!.source, { kind: 'constructor', fn: 'np.random.rand', args: { 0: 1, 1: 32, 2: 32, 3: 3 } });
  });

  it('summarises the model like Keras', async () => {
    const a = await analyze(example('seed_method1_k_function.py'));
    assert.deepEqual(summaryRows(modelNamed(a, 'functional')), [
      'input_layer (InputLayer) (None, 32, 32, 3) 0',
      `conv2d (Conv2D) (None, ${conv.side}, ${conv.side}, 32) ${conv.params}`,
    ]);
    assert.equal(modelNamed(a, 'functional').totalParams, conv.params);
  });
});

describe('seed method 2: sub-model and predict', () => {
  it('knows every binding', async () => {
    const a = await analyze(example('seed_method2_predict.py'));
    assert.equal(shapeOf(a, 'conv_layer'), `(None, ${conv.side}, ${conv.side}, 32)`);
    // Dense(10) acts on the last axis only.
    assert.equal(shapeOf(a, 'dense_layer'), `(None, ${conv.side}, ${conv.side}, 10)`);
    assert.equal(shapeOf(a, 'input_data'), '(1, 32, 32, 3)');
    assert.equal(shapeOf(a, 'numpy_array'), `(1, ${conv.side}, ${conv.side}, 32)`);
    assert.deepEqual(a.diagnostics, []);
  });

  it('names the two models functional and functional_1, sharing their layers', async () => {
    const a = await analyze(example('seed_method2_predict.py'));
    const dense = 32 * 10 + 10;
    assert.deepEqual(summaryRows(modelNamed(a, 'functional')), [
      'input_layer (InputLayer) (None, 32, 32, 3) 0',
      `conv2d (Conv2D) (None, ${conv.side}, ${conv.side}, 32) ${conv.params}`,
      `dense (Dense) (None, ${conv.side}, ${conv.side}, 10) ${dense}`,
    ]);
    assert.deepEqual(summaryRows(modelNamed(a, 'functional_1')), [
      'input_layer (InputLayer) (None, 32, 32, 3) 0',
      `conv2d (Conv2D) (None, ${conv.side}, ${conv.side}, 32) ${conv.params}`,
    ]);
  });
});

describe('seed method 3: subclassed model called eagerly', () => {
  it('knows every binding, inside call() too', async () => {
    const a = await analyze(example('seed_method3_subclassing.py'));
    assert.equal(shapeOf(a, 'input_data'), '(1, 32, 32, 3)');
    // call() runs with the call site's input: batch 1, get_conv=True.
    assert.equal(shapeOf(a, 'conv_out'), `(1, ${conv.side}, ${conv.side}, 32)`);
    assert.equal(shapeOf(a, 'dense_out'), `(1, ${conv.side}, ${conv.side}, 10)`);
    assert.equal(shapeOf(a, 'conv_tensor'), `(1, ${conv.side}, ${conv.side}, 32)`);
    assert.equal(shapeOf(a, 'numpy_array'), `(1, ${conv.side}, ${conv.side}, 32)`);
    const convTensor = bindingsOf(a, 'conv_tensor')[0]!.value;
    assert.ok(convTensor.kind === 'tensor' && a.tensors[convTensor.tensor]!.eager, 'an eager tensor, not a KerasTensor');
    assert.deepEqual(a.diagnostics, []);
  });

  it('tracks the layers assigned in __init__ and counts their weights once built', async () => {
    const a = await analyze(example('seed_method3_subclassing.py'));
    const summary = modelNamed(a, 'custom_model');
    assert.equal(summary.className, 'CustomModel');
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} ${r.params}`),
      [`conv2d ${conv.params}`, `dense ${32 * 10 + 10}`],
    );
    assert.equal(summary.totalParams, conv.params + 32 * 10 + 10);
  });
});
