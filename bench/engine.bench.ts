// `npm run bench` (engine part): per TensorFlow.js backend available here,
// worker cold start, warm evaluation of every tensor of each seed example, and
// the weights a file loads (a cached ImageNet file), and a ResNet-50-shaped forward pass (224×224×3, batch 1) with
// achieved GFLOP/s.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diskSources } from '../src/analysis/modules/module-sources.js';
import { Analyzer } from '../src/analysis/analyze.js';
import { selectBackend } from '../src/engine/backend.js';
import { EngineClient } from '../src/engine/engine-client.js';
import { registerKerasLayers } from '../src/engine/layers/index.js';
import { registerOperationLayer } from '../src/engine/operation-layer.js';
import { buildRequest, planEvaluations } from '../src/engine/plan.js';
import { seedInitializers } from '../src/engine/seeds.js';
import type { ModelGraph } from '../src/graph/ir.js';
import { exportSubgraph } from '../src/graph/keras-json.js';
import type { BackendName } from '../src/protocol/engine.js';
import { resnet50Source } from './resnet50-source.js';

/** The reference measurement's shape (three 3×3 convolutions at 224×224), then ResNet-50. */
const forwardModels: [string, string, string][] = [
  [
    '3-conv 224×224',
    `import keras\nfrom keras import layers\nx = keras.Input((224, 224, 3))\ny = layers.Conv2D(64, 3, padding="same")(x)\ny = layers.Conv2D(64, 3, padding="same")(y)\ny = layers.Conv2D(64, 3, padding="same")(y)\nthree_conv = keras.Model(x, y, name="three_conv")`,
    'three_conv',
  ],
  ['ResNet-50', resnet50Source, 'resnet50'],
];
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const backends = (process.env['BENCH_BACKENDS'] ?? 'wasm,cpu').split(',') as BackendName[];
const analyzer = await Analyzer.create();
// The bundled worker, as users run it (npm run bench builds it first).
const out = (line: string): boolean => process.stdout.write(`${line}\n`);

/** Multiply-adds ×2 of the convolutions and dense layers, from the static shapes. */
function forwardFlops(graph: ModelGraph): number {
  let flops = 0;
  for (const call of graph.calls) {
    const layer = graph.layers[call.layer]!;
    const output = graph.tensors[call.outputs[0]!]!.shape.map((d) => (typeof d === 'number' ? d : 1));
    const input = graph.tensors[call.inputs[0] ?? call.outputs[0]!]!.shape.map((d) => (typeof d === 'number' ? d : 1));
    const outputSize = output.reduce((a, b) => a * b, 1);
    if (layer.className === 'Conv2D') {
      const [kh, kw] = layer.config['kernel_size'] as number[];
      flops += 2 * kh! * kw! * input.at(-1)! * outputSize;
    } else if (layer.className === 'Dense') flops += 2 * input.at(-1)! * outputSize;
  }
  return flops;
}

/**
 * The weights a file loads: a MobileNet whose ImageNet-layout file is in Keras's cache (the conformance fixture's),
 * its output evaluated first (the worker reads the file), then with a new seed each time (the file kept read), and
 * with the initializers instead (no file) for the ratio.
 */
