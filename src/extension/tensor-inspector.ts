// Which tensor the panel shows, and getting its values: on a command (with
// cancellable progress), and by following the cursor and the edits while the
// panel is visible.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  evaluateTensorRequest,
  listTensorsRequest,
  tensorAtRequest,
  type EvaluateTensorParams,
  type ListTensorsResult,
  type TensorAtParams,
  type TensorEvaluation,
  type TensorItem,
  type TextPosition,
} from '../protocol/lsp.js';
import { sameProgram } from './notebook-cells.js';
import type { PanelHost } from './panel-host.js';

const followDelayMs = 300;

interface Selection {
  readonly uri: string;
  readonly position: TextPosition;
  readonly version: number;
  readonly batchItem: number;
  /** The tensor's static facts, for the panel while it is evaluated. */
  readonly tensor: TensorItem | undefined;
}

export class TensorInspector implements vscode.Disposable {
  private selection: Selection | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private inFlight: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly panel: PanelHost,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => this.follow(textEditor)),
      vscode.workspace.onDidChangeTextDocument(({ document }) => {
        if (this.selection && sameProgram(document.uri.toString(), this.selection.uri)) this.follow(vscode.window.activeTextEditor, true);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tensorLens')) this.refresh();
      }),
    );
  }

  async tensors(document: vscode.TextDocument): Promise<ListTensorsResult> {
    return this.client.sendRequest(listTensorsRequest, { uri: document.uri.toString() });
  }

  /** The tensor the name at the position stands for: bound there, or used there. */
  async tensorAt(document: vscode.TextDocument, position: TextPosition): Promise<TensorItem | undefined> {
    const params: TensorAtParams = { uri: document.uri.toString(), position: { line: position.line, character: position.character } };
    return (await this.client.sendRequest<TensorItem | null>(tensorAtRequest, params)) ?? undefined;
  }

  /**
   * Evaluates the tensor at the position and shows it in the panel; `withProgress` for an explicit request.
   * `tensor`: its static facts when the caller has them already (else they are asked for).
   */
  async show(
    uri: string,
    position: TextPosition,
    { withProgress = false, batchItem = 0, tensor }: { withProgress?: boolean; batchItem?: number; tensor?: TensorItem } = {},
  ): Promise<TensorEvaluation | undefined> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    const item = tensor ?? (document ? await this.tensorAt(document, position) : undefined);
    this.selection = { uri, position, version: document?.version ?? 0, batchItem, tensor: item };
    this.inFlight?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.inFlight = source;
    const params: EvaluateTensorParams = { uri, position, batchItem };
    const request = async (token: vscode.CancellationToken): Promise<TensorEvaluation | undefined> => {
      token.onCancellationRequested(() => source.cancel());
      try {
        return await this.client.sendRequest(evaluateTensorRequest, params, source.token);
      } catch (error) {
        if (source.token.isCancellationRequested) return undefined;
        const message = error instanceof Error ? error.message : String(error);
        this.output.warn(`evaluate: ${message}`);
        this.panel.post({ type: 'empty', message });
        return undefined;
      }
    };
    if (item) this.panel.post({ type: 'loading', uri, tensor: item });
    const evaluation = withProgress
      ? await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Tensor Lens: evaluating ${item?.name ?? 'tensor'}`, cancellable: true },
          (_progress, token) => request(token),
        )
      : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Tensor Lens' }, () => request(source.token));
    if (this.inFlight === source) this.inFlight = undefined;
    if (evaluation && !source.token.isCancellationRequested) this.panel.post({ type: 'show', evaluation });
    return evaluation;
  }

  /** Shows another item of the batch of the tensor in the panel. */
  selectBatchItem(batchItem: number): void {
    const selection = this.selection;
    if (selection) void this.show(selection.uri, selection.position, { batchItem, ...(selection.tensor && { tensor: selection.tensor }) });
  }

  /** Evaluates the selected tensor again (settings changed). */
  refresh(): void {
    if (this.selection && this.panel.visible)
      void this.show(this.selection.uri, this.selection.position, { batchItem: this.selection.batchItem });
  }

  /** Puts the cursor on the selected tensor's name. */
  async revealSource(): Promise<void> {
    if (!this.selection) return;
    const { uri, position } = this.selection;
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preserveFocus: false });
    const at = new vscode.Position(position.line, position.character);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private follow(editor: vscode.TextEditor | undefined, edited = false): void {
    if (!editor || editor.document.languageId !== 'python' || !this.panel.visible) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.followNow(editor, edited), followDelayMs);
  }

  private async followNow(editor: vscode.TextEditor, edited: boolean): Promise<void> {
    const document = editor.document;
    const uri = document.uri.toString();
    try {
      const item = await this.tensorAt(document, editor.selection.active);
      if (item) {
        // In a notebook, a name bound in a cell above is that cell's.
        const itemUri = item.uri ?? uri;
        const same =
          this.selection?.uri === itemUri &&
          this.selection.version === versionOf(itemUri) &&
          samePosition(this.selection.position, item.range.start);
        if (!same) await this.show(itemUri, item.range.start, { tensor: item });
      } else if (edited && this.selection && sameProgram(this.selection.uri, uri)) {
        // The cursor is elsewhere (it edits another line): the selected tensor, as the edit changed it.
        await this.show(uri, this.selection.position, { batchItem: this.selection.batchItem });
      }
    } catch (error) {
      this.output.debug(`follow: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    this.inFlight?.cancel();
    this.disposables.forEach((d) => d.dispose());
  }
}

function versionOf(uri: string): number | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.version;
}

function samePosition(a: TextPosition, b: TextPosition): boolean {
  return a.line === b.line && a.character === b.character;
}
