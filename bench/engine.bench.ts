// `npm run bench` (engine part): per TensorFlow.js backend available here (native TensorFlow where tfjs-node's
// binding is built, on the conformance environment's TensorFlow as a user's would load; wasm; cpu), worker cold
// start, warm evaluation of every tensor of each seed example, the weights a file loads (a cached ImageNet file), and
// the 3-conv 224×224 and ResNet-50 forward passes (batch 1) with achieved GFLOP/s; then Python TensorFlow's own
// figure for the same two models (bench/tensorflow-reference.py, when the conformance environment exists), each of its
// runs right after a native one so that both meet the same load of this shared machine, and the ratios native/Python
// (the median of the pairs' ratios, with the middle half of them) and native/wasm.

import * as tf from '@tensorflow/tfjs';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diskSources } from '../src/analysis/modules/module-sources.js';
import { Analyzer } from '../src/analysis/analyze.js';
import { selectBackend } from '../src/engine/backend.js';
import { EngineClient } from '../src/engine/engine-client.js';
import { runGraph } from '../src/engine/evaluator.js';
import { registerKerasLayers } from '../src/engine/layers/index.js';
import { fuseConvolutions, fusedKernelName } from '../src/engine/native/fused-convolution.js';
import { registerOperationLayer } from '../src/engine/operation-layer.js';
import { buildRequest, planEvaluations } from '../src/engine/plan.js';
import { seedInitializers } from '../src/engine/seeds.js';
import type { ModelGraph } from '../src/graph/ir.js';
import { exportSubgraph } from '../src/graph/keras-json.js';
import { pythonEnvironments } from '../src/environment/python-environment.js';
import { findTensorFlowLibraries } from '../src/environment/tensorflow-libraries.js';
import type { BackendName } from '../src/protocol/engine.js';
import { nativeUnavailable } from '../test/unit/helpers/test-backends.js';
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
const available: BackendName[] = nativeUnavailable === undefined ? ['node', 'wasm', 'cpu'] : ['wasm', 'cpu'];
const backends = (process.env['BENCH_BACKENDS']?.split(',') as BackendName[] | undefined) ?? available;
const conformancePython = resolve('.venv-conformance/bin/python');
// The TensorFlow a user's worker would load: the conformance environment's, found as the server finds a user's.
const tensorflow = findTensorFlowLibraries(
  pythonEnvironments({ interpreters: [{ path: conformancePython, source: 'bench' }], env: {}, workspaceFolders: [], trusted: true }),
);
/** Forward milliseconds by backend, then by model title; the models' GFLOP. */
const forwardMs = new Map<string, Map<string, number>>();
const forwardGflop = new Map<string, number>();
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

/** Python TensorFlow's forward passes (tf.function, the TensorFlow backend of the pinned Keras), timed when asked. */
class PythonReference {
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.wake?.();
    });
  }

  /** Started with the bench's models; a string says why not. */
  static async start(runs: number): Promise<{ reference: PythonReference; version: string } | string> {
    if (!existsSync(conformancePython)) return 'no .venv-conformance';
    const child = spawn(conformancePython, ['bench/tensorflow-reference.py']);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    const reference = new PythonReference(child);
    child.stdin.write(`${JSON.stringify({ models: forwardModels, runs })}\n`);
    const ready = await reference.next().catch(() => undefined);
    if (!ready) return `bench/tensorflow-reference.py failed: ${errors.trim().split('\n').at(-1)}`;
    return { reference, version: (JSON.parse(ready) as { tensorflow: string }).tensorflow };
  }

  /** The median of its runs of the model, in milliseconds. */
  async time(title: string): Promise<number> {
    this.child.stdin.write(`${title}\n`);
    return (JSON.parse(await this.next()) as { milliseconds: number }).milliseconds;
  }

  stop(): void {
    this.child.stdin.end();
  }

  private async next(): Promise<string> {
    while (this.lines.length === 0) {
      if (this.child.exitCode !== null) throw new Error('tensorflow-reference.py exited');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
    return this.lines.shift()!;
  }
}

/** Native and Python forward passes timed in alternation, one each per pair. */
const pairs = 21;
const python = await PythonReference.start(1);
/** Python's medians and the ratios native/Python, one per round, by model title. */
const paired = new Map<string, { python: number[]; ratios: number[] }>();

