// The panel's DOM, rebuilt from a message: header, actions, statistics, histogram, channel maps, values.
// Text goes in with textContent only; the styles are in media/panel.css.

import { formatNumber } from '../engine/summary-text.js';
import type { TensorSummary } from '../protocol/engine.js';
import type { TensorEvaluation, TensorItem } from '../protocol/lsp.js';
import type { PanelMessage } from '../protocol/panel.js';
import { drawColorbar, drawHistogram, drawMap } from './draw.js';
import { formatShape } from '../graph/shape.js';
import { mapAriaLabel, mapCaption } from './maps.js';

export interface PanelActions {
  post(message: PanelMessage): void;
  enlarge(channel: number): void;
}

/** A tensor's static facts, and its evaluation: the current one, or while `loading` the previous one of the same tensor. */
export interface PanelView {
  readonly tensor: TensorItem;
  readonly evaluation?: TensorEvaluation;
  readonly loading: boolean;
}

type Child = Node | string | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined && child !== false) element.append(child);
  return element;
}

function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

function button(id: string, iconName: string, text: string, ariaLabel: string, onClick: () => void): HTMLButtonElement {
  const element = h('button', { id, type: 'button', class: 'tl-button', 'aria-label': ariaLabel, title: ariaLabel }, icon(iconName), text);
  element.addEventListener('click', onClick);
  return element;
}

export function renderEmpty(root: HTMLElement, message: string): void {
  disconnectHistogram();
  root.replaceChildren(h('div', { id: 'tl-empty', class: 'tl-empty' }, message));
}

export function renderPanel(root: HTMLElement, view: PanelView, actions: PanelActions): void {
  disconnectHistogram();
  const { evaluation, loading } = view;
  // While loading, the last values stay (dimmed) but not the last error.
  const error = evaluation?.error !== undefined && !loading && errorView(evaluation.error);
  const body = evaluation?.error === undefined && evaluation?.summary && summaryView(evaluation, actions);
  root.replaceChildren(
    h(
      'main',
      { class: 'tl-panel' },
      header(view.tensor, actions),
      toolbar(actions),
      loading &&
        h(
          'div',
          { id: 'tl-status', class: 'tl-status', role: 'status', 'aria-live': 'polite' },
          icon('loading codicon-modifier-spin'),
          'Evaluating…',
        ),
      error,
      body && h('div', { class: loading ? 'tl-body tl-stale' : 'tl-body', 'aria-busy': String(loading) }, body),
      evaluation && !loading && footer(evaluation),
    ),
  );
  const histogram = root.querySelector<HTMLCanvasElement>('#tl-histogram');
  if (histogram && evaluation?.summary) observeHistogram(histogram, evaluation.summary.histogram);
}

function header(tensor: TensorItem, actions: PanelActions): HTMLElement {
  const params = tensor.params != null ? `${tensor.params.toLocaleString('en-US')} params` : undefined;
  return h(
    'header',
    { class: 'tl-header' },
    h(
      'div',
      { class: 'tl-title' },
      h('h2', { id: 'tl-name', class: 'tl-name' }, tensor.name),
      button('tl-reveal', 'go-to-file', 'Go to source', `Go to ${tensor.name} in the source`, () => actions.post({ type: 'reveal' })),
    ),
    h('div', { id: 'tl-type', class: 'tl-type' }, tensor.type),
    tensor.layer !== undefined &&
      h(
        'div',
        { id: 'tl-layer', class: 'tl-layer' },
        h('span', { class: 'tl-layer-name' }, tensor.layer),
        // Text separators, not only CSS gaps, so that screen readers pause between the parts.
        tensor.layerConfig && ' ',
        tensor.layerConfig && h('span', { class: 'tl-layer-config' }, `(${tensor.layerConfig})`),
        params && ' · ',
        params && h('span', { class: 'tl-layer-params' }, params),
      ),
  );
}

function toolbar(actions: PanelActions): HTMLElement {
  return h(
    'div',
    { class: 'tl-toolbar', role: 'toolbar', 'aria-label': 'Evaluation settings' },
    button('tl-sample-input', 'symbol-array', 'Sample input…', 'Choose the sample input', () => actions.post({ type: 'setSampleInput' })),
    button('tl-seed', 'symbol-numeric', 'Seed…', 'Set the random seed', () => actions.post({ type: 'setSeed' })),
    button('tl-weights', 'package', 'Weights…', 'Load weights from a file', () => actions.post({ type: 'loadWeights' })),
  );
}

