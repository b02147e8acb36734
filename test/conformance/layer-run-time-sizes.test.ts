// Sizes from data through every layer rule, checked against what Keras recorded
// (test/conformance/reference-layers/): each accepted case is written again with
// one of its sizes coming from data, once per axis of its first input
// (`keras.Input(shape=(data.shape[1], 8))`) and once per integer argument
// (`units=len(names)`). Whatever Tensor Lens gives must be Keras's value once the
// size is put back: a shape that names the size must compute Keras's shape, a
// number must be Keras's number, a parameter formula must count Keras's
// parameters; unknown (with its reason) is allowed, an error or warning is not.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { formatShape, isSymbolic, type Shape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { allLayerCases, hasLayerReferences, isModelled, type CaseValue, type LayerCase, pythonLiteral } from './layer-cases.js';

const header = 'import keras\nimport pandas as pd\ndata = pd.read_csv("train.csv")\nnames = open("names.txt").read().split()\n';

interface Variant {
  readonly id: string;
  readonly source: string;
  /** The size from data, and the number Keras had there. */
  readonly symbol: string;
  readonly value: number;
}

function input(shape: readonly (number | string)[], dtype: string): string {
  const dims = shape.map((d) => (typeof d === 'string' ? d : String(d)));
  return `keras.Input(shape=(${dims.join(', ')}${dims.length === 1 ? ',' : ''})${dtype === 'float32' ? '' : `, dtype=${JSON.stringify(dtype)}`})`;
}

function source(c: LayerCase, inputs: readonly (readonly (number | string)[])[], kwargs: string): string {
  const layer = `keras.layers.${c.class}(${kwargs})`;
  const names = c.inputs.map((_, i) => `input_${i}`);
  const made = c.inputs.map((spec, i) => `${names[i]} = ${input(inputs[i]!, spec.dtype)}`);
  const args = c.call === 'single' ? names[0]! : c.call === 'list' ? `[${names.join(', ')}]` : names.join(', ');
  return `${header}${made.join('\n')}\noutputs = ${layer}(${args})\nmodel = keras.Model([${names.join(', ')}], outputs)\n`;
}

function kwargsSource(kwargs: { readonly [key: string]: CaseValue }, replaced?: string, by?: string): string {
  return Object.entries(kwargs)
    .map(([k, v]) => `${k}=${k === replaced ? by! : pythonLiteral(v)}`)
    .join(', ');
}

function variants(c: LayerCase): Variant[] {
  const shapes = c.inputs.map((i) => i.shape.slice(1));
  const out: Variant[] = [];
  shapes[0]!.forEach((value, axis) => {
    const symbol = `data.shape[${axis + 1}]`;
    const inputs = shapes.map((s, i) => (i === 0 ? s.map((d, j) => (j === axis ? symbol : d)) : s));
    out.push({ id: `${c.id} input axis ${axis + 1}`, source: source(c, inputs, kwargsSource(c.kwargs)), symbol, value });
  });
  for (const [key, value] of Object.entries(c.kwargs)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) continue;
    out.push({ id: `${c.id} ${key}`, source: source(c, shapes, kwargsSource(c.kwargs, key, 'len(names)')), symbol: 'len(names)', value });
  }
  return out;
}

