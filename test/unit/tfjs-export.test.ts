// TensorFlow.js as a second referee: every layer case, analysed statically,
// exported as a Keras functional JSON and loaded by tf.models.modelFromJSON,
// must run in TensorFlow.js and give the same output shapes and parameter counts.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { registerKerasLayers } from '../../src/engine/layers/index.js';
import { registerOperationLayer } from '../../src/engine/operation-layer.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import { analyze, bindingsOf } from './helpers/analysis.js';
import { layerCases } from './layer-table.js';

const format = (dims: readonly (number | null)[]): string => `(${dims.map((d) => d ?? 'None').join(', ')}${dims.length === 1 ? ',' : ''})`;

function source(layer: string, inputs: readonly (readonly (number | null)[])[], dtype = 'float32'): string {
  const lines = ['import keras', 'from keras.layers import *'];
  inputs.forEach((shape, i) => lines.push(`x${i} = keras.Input(${format(shape)}, dtype="${dtype}")`));
  const argument = inputs.length > 1 ? `[${inputs.map((_, i) => `x${i}`).join(', ')}]` : 'x0';
  lines.push(`y = ${layer}(${argument})`);
  return lines.join('\n');
}

const registered = (className: string): boolean => className in tf.serialization.SerializationMap.getMap().classNameMap;

/** Cases the engine does not run, each with why. */
const tfjsLacks: ReadonlyMap<string, string> = new Map([
  ['Resizing(7, 8)', 'Keras declares this shape for a rank-5 input, but running it fails in Keras too'],
]);
/**
 * LoRA's factors are not in the engine's model: Keras saves the kernel with A·B merged in, which the engine loads
 * as the plain kernel. Its parameter count is the layer's without them.
 */
const withoutLora: ReadonlyMap<string, number> = new Map([
  ['Dense(16, lora_rank=2)', 8 * 16 + 16],
  ['Embedding(100, 8, lora_rank=4)', 100 * 8],
  ['Conv2D(4, 3, lora_rank=2)', 3 * 3 * 3 * 4 + 4],
]);
const batch = 2;

describe('TensorFlow.js loads the exported sub-models with the same shapes and parameter counts', () => {
  before(async () => {
    await tf.setBackend('cpu');
    registerKerasLayers();
    registerOperationLayer();
  });

  for (const c of layerCases) {
    const className = c.layer.match(/^(\w+)\(/)![1]!;
    const lacking = tfjsLacks.get(c.layer);
    it(`${c.layer}${lacking ? ` (pending: ${lacking})` : ''}`, async function () {
      if (!registered(className) || lacking) this.skip();
      const a = await analyze(source(c.layer, c.inputs, c.dtype));
      const call = a.calls.filter((k) => a.layers[k.layer]!.className !== 'InputLayer').at(-1)!;
      const exported = exportSubgraph(a, call.outputs);
      const model = await tf.models.modelFromJSON({ modelTopology: exported.topology } as never);
      const feeds = c.inputs.map((shape) => tf.ones([batch, ...(shape as number[])], c.dtype === 'int32' ? 'int32' : 'float32'));
      try {
        const predicted = model.predict(feeds.length === 1 ? feeds[0]! : feeds);
        const outputs = Array.isArray(predicted) ? predicted : [predicted];
        const ours = call.outputs.map((t) => (a.tensors[t]!.shape as (number | null)[]).map((d) => d ?? batch));
        assert.deepEqual(
          outputs.map((o) => o.shape),
          ours,
        );
        assert.equal(model.countParams(), withoutLora.get(c.layer) ?? a.layers[call.layer]!.params);
        tf.dispose(outputs);
      } finally {
        tf.dispose(feeds);
        model.dispose();
      }
    });
  }

  it('exports shared layers once, with one inbound node per call, and feeds eager inputs through input layers', async () => {
    const a = await analyze(`import keras
import numpy as np
from keras import layers
shared = layers.Dense(3, name="shared")
a = keras.Input((4,))
b = keras.Input((4,))
s = layers.Add()([shared(a), shared(b)])
data = np.random.rand(2, 4)
eager = shared(data)`);
    const s = bindingsOf(a, 's')[0]!.value;
    assert.equal(s.kind, 'tensor');
    const exported = exportSubgraph(a, [s.kind === 'tensor' ? s.tensor : -1]);
    const layers = (exported.topology.config['layers'] as { name: string; inbound_nodes: unknown[] }[]).map(
      (l) => `${l.name}:${l.inbound_nodes.length}`,
    );
    assert.deepEqual(layers, ['input_layer:0', 'input_layer_1:0', 'shared:2', 'add:1']);
    const model = await tf.models.modelFromJSON({ modelTopology: exported.topology } as never);
    assert.equal(model.countParams(), 4 * 3 + 3);
    model.dispose();

    const e = bindingsOf(a, 'eager')[0]!.value;
    const eagerExport = exportSubgraph(a, [e.kind === 'tensor' ? e.tensor : -1]);
    const input = (eagerExport.topology.config['layers'] as { class_name: string; config: { batch_input_shape: unknown } }[])[0]!;
    assert.deepEqual([input.class_name, input.config.batch_input_shape], ['InputLayer', [2, 4]]);
  });
});
