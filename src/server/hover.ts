// Hover: what the variable (or layer call) under the cursor holds — its shape,
// dtype, the layer that made it with its key arguments and parameter count —
// and, from the engine, its values on sample input. Shapes answer at once;
// values wait at most the budget, after which the hover says they are coming.

import type { Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Binding, LayerNode, ModelGraph, SourceRange } from '../graph/ir.js';
import { madeIn } from '../graph/report.js';
import { dependsOnTrace, formatDim, formatShape, isSymbolic } from '../graph/shape.js';
import { histogramLine, statsLine } from '../engine/summary-text.js';
import { clientCommands } from '../protocol/lsp.js';
import { keyConfig, layerOf, nonTrainableNote, typeLine } from './describe-tensor.js';
import type { EvaluationOutcome } from './evaluations.js';
import { lineText } from './line-text.js';
import { bindingsAt, contains, isTensorBinding } from './tensor-items.js';

export interface HoverValues {
  /** The document and position of a position of the analysed document (a notebook's cell, for a notebook). */
  readonly place: (position: Position) => { readonly uri: string; readonly position: Position };
  readonly mode: 'auto' | 'onDemand' | 'off';
  readonly budgetMs: number;
  /** Whether the client follows `command:` links (the VS Code client does; other editors do not). */
  readonly links: boolean;
  /** Starts (or joins) the evaluation of a binding. */
  readonly evaluate: (binding: Binding) => Promise<EvaluationOutcome>;
  /** A result already known, without starting anything. */
  readonly peek: (binding: Binding) => Promise<EvaluationOutcome | undefined>;
}

/** A hover lists at most this many bindings of one variable, each with its values. */
const maxBindings = 4;

export async function hover(graph: ModelGraph, document: TextDocument, position: Position, values: HoverValues): Promise<Hover | null> {
  const bindings = bindingsAt(graph, document, position);
  if (bindings.length > 0) return bindingHover(graph, bindings, values, wordRange(document, position) ?? bindings[0]!.range);
  const call = graph.calls.find(
    (c) => c.parent === undefined && c.module === undefined && contains(c.range, position) && !graph.layers[c.layer]!.operation,
  );
  if (!call || call.outputs.length === 0) return null;
  const layer = graph.layers[call.layer]!;
  const shapes = call.outputs.map((t) => formatShape(graph.tensors[t]!.shape)).join(', ');
  return markdown([`\`${layer.name}\`: ${layer.className} → ${shapes}`, layerLine(layer)], call.range);
}

async function bindingHover(graph: ModelGraph, bindings: Binding[], values: HoverValues, range: SourceRange): Promise<Hover> {
  // One variable can be bound several times (a loop, a helper called at several sites): each distinct value once.
  const seen = new Set<string>();
  const distinct = bindings.filter((b) => {
    const key = JSON.stringify(b.value);
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  const shown = distinct.slice(0, maxBindings);
  const valueSections = await valuesOf(shown.filter(isTensorBinding), values);
  const lines: string[] = [];
  shown.forEach((binding, i) => {
    if (distinct.length > 1) lines.push(`**binding ${i + 1} of ${distinct.length}**`);
    const type = typeLine(graph, binding);
    if (type) lines.push(`\`${binding.name}: ${type}\``);
    else if (binding.value.kind === 'unknown') lines.push(`\`${binding.name}\`: not known statically — ${binding.value.reason}`);
    const layer = layerOf(graph, binding);
    if (layer) lines.push(layerLine(layer));
    const made = binding.value.kind === 'tensor' ? madeIn(graph, binding.value.tensor) : undefined;
    if (made) lines.push(`made in \`${made.module}\`, line ${made.line}`);
    const pins = pinnableExpressions(graph, binding);
    if (pins.length > 0) lines.push(pinLine(pins, binding, values));
    const section = valueSections.get(binding);
    if (section) lines.push(...section);
  });
  if (distinct.length > shown.length) lines.push(`_…and ${distinct.length - shown.length} more bindings_`);
  return markdown(lines, range);
}

/** The values part of each binding's hover, waiting for all of them together at most the budget. */
async function valuesOf(bindings: Binding[], values: HoverValues): Promise<Map<Binding, string[]>> {
  const sections = new Map<Binding, string[]>();
  if (values.mode === 'off') return sections;
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), values.budgetMs)));
  await Promise.all(
    bindings.map(async (binding) => {
      const link = values.links ? commandLink(values, binding) : undefined;
      if (values.mode === 'onDemand') {
        const known = await values.peek(binding);
        const ask = link ? `[Evaluate values](${link})` : '_Values are computed on demand: evaluate this tensor to see them._';
        sections.set(binding, known ? outcomeLines(known, link) : [ask]);
        return;
      }
      const outcome = await Promise.race([values.evaluate(binding), budget]);
      const orPanel = link ? `, or [open in the panel](${link})` : '';
      sections.set(binding, outcome ? outcomeLines(outcome, link) : [`_Values are being computed; hover again in a moment${orPanel}._`]);
    }),
  );
  clearTimeout(timer);
  return sections;
}