out(`Evaluation engine: medians (node ${process.version}); backends: ${backends.join(', ')}`);
const seeds = ['examples/seed_method1_k_function.py', 'examples/seed_method2_predict.py', 'examples/seed_method3_subclassing.py'];
for (const backend of backends) {
  out(`\n== ${backend} ==`);
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const engine = new EngineClient({ backend, timeoutMs: 120_000, workerPath: 'dist/worker.js', tensorflow });
    const started = performance.now();
    await engine.backend();
    starts.push(performance.now() - started);
    engine.dispose();
  }
  out(`worker cold start: ${median(starts).toFixed(0)} ms`);

  const engine = new EngineClient({ backend, timeoutMs: 120_000, workerPath: 'dist/worker.js', tensorflow });
  out(`backend: ${(await engine.backend()).reason}`);
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
    // As the evaluator runs it: on native TensorFlow, each Conv2D chain (bias or BatchNormalization, ReLU) as one kernel.
    const fused = fuseConvolutions(keras);
    const input = tf.randomUniform([1, 224, 224, 3]);
    /** The median of `runs` forward passes, after one not timed. */
    const forward = async (runs: number, warmUp = true): Promise<number> => {
      const times: number[] = [];
      for (let run = warmUp ? 0 : 1; run <= runs; run++) {
        const started = performance.now();
        const [output] = runGraph(keras, [input]);
        await output!.data();
        output!.dispose();
        if (run > 0) times.push(performance.now() - started);
      }
      return median(times);
    };
    let ms: number;
    if (backend === 'node' && typeof python !== 'string') {
      // Pairs of one native run and one of Python's, so that both meet the same load of the machine within a fraction
      // of a second; a pause before each: TensorFlow's worker threads spin a while after their work, in both processes.
      const natives: number[] = [];
      const pair = { python: [] as number[], ratios: [] as number[] };
      const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));
      await forward(2);
      for (let round = 0; round < pairs; round++) {
        await settle();
        const native = await forward(1, false);
        await settle();
        const reference = await python.reference.time(title);
        natives.push(native);
        pair.python.push(reference);
        pair.ratios.push(reference / native);
      }
      paired.set(title, pair);
      ms = median(natives);
    } else ms = await forward(backend === 'cpu' ? 2 : 5);
    const flops = forwardFlops(graph);
    forwardGflop.set(title, flops / 1e9);
    forwardMs.set(backend, (forwardMs.get(backend) ?? new Map<string, number>()).set(title, ms));
    out(
      `${title} forward (${(flops / 1e9).toFixed(2)} GFLOP, ${model.params?.toLocaleString('en-US')} params${fused > 0 ? `, ${fused} fused convolutions on ${fusedKernelName()}` : ''}): ${ms.toFixed(0)} ms, ${(flops / 1e9 / (ms / 1000)).toFixed(1)} GFLOP/s`,
    );
    input.dispose();
    keras.dispose();
  }
}
analyzer.dispose();

out('\n== Python TensorFlow (reference) ==');
if (typeof python === 'string') out(`NOT RUN: ${python}`);
// Without native runs to pair with, Python's own figure alone.
if (typeof python !== 'string')
  for (const [title] of forwardModels)
    if (!paired.has(title)) {
      const times: number[] = [];
      for (let run = 0; run < 5; run++) times.push(await python.reference.time(title));
      paired.set(title, { python: times, ratios: [] });
    }
const rate = (title: string, ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : forwardGflop.get(title)! / (ms / 1000);
const fixed = (value: number | undefined, digits = 1): string => (value === undefined ? '—' : value.toFixed(digits));
for (const [title] of forwardModels) {
  const native = forwardMs.get('node')?.get(title);
  const wasm = forwardMs.get('wasm')?.get(title);
  const pair = paired.get(title);
  const reference = pair && median(pair.python);
  if (reference !== undefined && typeof python !== 'string') {
    const rounds = pair!.ratios.length > 0 ? ` (median of ${pair!.python.length} runs, each after a native one)` : '';
    out(
      `${title} forward, TensorFlow ${python.version} tf.function: ${reference.toFixed(0)} ms, ${fixed(rate(title, reference))} GFLOP/s${rounds}`,
    );
  }
  const ratios = pair?.ratios ?? [];
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (q: number): string => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2);
  const nativeRatio =
    ratios.length > 0 ? `${median(ratios).toFixed(2)}× (middle half of ${ratios.length} pairs ${quartile(0.25)}–${quartile(0.75)}×)` : '—';
  out(`${title}: native/Python ${nativeRatio} · native/wasm ${native && wasm ? (wasm / native).toFixed(2) : '—'}× (GFLOP/s ratios)`);
}
if (typeof python !== 'string') python.reference.stop();
