// The activation panel's page: everything from the extension's own files, a
// fresh nonce per page, and a Content-Security-Policy that allows nothing else.

import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export interface PanelAssets {
  readonly cspSource: string;
  readonly script: vscode.Uri | string;
  readonly styles: readonly (vscode.Uri | string)[];
}

export function panelHtml(assets: PanelAssets, nonce = randomBytes(18).toString('base64')): string {
  const csp = [
    "default-src 'none'",
    `img-src ${assets.cspSource} data: blob:`,
    `style-src ${assets.cspSource}`,
    `font-src ${assets.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = assets.styles.map((href) => `<link rel="stylesheet" href="${String(href)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${links}
    <title>Tensor Lens: activations</title>
  </head>
  <body>
    <div id="root" aria-live="polite"></div>
    <script nonce="${nonce}" src="${String(assets.script)}"></script>
  </body>
</html>`;
}
