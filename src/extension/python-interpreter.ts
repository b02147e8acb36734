// The interpreter the VS Code Python extension has selected, told to the language server (its TensorFlow is the one
// the native backend loads) now and whenever the selection changes. Nothing is run: the extension's API names a path.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { setEvaluationSettingsRequest } from '../protocol/lsp.js';

/** The part of the Python extension's API used here (ms-python.python, `environments`). */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly path: string };
    readonly onDidChangeActiveEnvironmentPath: vscode.Event<{ readonly path: string }>;
  };
}

export async function followSelectedInterpreter(client: LanguageClient, output: vscode.LogOutputChannel): Promise<vscode.Disposable> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension === undefined) return new vscode.Disposable(() => undefined);
  let environments: PythonExtensionApi['environments'];
  try {
    environments = (await extension.activate()).environments;
  } catch (error) {
    output.warn(`The Python extension's interpreter is not known: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (environments === undefined) return new vscode.Disposable(() => undefined);
  const tell = (path: string): void => {
    output.info(`The Python extension's interpreter: ${path || 'none'}`);
    void client.sendRequest(setEvaluationSettingsRequest, { selectedInterpreter: path });
  };
  tell(environments.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri).path);
  return environments.onDidChangeActiveEnvironmentPath((change) => tell(change.path));
}