async function loadedWeights(engine: EngineClient): Promise<void> {
  const reference = 'test/conformance/reference/imagenet_from_cache';
  const home = process.env['KERAS_HOME'];
  process.env['KERAS_HOME'] = join(reference, 'keras_home');
  const graph = await analyzer.analyzeFully(readFileSync('test/conformance/models/imagenet_from_cache.py', 'utf8'), undefined, {
    file: resolve(reference, 'model.py'),
    searchRoots: [],
    sources: diskSources(),
  });
  if (home === undefined) delete process.env['KERAS_HOME'];
  else process.env['KERAS_HOME'] = home;
  const output = graph.layers[graph.models.at(-1)!]!.model!.outputs[0]!;
  const evaluate = async (seed: number, weights: 'code' | 'initializers'): Promise<number> => {
    const request = buildRequest(graph, [output], [], {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'initializers' },
      seed,
      memoryBudgetBytes: 2 * 1024 ** 3,
      ...(weights === 'initializers' && { codeWeightsRefused: 'measured without the file' }),
    });
    const started = performance.now();
    await engine.evaluate(request);
    return performance.now() - started;
  };
  const first = await evaluate(100, 'code');
  const kept = median(await sequential(5, (i) => evaluate(101 + i, 'code')));
  const initial = median(await sequential(5, (i) => evaluate(201 + i, 'initializers')));
  out(
    `MobileNet 0.25 with its cached ImageNet file (1.1 MB): first evaluation ${first.toFixed(0)} ms, then ${kept.toFixed(1)} ms (file kept read; ${(kept / initial).toFixed(2)}× the ${initial.toFixed(1)} ms with initializers)`,
  );
}

async function sequential(count: number, run: (i: number) => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await run(i));
  return times;
}

out(`Evaluation engine: medians (node ${process.version}); backends: ${backends.join(', ')}`);
const seeds = ['examples/seed_method1_k_function.py', 'examples/seed_method2_predict.py', 'examples/seed_method3_subclassing.py'];
for (const backend of backends) {
  out(`\n== ${backend} ==`);
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const engine = new EngineClient({ backend, timeoutMs: 120_000, workerPath: 'dist/worker.js' });
    const started = performance.now();
    await engine.backend();
    starts.push(performance.now() - started);
    engine.dispose();
  }
  out(`worker cold start: ${median(starts).toFixed(0)} ms`);

  const engine = new EngineClient({ backend, timeoutMs: 120_000, workerPath: 'dist/worker.js' });
  for (const file of seeds) {
    const graph = analyzer.analyze(readFileSync(file, 'utf8'));
    const times: number[] = [];
    let tensors = 0;
    for (let run = 0; run < 5; run++) {
      // A new seed each run, so nothing comes from the cache.
      const plan = planEvaluations(graph, graph.bindings, {
        input: { source: { kind: 'uniform' }, batchSize: 1 },
        weights: { kind: 'initializers' },
        seed: run + 1,
        memoryBudgetBytes: 2 * 1024 ** 3,
      });
      const started = performance.now();
      for (const planned of plan.requests) await engine.evaluate(planned.request);
      times.push(performance.now() - started);
      tensors = plan.requests.reduce((n, p) => n + p.bindings.length, 0);
    }
    out(`warm evaluation of every tensor of ${file} (${tensors} tensors): ${median(times).toFixed(1)} ms`);
  }
  await loadedWeights(engine);
  engine.dispose();

  await selectBackend(backend);
  registerKerasLayers();
  registerOperationLayer();
  for (const [title, source, name] of forwardModels) {
    const graph = analyzer.analyze(source);
    const model = graph.models.map((id) => graph.layers[id]!).find((l) => l.name === name)!;
    const exported = exportSubgraph(graph, model.model!.outputs);
    const keras = await tf.models.modelFromJSON({ modelTopology: seedInitializers(exported.topology, 0) } as unknown as tf.io.ModelJSON);
    const input = tf.randomUniform([1, 224, 224, 3]);
    const runs = backend === 'cpu' ? 2 : 5;
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      const output = keras.predict(input) as tf.Tensor;
      await output.data();
      output.dispose();
      if (run > 0) times.push(performance.now() - started);
    }
    const flops = forwardFlops(graph);
    const ms = median(times);
    out(
      `${title} forward (${(flops / 1e9).toFixed(2)} GFLOP, ${model.params?.toLocaleString('en-US')} params): ${ms.toFixed(0)} ms, ${(flops / 1e9 / (ms / 1000)).toFixed(1)} GFLOP/s`,
    );
    input.dispose();
    keras.dispose();
  }
}
analyzer.dispose();
