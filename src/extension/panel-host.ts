// Hosts the activation panel: a webview view in the panel area, and on request
// a copy beside the editor. Both show the same tensor; messages from either go
// to one handler.

import * as vscode from 'vscode';
import type { HostMessage, PanelMessage } from '../protocol/panel.js';
import { panelHtml } from './panel-html.js';

export const activationsViewId = 'tensorLens.activations';

export class PanelHost implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly webviews = new Set<vscode.Webview>();
  private view: vscode.WebviewView | undefined;
  private beside: vscode.WebviewPanel | undefined;
  private last: HostMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: PanelMessage) => void,
  ) {}

  /** True while some copy of the panel can be seen. */
  get visible(): boolean {
    return Boolean(this.view?.visible || this.beside?.visible);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.attach(view.webview, view.onDidDispose);
    view.onDidDispose(() => (this.view = undefined), null, this.disposables);
  }

  /** Shows the panel-area view (creating it if needed). */
  async reveal(): Promise<void> {
    if (this.beside?.visible) return;
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${activationsViewId}.focus`);
  }

  openBeside(): void {
    if (this.beside) {
      this.beside.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'tensorLens.activationsBeside',
      'Tensor Lens: Activations',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.webviewOptions(),
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'panel-icon.svg');
    this.beside = panel;
    this.attach(panel.webview, panel.onDidDispose);
    panel.onDidDispose(() => (this.beside = undefined), null, this.disposables);
  }

  /** What the panel shows now (the extension's API exposes it to tests). */
  get lastMessage(): HostMessage | undefined {
    return this.last;
  }

  post(message: HostMessage): void {
    this.last = message;
    for (const webview of this.webviews) void webview.postMessage(message);
  }

  dispose(): void {
    this.beside?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(webview: vscode.Webview, onDidDispose: vscode.Event<void>): void {
    webview.options = this.webviewOptions();
    const asset = (...path: string[]): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path));
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      script: asset('dist', 'webview.js'),
      styles: [asset('dist', 'codicons', 'codicon.css'), asset('media', 'panel.css')],
    });
    this.webviews.add(webview);
    const subscription = webview.onDidReceiveMessage((message: PanelMessage) => {
      // A page that (re)loads asks for what it should show.
      if (message.type === 'ready') {
        if (this.last) void webview.postMessage(this.last);
      } else this.onMessage(message);
    });
    onDidDispose(() => {
      this.webviews.delete(webview);
      subscription.dispose();
    });
  }
}