function outcomeLines(outcome: EvaluationOutcome, link: string | undefined): string[] {
  const { result, output, error } = outcome;
  const summary = result?.outputs[output ?? 0];
  if (!result || !summary) return [`_${error ?? 'No values.'}_`];
  return [
    '---',
    `\`${statsLine(summary)}\``,
    `\`${histogramLine(summary)}\``,
    '```python\n' + firstLines(summary.text) + '\n```',
    `input: ${result.inputDescription} · weights: ${result.weightsDescription} · ${result.backend.label}, ${result.cached ? 'cached' : `${Math.round(result.milliseconds)} ms`}`,
    ...(link ? [`[Open in panel](${link})`] : []),
  ];
}

/** A hover stays short: the beginning of the values, the rest in the panel. */
const maxValueLines = 12;

function firstLines(text: string): string {
  const lines = text.split('\n');
  return lines.length <= maxValueLines
    ? text
    : `${lines.slice(0, maxValueLines).join('\n')}\n# … ${lines.length - maxValueLines} more lines in the panel`;
}

/**
 * The expressions of data whose values the binding depends on and the analysis cannot know (`x_train.shape`,
 * `len(class_names)`): a directive pins them.
 */
function pinnableExpressions(graph: ModelGraph, binding: Binding): string[] {
  const value = binding.value;
  const texts =
    value.kind === 'tensor'
      ? graph.tensors[value.tensor]!.shape.filter((d) => isSymbolic(d) && !dependsOnTrace(d)).map(formatDim)
      : value.kind === 'unknown'
        ? [value.reason]
        : [];
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\b([A-Za-z_][\w.]*)\.shape\b/g)) found.add(`${match[1]}.shape`);
    for (const match of text.matchAll(/\blen\(([A-Za-z_][\w.]*)\)/g)) found.add(`len(${match[1]})`);
  }
  return [...found];
}

function pinLine(expressions: string[], binding: Binding, values: HoverValues): string {
  if (!values.links) {
    const examples = expressions.map((e) => `\`# tensor-lens: ${e} = ${e.endsWith('.shape') ? '(None, …)' : '…'}\``).join(', ');
    return `_Sizes from data: tell them to Tensor Lens with a comment,_ ${examples}`;
  }
  const links = expressions.map((expression) => {
    const { uri, position } = values.place(binding.range.start);
    const args = encodeURIComponent(JSON.stringify([uri, position.line, expression]));
    return `[Pin \`${expression}\`…](command:${clientCommands.pinValue}?${args})`;
  });
  return `_Sizes from data:_ ${links.join(' · ')}`;
}

function commandLink(values: HoverValues, binding: Binding): string {
  const { uri, position } = values.place(binding.range.start);
  return `command:${clientCommands.showTensor}?${encodeURIComponent(JSON.stringify([uri, position]))}`;
}

function layerLine(layer: LayerNode): string {
  const params =
    layer.params !== null
      ? `${layer.params.toLocaleString('en-US')} params${nonTrainableNote(layer)}`
      : layer.paramsFormula !== undefined
        ? `${layer.paramsFormula} params (sizes known only at run time)`
        : 'params not known statically';
  const config = keyConfig(layer);
  return `${layer.className} '${layer.name}' · ${params}${config ? `\n\n${config}` : ''}`;
}

/** The identifier under the position, which the hover highlights. */
function wordRange(document: TextDocument, position: Position): SourceRange | undefined {
  const line = lineText(document, position.line);
  const before = line.slice(0, position.character).match(/\w*$/)![0].length;
  const after = line.slice(position.character).match(/^\w*/)![0].length;
  if (before + after === 0) return undefined;
  return {
    start: { line: position.line, character: position.character - before },
    end: { line: position.line, character: position.character + after },
  };
}

function markdown(lines: string[], range: SourceRange): Hover {
  return { contents: { kind: 'markdown', value: lines.join('\n\n') }, range };
}
