// Tensor Lens against the per-layer-class references test/conformance/generate-layers.py
// recorded mechanically from the pinned Keras (test/conformance/reference-layers/).
// Each case is the Python file a user would write: keras.Input, the layer called
// on it, keras.Model. Two tiers:
//   never wrong, every case of every class: a known output shape or parameter
//     count is Keras's (unknown is fine), and a case Keras accepts gets no error
//     or warning diagnostic;
//   exact, for the classes Tensor Lens models (a shape rule in the registry):
//     the exact shapes and parameter count, and the values (rtol 1e-5, atol 1e-6)
//     computed with Keras's weights and input on the wasm and cpu backends.
// Cases Keras rejects are not asserted here (see layer-report.ts).

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import type { BackendName } from '../../src/protocol/engine.js';
import {
  allLayerCases,
  analyzeCase,
  caseSource,
  compareCaseValues,
  describeValues,
  inexactValues,
  isModelled,
  layerIndex,
  wrongValues,
  type LayerCase,
  type OurCase,
} from './layer-cases.js';

/**
 * Differences of the exact tier that are known today, each with its concrete text (ours against Keras's), keyed by
 * `<case id> <check>`; check: `shapes` (shapes and parameter count) or `values:<backend>`. An entry must match the
 * difference exactly: a changed difference, or a fixed one (then delete the entry), fails the test. The list as of
 * now: `node --import tsx test/conformance/layer-report.ts --known-differences` (keep the wasmConv3DTransposeMismatch
 * entries as they are). The never-wrong tier's violations
 * (`<case id> never-wrong`) are listed the same way: they are bugs to fix first, not tolerances.
 */
