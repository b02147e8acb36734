// `npm run conformance:report`: what is verified against real Keras, per layer
// class: output shapes, parameter counts (layer table and fixture models) and
// values (classes inside a model whose outputs match Keras's), as a Markdown table.

import { Analyzer } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { layerCases } from '../unit/layer-table.js';
import { analyzeReference, compareOutputs, comparableRows, layerTableReference, references } from './reference.js';

interface Tally {
  shapes: number;
  params: number;
  values: number;
  failures: number;
}

const tallies = new Map<string, Tally>();
const tally = (className: string): Tally => {
  if (!tallies.has(className)) tallies.set(className, { shapes: 0, params: 0, values: 0, failures: 0 });
  return tallies.get(className)!;
};

layerTableReference().forEach((keras, i) => {
  const ours = layerCases[i];
  const t = tally(keras.layer.match(/^(\w+)\(/)![1]!);
  if (ours && JSON.stringify(ours.output) === JSON.stringify(keras.output)) t.shapes++;
  else t.failures++;
  if (ours?.params === keras.params) t.params++;
  else t.failures++;
});

const analyzer = await Analyzer.create();
const evaluator = await Evaluator.create('wasm');
let models = 0;
let valueModels = 0;
for (const reference of references()) {
  const graph = analyzeReference(analyzer, reference);
  reference.models.forEach((model, index) => {
    models++;
    const rows = comparableRows(graph, reference, index);
    model.layers.forEach((layer, i) => {
      const t = tally(layer.class);
      const ours = rows?.ours[i];
      if (layer.outputShape !== null && JSON.stringify(ours?.outputShape) === JSON.stringify(layer.outputShape)) t.shapes++;
      else if (layer.outputShape !== null) t.failures++;
      if (ours?.params === layer.params) t.params++;
      else t.failures++;
    });
  });
  if (!reference.evaluated) continue;
  const comparisons = await compareOutputs(evaluator, graph, reference);
  const matched = comparisons.every((c) => !c.mismatch && JSON.stringify(c.shape.ours) === JSON.stringify(c.shape.keras));
  valueModels += matched ? 1 : 0;
  const model = reference.models.find((m) => m.name === reference.evaluated!.model)!;
  for (const className of new Set(model.layers.map((l) => l.class))) {
    if (matched) tally(className).values++;
    else tally(className).failures++;
  }
}
analyzer.dispose();

const rows = [...tallies].sort(([a], [b]) => a.localeCompare(b));
const lines = [
  '| layer class | shapes verified | params verified | in models with verified values | differences |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map(([name, t]) => `| ${name} | ${t.shapes} | ${t.params} | ${t.values} | ${t.failures} |`),
];
const total = rows.reduce(
  (sum, [, t]) => ({ shapes: sum.shapes + t.shapes, params: sum.params + t.params, failures: sum.failures + t.failures }),
  {
    shapes: 0,
    params: 0,
    failures: 0,
  },
);
process.stdout.write(`${lines.join('\n')}\n\n`);
process.stdout.write(
  `${rows.length} layer classes; ${total.shapes} output shapes and ${total.params} parameter counts verified against Keras ` +
    `(${layerCases.length} layer-table cases, ${models} models in ${references().length} files); ` +
    `values verified for ${valueModels} of ${references().filter((r) => r.evaluated).length} evaluated models (rtol 1e-4, atol 1e-5, wasm backend); ` +
    `${total.failures} differences.\n`,
);
process.exit(total.failures > 0 ? 1 : 0);