function errorView(error: string): HTMLElement {
  return h('div', { id: 'tl-error', class: 'tl-error', role: 'alert' }, icon('error'), h('span', {}, error));
}

function summaryView(evaluation: TensorEvaluation, actions: PanelActions): DocumentFragment {
  const summary = evaluation.summary!;
  const fragment = document.createDocumentFragment();
  fragment.append(
    h('div', { class: 'tl-overview' }, statsTable(summary), histogramView(summary)),
    summary.channelMaps ? mapsView(evaluation, summary, actions) : '',
    h(
      'section',
      { class: 'tl-section' },
      h('h3', {}, 'Values'),
      h('pre', { id: 'tl-values', class: 'tl-values', tabindex: '0' }, summary.text),
    ),
  );
  return fragment;
}

function statsTable(summary: TensorSummary): HTMLElement {
  const size = summary.shape.reduce((product, n) => product * n, 1);
  const zeros = summary.zeros > 0 && size > 0 ? `${summary.zeros} (${((summary.zeros / size) * 100).toFixed(1)}%)` : String(summary.zeros);
  const rows: [string, string][] = [
    ['shape', formatShape(summary.shape)],
    ['dtype', summary.dtype],
    ['min', formatNumber(summary.min)],
    ['max', formatNumber(summary.max)],
    ['mean', formatNumber(summary.mean)],
    ['std', formatNumber(summary.std)],
    ['zeros', zeros],
    ['NaN', String(summary.nans)],
    ['Inf', String(summary.infs)],
  ];
  return h(
    'table',
    { id: 'tl-stats', class: 'tl-stats' },
    h('caption', { class: 'tl-visually-hidden' }, 'Statistics'),
    h('tbody', {}, ...rows.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value)))),
  );
}

function histogramView(summary: TensorSummary): HTMLElement {
  const bins = summary.histogram.length;
  const tallest = Math.max(0, ...summary.histogram);
  const label = `Histogram of the finite values in ${bins} bins from ${formatNumber(summary.min)} to ${formatNumber(summary.max)}; the fullest bin holds ${tallest} values`;
  return h(
    'figure',
    { class: 'tl-histogram' },
    h('canvas', { id: 'tl-histogram', role: 'img', 'aria-label': label }),
    h(
      'figcaption',
      { class: 'tl-histogram-range' },
      h('span', { class: 'tl-histogram-min' }, formatNumber(summary.min)),
      h('span', { class: 'tl-histogram-max' }, formatNumber(summary.max)),
    ),
  );
}

let histogramObserver: ResizeObserver | undefined;

/** Draws the histogram now and again whenever its box changes size. */
function observeHistogram(canvas: HTMLCanvasElement, counts: readonly number[]): void {
  histogramObserver = new ResizeObserver(() => drawHistogram(canvas, counts));
  histogramObserver.observe(canvas);
}

function disconnectHistogram(): void {
  histogramObserver?.disconnect();
  histogramObserver = undefined;
}

/** Redraws what depends on theme colours (the histogram) after a theme change. */
export function redrawThemed(root: HTMLElement, evaluation: TensorEvaluation | undefined): void {
  const canvas = root.querySelector<HTMLCanvasElement>('#tl-histogram');
  if (canvas && evaluation?.summary) drawHistogram(canvas, evaluation.summary.histogram);
}

function mapsView(evaluation: TensorEvaluation, summary: TensorSummary, actions: PanelActions): HTMLElement {
  const { channelMaps } = summary;
  const rank = summary.shape.length;
  const maps = channelMaps!.maps;
  const grid = h('div', { id: 'tl-maps', class: rank === 2 ? 'tl-maps tl-maps-row' : 'tl-maps' });
  maps.forEach((map, channel) => {
    const canvas = h('canvas', {
      class: 'tl-map',
      'data-channel': String(channel),
      role: 'button',
      tabindex: '0',
      'aria-label': mapAriaLabel(rank, channel, evaluation.batchItem, map),
    });
    drawMap(canvas, map, channelMaps!.width, channelMaps!.height);
    if (rank !== 2) canvas.style.aspectRatio = `${channelMaps!.width} / ${channelMaps!.height}`;
    canvas.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      actions.enlarge(channel);
    });
    const cell = h('figure', { class: 'tl-map-cell' }, canvas, h('figcaption', {}, mapCaption(rank, channel, evaluation.batchItem)));
    cell.addEventListener('click', () => actions.enlarge(channel));
    grid.append(cell);
  });
  const note =
    rank > 2 &&
    channelMaps!.channels > maps.length &&
    h('p', { id: 'tl-maps-note', class: 'tl-note' }, `showing ${maps.length} of ${channelMaps!.channels} channels`);
  const title = rank === 2 ? 'Values of one item' : 'Channel maps';
  return h(
    'section',
    { class: 'tl-section' },
    h(
      'div',
      { class: 'tl-section-header' },
      h('h3', {}, title),
      rank >= 2 && summary.shape[0]! > 1 && batchSlicer(evaluation.batchItem, summary.shape[0]!, actions),
    ),
    note,
    grid,
  );
}

