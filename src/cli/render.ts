// Text renderings of a report for a terminal: Keras-style summary tables and
// the list of tensors with their shapes.

import { isChain } from '../graph/summary.js';
import { histogramLine, statsLine } from '../engine/summary-text.js';
import type { TensorSummary } from '../protocol/engine.js';
import type { JsonDim, Report, ReportDiagnostic, ReportModel, ReportTensor } from '../protocol/report.js';

export function formatJsonShape(shape: JsonDim[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

function formatOutputShape(shape: ReportModel['layers'][number]['outputShape']): string {
  if (shape === null) return '?';
  if (shape.length > 0 && Array.isArray(shape[0])) return `[${(shape as JsonDim[][]).map(formatJsonShape).join(', ')}]`;
  return formatJsonShape(shape as JsonDim[]);
}

/** Keras `readable_memory_size` of float32 weights. */
export function readableSize(params: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = params * 4;
  for (const unit of units) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

// One formatter for every count: toLocaleString makes a new one per call, and a summary formats thousands.
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number | null): string {
  return n === null ? '?' : counts.format(n);
}

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const cell = (text: string, i: number): string => (rightAligned.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (left: string, mid: string, right: string, fill: string): string =>
    left + widths.map((w) => fill.repeat(w + 2)).join(mid) + right;
  const out = [line('┏', '┳', '┓', '━'), `┃ ${headers.map(cell).join(' ┃ ')} ┃`, line('┡', '╇', '┩', '━')];
  rows.forEach((r, index) => {
    out.push(`│ ${r.map(cell).join(' │ ')} │`);
    if (index < rows.length - 1) out.push(line('├', '┼', '┤', '─'));
  });
  out.push(line('└', '┴', '┘', '─'));
  return out.join('\n');
}

export function renderSummary(report: Report): string {
  if (report.models.length === 0) return `${report.file}: no Keras model found.\n${renderNotes(report)}${renderDiagnostics(report)}`;
  const parts = report.models.map((model) => {
    const connections = model.kind === 'functional' && !isChain(model.layers);
    const headers = ['Layer (type)', 'Output Shape', 'Param #', ...(connections ? ['Connected to'] : [])];
    const rows = model.layers.map((l) => [
      `${l.name} (${l.class})`,
      formatOutputShape(l.outputShape),
      formatCount(l.params),
      ...(connections ? [l.connectedTo.join(', ') || '-'] : []),
    ]);
    const total =
      model.totalParams !== null
        ? `${formatCount(model.totalParams)} (${readableSize(model.totalParams)})`
        : model.knownParams > 0
          ? `at least ${formatCount(model.knownParams)} (${readableSize(model.knownParams)}; a size is not known statically)`
          : '? (a size is not known statically)';
    const split = splitLines(model);
    const note = model.unknownReason
      ? `\n (not analysed from the layer marked ?: ${model.unknownReason})`
      : model.built
        ? ''
        : '\n (not built: call it on a tensor or give the first layer an input shape)';
    return `Model: "${model.name}" (${model.module === undefined ? '' : `${model.module}, `}${inCell(model.cell)}line ${model.line})\n${table(headers, rows, new Set([2]))}\n Total params: ${total}${split}${note}`;
  });
  const diagnostics = renderDiagnostics(report);
  return renderNotes(report) + parts.join('\n\n') + (diagnostics ? `\n\n${diagnostics}` : '\n');
}

/** Keras's "Trainable params" and "Non-trainable params" lines, under the total (nothing when the total is not known). */
function splitLines(model: ReportModel): string {
  if (model.totalParams === null) return '';
  const count = (n: number | null): string =>
    n === null ? `? (${model.nonTrainableUnknown ?? 'not known statically'})` : `${formatCount(n)} (${readableSize(n)})`;
  return `\n Trainable params: ${count(model.trainableParams)}\n Non-trainable params: ${count(model.nonTrainableParams)}`;
}

function tensorDescription(t: ReportTensor): string[] {
  const position = `${inCell(t.cell)}${t.cell === undefined ? '' : 'line '}${t.line}:${t.column}`;
  if (t.kind === 'unknown') return [position, t.name, '?', '', '', t.reason ?? ''];
  const type = t.kind === 'array' ? 'ndarray' : t.eager ? 'Tensor' : 'KerasTensor';
  const layer = t.layer ? `${t.layer} (${t.layerClass})` : '';
  const made = t.madeIn ? `  made in ${t.madeIn.module}:${t.madeIn.line}` : '';
  return [position, t.name, type, formatJsonShape(t.shape ?? []), t.dtype ?? '', `${layer}${made}`];
}

export function renderInspect(report: Report): string {
  const rows = report.tensors.map(tensorDescription);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  const lines = rows.map((r, i) => {
    const row = `  ${r
      .map((c, j) => (j < 5 ? c.padEnd(widths[j]!) : c))
      .join('  ')
      .trimEnd()}`;
    const tensor = report.tensors[i]!;
    if (tensor.values) return `${row}\n${renderValues(tensor.values)}`;
    if (tensor.valuesError) return `${row}\n      values: ${tensor.valuesError}`;
    return row;
  });
  const evaluation = report.evaluation;
  const header = evaluation
    ? `\nvalues: ${evaluation.backendReason}; input ${evaluation.input}; seed ${evaluation.seed}; weights: ${evaluation.weights}\n`
    : '';
  const diagnostics = renderDiagnostics(report);
  return `${report.file}${header}\n${renderNotes(report)}${lines.join(evaluation ? '\n\n' : '\n')}\n${diagnostics ? `\n${diagnostics}` : ''}`;
}

function renderValues(v: TensorSummary): string {
  const indent = '      ';
  const text = v.text
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
  return `${indent}${statsLine(v)}\n${indent}${histogramLine(v)}\n${text}`;
}

export function renderDiagnostics(report: Report): string {
  if (report.diagnostics.length === 0) return '';
  const where = (d: ReportDiagnostic): string =>
    d.cell === undefined ? `:${d.line}:${d.column}` : `, cell ${d.cell}, line ${d.line}:${d.column}`;
  return report.diagnostics.map((d) => `${report.file}${where(d)}: ${d.severity}: ${d.message} [${d.code}]`).join('\n') + '\n';
}

/** The report's notes, one line each (`note: …`). */
function renderNotes(report: Report): string {
  return (report.notes ?? []).map((note) => `note: ${note}\n`).join('');
}

/** `cell 2, ` before a line of a notebook's cell. */
function inCell(cell: number | undefined): string {
  return cell === undefined ? '' : `cell ${cell}, `;
}