const knownDifferences: Readonly<Record<string, readonly (string | RegExp)[]>> = {
  'AveragePooling1D/4 values:wasm': [
    'evaluation failed: AveragePooling1D \'average_pooling1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'AveragePooling1D/4 values:cpu': [
    'evaluation failed: AveragePooling1D \'average_pooling1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'BatchNormalization/4 never-wrong': ['24 params where Keras has 42'],
  'BatchNormalization/4 shapes': ['24 params where Keras has 42'],
  'BatchNormalization/4 values:wasm': [
    'evaluation failed: Weights in model.weights.h5 do not match the model: batch_normalization: expected 4 weights (batch_normalization/gamma, batch_normalization/beta, batch_normalization/moving_mean, batch_normalization/moving_variance), found 7',
  ],
  'BatchNormalization/4 values:cpu': [
    'evaluation failed: Weights in model.weights.h5 do not match the model: batch_normalization: expected 4 weights (batch_normalization/gamma, batch_normalization/beta, batch_normalization/moving_mean, batch_normalization/moving_variance), found 7',
  ],
  'Conv1D/5 values:wasm': [
    'evaluation failed: Conv1D \'conv1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'Conv1D/5 values:cpu': [
    'evaluation failed: Conv1D \'conv1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'Conv1D/8 values:wasm': [
    "evaluation failed: Conv1D 'conv1d' with groups=2 cannot be evaluated yet (TensorFlow.js has no grouped convolution)",
  ],
  'Conv1D/8 values:cpu': [
    "evaluation failed: Conv1D 'conv1d' with groups=2 cannot be evaluated yet (TensorFlow.js has no grouped convolution)",
  ],
  'Conv2DTranspose/6 values:wasm': [
    "evaluation failed: Conv2DTranspose 'conv2d_transpose' with dilation_rate=(2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv2DTranspose/6 values:cpu': [
    "evaluation failed: Conv2DTranspose 'conv2d_transpose' with dilation_rate=(2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv2DTranspose/7 values:wasm': [
    "evaluation failed: Conv2DTranspose 'conv2d_transpose' with dilation_rate=(2, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv2DTranspose/7 values:cpu': [
    "evaluation failed: Conv2DTranspose 'conv2d_transpose' with dilation_rate=(2, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv3DTranspose/0 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/0 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/1 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/1 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/2 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/2 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/3 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/3 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/5 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/5 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/6 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' with dilation_rate=(2, 2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv3DTranspose/6 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' with dilation_rate=(2, 2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv3DTranspose/7 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' with dilation_rate=(2, 1, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv3DTranspose/7 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' with dilation_rate=(2, 1, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'Conv3DTranspose/8 values:wasm': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'Conv3DTranspose/8 values:cpu': [
    "evaluation failed: Conv3DTranspose 'conv3d_transpose' cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)",
  ],
  'DepthwiseConv2D/8 values:wasm': [
    "evaluation failed: DepthwiseConv2D 'depthwise_conv2d' with dilation_rate=(2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'DepthwiseConv2D/8 values:cpu': [
    "evaluation failed: DepthwiseConv2D 'depthwise_conv2d' with dilation_rate=(2, 2) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'DepthwiseConv2D/9 values:wasm': [
    "evaluation failed: DepthwiseConv2D 'depthwise_conv2d' with dilation_rate=(2, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'DepthwiseConv2D/9 values:cpu': [
    "evaluation failed: DepthwiseConv2D 'depthwise_conv2d' with dilation_rate=(2, 1) cannot be evaluated yet (TensorFlow.js ignores it here)",
  ],
  'MaxPooling1D/6 values:wasm': [
    'evaluation failed: MaxPooling1D \'max_pooling1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'MaxPooling1D/6 values:cpu': [
    'evaluation failed: MaxPooling1D \'max_pooling1d\' with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)',
  ],
  'MelSpectrogram/2 values:wasm': ['output 0, element 210: 0.06427422165870667 where Keras has 0.06427983194589615'],
  'MelSpectrogram/2 values:cpu': ['output 0, element 210: 0.06427370756864548 where Keras has 0.06427983194589615'],
  'Resizing/1 values:wasm': ['evaluation failed: Resizing with data_format="channels_first" cannot be evaluated yet'],
  'Resizing/1 values:cpu': ['evaluation failed: Resizing with data_format="channels_first" cannot be evaluated yet'],
  'SpectralNormalization/0 values:wasm': [
    'evaluation failed: Weights in model.weights.h5 do not match the model: spectral_normalization: expected 3 weights (spectral_normalization/kernel, spectral_normalization/vector_u, spectral_normalization/bias), found 2',
  ],
  'SpectralNormalization/0 values:cpu': [
    'evaluation failed: Weights in model.weights.h5 do not match the model: spectral_normalization: expected 3 weights (spectral_normalization/kernel, spectral_normalization/vector_u, spectral_normalization/bias), found 2',
  ],
};

const backends: BackendName[] = ['wasm', 'cpu'];
const classes = allLayerCases();

/** The differences of one check that are not the known ones (a fixed difference is one too: its entry must go). */
function unexpected(check: string, cases: readonly LayerCase[], found: Map<string, string[]>): string[] {
  return cases.flatMap((c) => {
    const key = `${c.id} ${check}`;
    const differences = found.get(c.id) ?? [];
    const knownHere = knownDifferences[key] ?? [];
    const matches = (d: string, k: string | RegExp): boolean => (typeof k === 'string' ? d === k : k.test(d));
    if (differences.length === knownHere.length && differences.every((d, i) => matches(d, knownHere[i]!))) return [];
    if (differences.length === 0) return [`${key}: fixed, delete its entry in knownDifferences`];
    const where = `${c.class}(${Object.keys(c.kwargs).length > 0 ? JSON.stringify(c.kwargs) : ''}) on ${c.candidate}`;
    return [`${key} ${where}: ${differences.join('; ')}${knownHere.length > 0 ? ` (known: ${knownHere.map(String).join('; ')})` : ''}`];
  });
}

describe('layer classes against real Keras (reference-layers/, generate-layers.py)', function () {
  this.timeout(300_000);
  let analyzer: Analyzer;
  const analyses = new Map<string, OurCase>();
  const ours = (c: LayerCase): OurCase => {
    if (!analyses.has(c.id)) analyses.set(c.id, analyzeCase(analyzer, c));
    return analyses.get(c.id)!;
  };
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());

  it('every class of keras.layers has cases, or the reason it has none', () => {
    const index = layerIndex();
    assert.ok(index.classes.length > 100, `only ${index.classes.length} classes in the index`);
    for (const entry of index.classes) {
      if (entry.status === 'ok') assert.ok(entry.cases.length > 0, `${entry.class}: status ok without cases`);
      else assert.ok(entry.reason, `${entry.class}: ${entry.status} without a reason`);
    }
    assert.equal(
      index.classes.reduce((n, e) => n + e.aliases.length, 0),
      index.names,
      'every name of keras.layers belongs to one class',
    );
  });

  it('each case renders as the source Keras ran', () => {
    const differing = classes.flatMap(({ cases, rejected }) => [...cases, ...rejected].filter((c) => caseSource(c) !== c.source));
    assert.deepEqual(
      differing.map((c) => ({ id: c.id, ours: caseSource(c), keras: c.source })),
      [],
    );
  });

  describe("never wrong: a known shape or parameter count is Keras's, and no error or warning where Keras accepts", () => {
    for (const { entry, cases } of classes.filter((c) => c.cases.length > 0)) {
      it(`${entry.class} (${cases.length} cases)`, () => {
        const found = new Map(cases.map((c) => [c.id, wrongValues(c, ours(c))]));
        assert.deepEqual(unexpected('never-wrong', cases, found), []);
      });
    }
  });

  const modelled = classes.filter((c) => c.cases.length > 0 && isModelled(c.entry.class));

  describe('exact for the modelled classes: output shapes and parameter counts', () => {
    for (const { entry, cases } of modelled) {
      it(`${entry.class} (${cases.length} cases)`, () => {
        const found = new Map(cases.map((c) => [c.id, inexactValues(c, ours(c))]));
        assert.deepEqual(unexpected('shapes', cases, found), []);
      });
    }
  });

  for (const backend of backends) {
    describe(`exact for the modelled classes: values on the ${backend} backend (Keras's weights and input)`, () => {
      let evaluator: Evaluator;
      before(async () => {
        evaluator = await Evaluator.create(backend);
        assert.equal(evaluator.backend.name, backend, evaluator.backend.reason);
      });

      for (const { entry, cases } of modelled) {
        const withValues = cases.filter((c) => c.values);
        if (withValues.length === 0) continue;
        it(`${entry.class} (${withValues.length} cases)`, async () => {
          const found = new Map<string, string[]>();
          for (const c of withValues) {
            const difference = describeValues(await compareCaseValues(evaluator, c, ours(c)));
            found.set(c.id, difference === undefined ? [] : [difference]);
          }
          assert.deepEqual(unexpected(`values:${backend}`, withValues, found), []);
        });
      }
    });
  }
});
