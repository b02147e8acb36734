// The activation panel's entry point: shows what the extension sends, keeps it across hide and show,
// and sends the user's choices back.

import type { TensorEvaluation, TensorItem } from '../protocol/lsp.js';
import type { HostMessage, PanelMessage, PanelState } from '../protocol/panel.js';
import { enlargedView, redrawThemed, renderEmpty, renderPanel, type PanelActions, type PanelView } from './render.js';

interface VsCodeApi {
  postMessage(message: PanelMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;

let view: PanelView | undefined;
let enlargedChannel: number | undefined;
let enlarged: HTMLElement | undefined;

const actions: PanelActions = {
  post: (message) => vscode.postMessage(message),
  enlarge: (channel) => openEnlarged(channel),
};

function sameTensor(a: { uri: string; tensor: TensorItem }, b: { uri: string; tensor: TensorItem }): boolean {
  const [x, y] = [a.tensor.range.start, b.tensor.range.start];
  return a.uri === b.uri && a.tensor.name === b.tensor.name && x.line === y.line && x.character === y.character;
}

function saveState(): void {
  vscode.setState({ evaluation: view?.evaluation, enlargedChannel });
}

/** A selector for the focused element, to focus its replacement after a re-render. */
function focusedSelector(): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !root.contains(active)) return undefined;
  if (active.id) return `#${CSS.escape(active.id)}`;
  const channel = active.dataset['channel'];
  return channel !== undefined ? `.tl-map[data-channel="${CSS.escape(channel)}"]` : undefined;
}

function render(): void {
  const focused = focusedSelector();
  closeEnlarged(false);
  if (!view) return;
  renderPanel(root, view, actions);
  if (enlargedChannel !== undefined && !view.loading) openEnlarged(enlargedChannel);
  else if (focused) root.querySelector<HTMLElement>(focused)?.focus();
}

function show(evaluation: TensorEvaluation): void {
  const previous = view?.evaluation;
  const keepEnlarged = previous !== undefined && sameTensor(previous, evaluation) && enlargedChannel !== undefined;
  enlargedChannel = keepEnlarged && enlargedChannel! < (evaluation.summary?.channelMaps?.maps.length ?? 0) ? enlargedChannel : undefined;
  view = { tensor: evaluation.tensor, evaluation, loading: false };
  saveState();
  render();
}

function loading(uri: string, tensor: TensorItem): void {
  // While the same tensor is re-evaluated (another batch item, new settings), its last values stay, dimmed.
  const previous = view?.evaluation;
  const evaluation = previous && sameTensor(previous, { uri, tensor }) ? previous : undefined;
  if (!evaluation) enlargedChannel = undefined;
  view = { tensor, evaluation, loading: true };
  render();
}

function openEnlarged(channel: number): void {
  const evaluation = view?.evaluation;
  if (!evaluation || view?.loading) return;
  const overlay = enlargedView(evaluation, channel, () => closeEnlarged(true));
  if (!overlay) return;
  closeEnlarged(false);
  enlarged = overlay;
  enlargedChannel = channel;
  root.append(overlay);
  overlay.querySelector<HTMLElement>('#tl-enlarged-close')?.focus();
  saveState();
}

/** Removes the enlarged map; when the user closed it, focus goes back to its tile and the state forgets it. */
function closeEnlarged(byUser: boolean): void {
  if (!enlarged) return;
  const channel = enlarged.dataset['channel'];
  enlarged.remove();
  enlarged = undefined;
  if (!byUser) return;
  enlargedChannel = undefined;
  saveState();
  if (channel !== undefined) root.querySelector<HTMLElement>(`.tl-map[data-channel="${CSS.escape(channel)}"]`)?.focus();
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'empty':
      closeEnlarged(false);
      view = undefined;
      enlargedChannel = undefined;
      vscode.setState({});
      renderEmpty(root, message.message);
      break;
    case 'loading':
      loading(message.uri, message.tensor);
      break;
    case 'show':
      show(message.evaluation);
      break;
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && enlarged) {
    event.preventDefault();
    closeEnlarged(true);
  }
});

// VS Code swaps the body's theme class when the colour theme changes; canvases keep old colours until redrawn.
new MutationObserver(() => redrawThemed(root, view?.evaluation)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const restored = vscode.getState();
if (restored?.evaluation) {
  view = { tensor: restored.evaluation.tensor, evaluation: restored.evaluation, loading: false };
  enlargedChannel = restored.enlargedChannel;
  render();
}
vscode.postMessage({ type: 'ready' });
