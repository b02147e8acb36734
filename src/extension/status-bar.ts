// The status bar item: the backend in use and what the worker is doing; a click shows the logs.

import * as vscode from 'vscode';
import type { WorkerStatus } from '../protocol/lsp.js';

export class WorkerStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tensorLens.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tensor Lens';
    this.item.command = 'tensorLens.showLogs';
    this.update({ state: 'stopped' });
  }

  /** Shown while a Python editor is active. */
  setVisible(visible: boolean): void {
    if (visible) this.item.show();
    else this.item.hide();
  }

  update(status: WorkerStatus): void {
    const backend = status.backend?.label;
    const texts: Record<WorkerStatus['state'], string> = {
      stopped: '$(symbol-array) Tensor Lens',
      starting: '$(loading~spin) Tensor Lens: starting',
      idle: `$(symbol-array) Tensor Lens: ${backend ?? ''}`,
      evaluating: `$(loading~spin) Tensor Lens: ${backend ?? ''} · ${status.detail ?? 'evaluating'}`,
      failed: '$(warning) Tensor Lens',
    };
    this.item.text = texts[status.state];
    const lines = [
      status.backend
        ? `Backend: ${status.backend.name} (${status.backend.reason})`
        : 'The evaluation worker starts on the first evaluation.',
      status.pid ? `Worker process ${status.pid}` : undefined,
      status.state === 'evaluating' ? `Evaluating ${status.detail ?? ''}` : status.detail,
      'Click to show the logs.',
    ];
    this.item.tooltip = lines.filter((l): l is string => Boolean(l)).join('\n');
    this.item.backgroundColor = status.state === 'failed' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Tensor Lens: ${status.state}${backend ? `, backend ${backend}` : ''}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