function batchSlicer(current: number, items: number, actions: PanelActions): HTMLElement {
  const select = (item: number): void => {
    if (Number.isInteger(item) && item >= 0 && item < items && item !== current) actions.post({ type: 'selectBatchItem', batchItem: item });
    else input.value = String(current);
  };
  const previous = button('tl-batch-prev', 'chevron-left', '', 'Previous batch item', () => select(current - 1));
  const next = button('tl-batch-next', 'chevron-right', '', 'Next batch item', () => select(current + 1));
  previous.disabled = current <= 0;
  next.disabled = current >= items - 1;
  const input = h('input', {
    id: 'tl-batch',
    class: 'tl-batch-input',
    type: 'number',
    min: '0',
    max: String(items - 1),
    step: '1',
    value: String(current),
    'aria-label': `Batch item, 0 to ${items - 1}`,
  });
  input.addEventListener('change', () => select(input.valueAsNumber));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') select(input.valueAsNumber);
  });
  return h(
    'div',
    { class: 'tl-batch', role: 'group', 'aria-label': 'Batch item' },
    h('label', { for: 'tl-batch' }, 'item'),
    previous,
    input,
    next,
    h('span', { class: 'tl-note' }, `of 0–${items - 1}`),
  );
}

/** The enlarged view of one map, or undefined when the evaluation has no such map. */
export function enlargedView(evaluation: TensorEvaluation, channel: number, onClose: () => void): HTMLElement | undefined {
  const summary = evaluation.summary;
  const channelMaps = summary?.channelMaps;
  const map = channelMaps?.maps[channel];
  if (!summary || !channelMaps || !map) return undefined;
  const rank = summary.shape.length;
  const canvas = h('canvas', {
    id: 'tl-enlarged-canvas',
    class: 'tl-enlarged-canvas',
    role: 'img',
    'aria-label': mapAriaLabel(rank, channel, evaluation.batchItem, map),
  });
  drawMap(canvas, map, channelMaps.width, channelMaps.height);
  canvas.style.aspectRatio = rank === 2 ? 'auto' : `${channelMaps.width} / ${channelMaps.height}`;
  const colorbar = h('canvas', { class: 'tl-colorbar', 'aria-hidden': 'true' });
  drawColorbar(colorbar);
  const close = button('tl-enlarged-close', 'close', '', 'Close the enlarged map', onClose);
  const dialog = h(
    'div',
    { class: 'tl-enlarged-dialog', role: 'dialog', 'aria-labelledby': 'tl-enlarged-title' },
    h('div', { class: 'tl-enlarged-header' }, h('h3', { id: 'tl-enlarged-title' }, mapCaption(rank, channel, evaluation.batchItem)), close),
    canvas,
    colorbar,
    h(
      'div',
      { class: 'tl-histogram-range' },
      h('span', { id: 'tl-enlarged-min' }, `min ${formatNumber(map.min)}`),
      h('span', { id: 'tl-enlarged-max' }, `max ${formatNumber(map.max)}`),
    ),
  );
  const overlay = h('div', { id: 'tl-enlarged', class: 'tl-enlarged', 'data-channel': String(channel) }, dialog);
  // A click on the backdrop (outside the dialog) closes, like Escape.
  overlay.addEventListener('click', (event) => {
    if (event.target === overlay) onClose();
  });
  return overlay;
}

function footer(evaluation: TensorEvaluation): HTMLElement {
  const line = (label: string, text: string | undefined, title?: string): Child =>
    text !== undefined && h('div', title ? { title } : {}, h('span', { class: 'tl-footer-label' }, `${label}: `), text);
  const { backend, milliseconds, cached } = evaluation;
  const timing = cached ? 'cached' : milliseconds !== undefined ? `${Math.round(milliseconds)} ms` : undefined;
  return h(
    'footer',
    { id: 'tl-footer', class: 'tl-footer' },
    line('Input', evaluation.inputDescription),
    line('Weights', evaluation.weightsDescription),
    backend && line('Backend', timing ? `${backend.name} · ${timing}` : backend.name, backend.reason),
  );
}