/** The number a size names once the size from data is put back: `8*data.shape[1]`, `len(names) + 10`, `n^2`. */
function evaluateSize(text: string, symbol: string, value: number): number | undefined {
  const tokens =
    text
      .split(symbol)
      .join(` ${value} `)
      .match(/\d+|\/\/|[-+*^()]|\S+/g) ?? [];
  let at = 0;
  const primary = (): number | undefined => {
    const token = tokens[at++];
    if (token === '(') {
      const inner = sum();
      return tokens[at++] === ')' ? inner : undefined;
    }
    return token !== undefined && /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const power = (): number | undefined => {
    const base = primary();
    if (tokens[at] !== '^' || base === undefined) return base;
    at++;
    const exponent = power();
    return exponent === undefined ? undefined : base ** exponent;
  };
  const product = (): number | undefined => {
    let left = power();
    while (left !== undefined && (tokens[at] === '*' || tokens[at] === '//')) {
      const operator = tokens[at++];
      const right = power();
      if (right === undefined) return undefined;
      left = operator === '*' ? left * right : Math.floor(left / right);
    }
    return left;
  };
  const sum = (): number | undefined => {
    let left = product();
    while (left !== undefined && (tokens[at] === '+' || tokens[at] === '-')) {
      const operator = tokens[at++];
      const right = product();
      if (right === undefined) return undefined;
      left = operator === '+' ? left + right : left - right;
    }
    return left;
  };
  const result = sum();
  return at === tokens.length ? result : undefined;
}

interface Outcome {
  readonly wrong: string[];
  /** Sizes kept by name, and sizes that became None where Keras has a number. */
  readonly named: number;
  readonly lost: number;
  readonly unknown: boolean;
}

function check(analyzer: Analyzer, c: LayerCase, v: Variant): Outcome {
  const graph = analyzer.analyze(v.source);
  const wrong = graph.diagnostics.filter((d) => d.severity !== 'information').map((d) => `${d.severity}: ${d.message}`);
  const model = graph.models.length > 0 ? graph.layers[graph.models.at(-1)!]!.model : undefined;
  const tensors = model?.outputs.map((t) => graph.tensors[t]!) ?? [];
  const keras = c.outputs!.map((o) => o.shape);
  let named = 0;
  let lost = 0;
  const known = tensors.length > 0 && tensors.every((t) => t.unknown === undefined);
  if (known) {
    if (tensors.length !== keras.length) wrong.push(`${tensors.length} outputs where Keras has ${keras.length}`);
    tensors.forEach((t, i) => {
      const k = keras[i] ?? [];
      const shape: Shape = t.shape;
      if (shape.length !== k.length) {
        wrong.push(`output ${i}: ${formatShape(shape)} where Keras has rank ${k.length}`);
        return;
      }
      shape.forEach((d, j) => {
        const expected = k[j] ?? null;
        if (d === null) {
          if (expected !== null) lost++;
        } else if (isSymbolic(d)) {
          const size = evaluateSize(d.symbol, v.symbol, v.value);
          if (size === undefined) lost++;
          else if (size !== expected) wrong.push(`output ${i}: ${formatShape(shape)} is ${size} on axis ${j} where Keras has ${expected}`);
          else named++;
        } else if (d !== expected) wrong.push(`output ${i}: ${formatShape(shape)} where Keras has ${JSON.stringify(k)}`);
      });
    });
  }
  const row = model
    ? summarizeModel(graph, graph.models.at(-1)!)
        .rows.filter((r) => r.className === c.class)
        .at(-1)
    : undefined;
  if (row?.params !== null && row?.params !== undefined && row.params !== c.params) {
    wrong.push(`${row.params} params where Keras has ${c.params}`);
  }
  if (row?.paramsFormula !== undefined) {
    const count = evaluateSize(row.paramsFormula.replaceAll(' × ', '*'), v.symbol, v.value);
    if (count !== c.params) wrong.push(`params ${row.paramsFormula} = ${count} where Keras has ${c.params}`);
  }
  return { wrong, named, lost, unknown: !known };
}

describe('sizes from data through every layer rule, against Keras', function () {
  this.timeout(300_000);

  it('no wrong shape, count or diagnostic: each is Keras’s once the size is put back, or unknown', async function () {
    if (!hasLayerReferences()) {
      process.stdout.write('      NOT RUN: no test/conformance/reference-layers (run generate-layers.py)\n');
      this.skip();
    }
    const analyzer = await Analyzer.create();
    const cases = allLayerCases()
      .filter(({ entry }) => isModelled(entry.class))
      .flatMap(({ cases }) => cases.filter((c) => c.outputs !== undefined && c.params !== undefined));
    const wrong: string[] = [];
    let checked = 0;
    let named = 0;
    let lost = 0;
    let unknown = 0;
    const lostByClass = new Map<string, number>();
    const unknownByClass = new Map<string, number>();
    for (const c of cases) {
      for (const v of variants(c)) {
        const outcome = check(analyzer, c, v);
        checked++;
        named += outcome.named;
        lost += outcome.lost;
        if (outcome.lost > 0) lostByClass.set(c.class, (lostByClass.get(c.class) ?? 0) + outcome.lost);
        if (outcome.unknown) {
          unknown++;
          unknownByClass.set(c.class, (unknownByClass.get(c.class) ?? 0) + 1);
        }
        wrong.push(...outcome.wrong.map((w) => `${v.id}: ${w}`));
      }
    }
    analyzer.dispose();
    process.stdout.write(
      `      ${checked} variants of ${cases.length} Keras cases: ${checked - unknown} with known outputs (${named} sizes kept by name, ${lost} None where Keras has a size), ${unknown} unknown with a reason; ${wrong.length} wrong\n`,
    );
    const mostLost = [...lostByClass].sort((a, b) => b[1] - a[1]).slice(0, 12);
    process.stdout.write(`      None where Keras has a size, by class: ${mostLost.map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    const mostUnknown = [...unknownByClass].sort((a, b) => b[1] - a[1]).slice(0, 12);
    process.stdout.write(`      unknown, by class: ${mostUnknown.map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    assert.deepEqual(wrong.slice(0, 40), []);
  });
});
