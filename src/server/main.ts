// The Tensor Lens language server: over IPC for VS Code, over --stdio for any
// LSP client. Hover, inlay hints, diagnostics, code lens and code actions for
// Python model files and Jupyter notebooks (document-views.ts), and the requests
// of src/protocol/lsp.ts for the client and the panel.

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancellationToken,
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type CodeLensParams,
  type HoverParams,
  type InitializeParams,
  type InlayHintParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, type Analysis } from '../analysis/analyze.js';
import { diskSources, type ImportContext } from '../analysis/modules/module-sources.js';
import type { Binding } from '../graph/ir.js';
import {
  defaultServerSettings,
  evaluateTensorRequest,
  listTensorsRequest,
  restartWorkerRequest,
  setEvaluationSettingsRequest,
  tensorAtRequest,
  workerStatusNotification,
  workerStatusRequest,
  type EvaluateTensorParams,
  type EvaluationSettingsUpdate,
  type ListTensorsParams,
  type ListTensorsResult,
  type ServerSettings,
  type TensorAtParams,
  type TensorEvaluation,
  type TensorItem,
} from '../protocol/lsp.js';
import { codeLenses } from './code-lens.js';
import { diagnostics } from './diagnostics.js';
import { DocumentAnalyses } from './document-analyses.js';
import { fileView, hoverInView, NotebookPrograms, tensorItemInView, type DocumentView } from './document-views.js';
import { EvaluationService } from './evaluations.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay-hints.js';
import type { TensorFlowSearch } from '../environment/tensorflow-libraries.js';
import { evaluationSettings, mergeSettings, tensorflowLibraries } from './settings.js';
import { numpyCodeActions } from './code-actions.js';
import { tensorBindingsAt, tensorItem, tensorItems } from './tensor-items.js';

declare const VERSION: string;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const notebooks = new NotebookPrograms();
/** The cells each notebook's diagnostics were last published to: a cell removed gets them cleared. */
const publishedCells = new Map<string, readonly string[]>();
const analyzerReady = Analyzer.create();
let analyses: DocumentAnalyses | undefined;
let settings: ServerSettings = defaultServerSettings;
let workspaceRoot: string | undefined;
/** Every workspace folder on disk, searched for the modules a file imports. */
let workspaceFolders: string[] = [];
/** Whether the client watches files for the server (workspace/didChangeWatchedFiles with dynamic registration). */
let watchesFiles = false;
/** Weights files chosen per document (`Tensor Lens: Load Weights…`). */
const weightsByDocument = new Map<string, string>();
/** Aborted when a document changes: its evaluations still waiting for their turn are dropped. */
const staleSignals = new Map<string, AbortController>();

const log = (line: string): void => connection.console.info(line);
// A bug in one handler must not end the server: it is logged, and the next request is answered.
process.on('uncaughtException', (error) => connection.console.error(`internal error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (error) => connection.console.error(`internal error: ${String(error)}`));

const evaluations = new EvaluationService({
  backend: settings.backend,
  timeoutMs: settings.evaluation.timeoutMs,
  log,
  onStatus: (status) => void connection.sendNotification(workerStatusNotification, status),
});

async function ready(): Promise<DocumentAnalyses> {
  analyses ??= new DocumentAnalyses(await analyzerReady, importsOf, (uri, analysis, sameText) => {
    const notebook = notebooks.view(uri);
    if (notebook) publishNotebookDiagnostics(notebook, analysis);
    else void connection.sendDiagnostics({ uri, diagnostics: diagnostics(analysis) });
    // An edit makes the client ask for hints and lenses again; an analysis made again without one must ask it to.
    // In a notebook, an edit in one cell changes the cells below it, which the client does not ask again.
    if (sameText || notebook) {
      void connection.languages.inlayHint.refresh().catch(() => undefined);
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }
  });
  return analyses;
}

/** What a request's document is analysed as: the file itself, or a notebook cell's notebook. */
function viewOf(uri: string): DocumentView | undefined {
  const document = documents.get(uri);
  return document ? fileView(document) : notebooks.view(uri);
}

function publishNotebookDiagnostics(notebook: DocumentView, analysis: Analysis): void {
  const cells = notebooks.cellsOf(notebook.uri);
  const byCell = notebooks.diagnosticsByCell(notebook, diagnostics(analysis));
  for (const cell of publishedCells.get(notebook.uri) ?? []) if (!byCell.has(cell)) byCell.set(cell, []);
  publishedCells.set(notebook.uri, cells);
  for (const [uri, cellDiagnostics] of byCell) void connection.sendDiagnostics({ uri, diagnostics: cellDiagnostics });
}

/** Where a document's imports are searched: its folder, the workspace folders, then the extra paths; open documents' text first. */
function importsOf(document: TextDocument): ImportContext | undefined {
  const file = pathOf(document.uri);
  if (file === undefined) return undefined;
  const extra = settings.analysis.extraPaths.map((folder) =>
    isAbsolute(folder) || workspaceFolders[0] === undefined ? folder : resolve(workspaceFolders[0], folder),
  );
  return { file, searchRoots: [...workspaceFolders, ...extra], sources: moduleSources };
}

const moduleSources = diskSources((path) =>
  documents
    .all()
    .find((document) => pathOf(document.uri) === path)
    ?.getText(),
);

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The TensorFlow found, and what it was looked for from: files are read again only when that changes. */
let tensorflowSearch: { readonly key: string; readonly found: TensorFlowSearch } | undefined;

function applySettings(update: unknown): void {
  settings = mergeSettings(settings, update);
  const key = JSON.stringify([settings.python, settings.trusted, workspaceFolders]);
  if (tensorflowSearch?.key !== key) tensorflowSearch = { key, found: tensorflowLibraries(settings, workspaceFolders) };
  evaluations.configure({ backend: settings.backend, timeoutMs: settings.evaluation.timeoutMs, tensorflow: tensorflowSearch.found });
}

connection.onInitialize((params: InitializeParams) => {
  const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  workspaceRoot = root?.startsWith('file:') ? fileURLToPath(root) : undefined;
  const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.map(pathOf).filter((path): path is string => path !== undefined);
  applySettings(params.initializationOptions);
  watchesFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  log(`Tensor Lens ${VERSION} language server (node ${process.version}), workspace ${workspaceRoot ?? 'none'}`);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }] },
      hoverProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.Refactor] },
    },
    serverInfo: { name: 'tensor-lens', version: VERSION },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
  // The user's modules change on disk too (a save, a git checkout): the files that import them are analysed again.
  if (watchesFiles) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }] })
      .catch(() => undefined);
  }
});

connection.onDidChangeConfiguration(async ({ settings: changed }) => {
  const extraPaths = settings.analysis.extraPaths;
  applySettings((changed as { tensorLens?: unknown } | undefined)?.tensorLens);
  if (settings.analysis.extraPaths !== extraPaths) (await ready()).modulesChanged(new Set(), true);
  void connection.languages.inlayHint.refresh().catch(() => undefined);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const paths = new Set(changes.map((change) => pathOf(change.uri)).filter((path): path is string => path !== undefined));
  const createdOrDeleted = changes.some((change) => change.type !== FileChangeType.Changed);
  (await ready()).modulesChanged(paths, createdOrDeleted);
});

/** An open module's text is what its importers read: each edit, and closing it (its text on disk again), refreshes them. */
async function moduleEdited(document: TextDocument): Promise<void> {
  const path = pathOf(document.uri);
  if (path !== undefined) (await ready()).modulesChanged(new Set([path]), false);
}

documents.onDidOpen(async ({ document }) => (await ready()).schedule(document, true));
documents.onDidChangeContent(async ({ document }) => {
  staleSignals.get(document.uri)?.abort();
  staleSignals.delete(document.uri);
  (await ready()).schedule(document);
  await moduleEdited(document);
});
notebooks.notebooks.onDidOpen(async (notebook) => (await ready()).schedule(notebooks.program(notebook).document, true));
notebooks.notebooks.onDidChange(async ({ notebookDocument }) => {
  staleSignals.get(notebookDocument.uri)?.abort();
  staleSignals.delete(notebookDocument.uri);
  (await ready()).schedule(notebooks.program(notebookDocument).document);
});
notebooks.notebooks.onDidClose(async (notebook) => {
  (await ready()).close(notebook.uri);
  notebooks.forget(notebook.uri);
  staleSignals.get(notebook.uri)?.abort();
  staleSignals.delete(notebook.uri);
  for (const cell of publishedCells.get(notebook.uri) ?? []) void connection.sendDiagnostics({ uri: cell, diagnostics: [] });
  publishedCells.delete(notebook.uri);
});
documents.onDidClose(async ({ document }) => {
  (await ready()).close(document.uri);
  await moduleEdited(document);
  staleSignals.get(document.uri)?.abort();
  staleSignals.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

/**
 * A request answered whatever happens inside: a bug of Tensor Lens on some file is
 * logged with its stack, and the editor gets the fallback answer instead of an error.
 */
function guarded<P extends unknown[], R>(name: string, fallback: (...params: NoInfer<P>) => R, handler: (...params: P) => Promise<R> | R) {
  return async (...params: P): Promise<R> => {
    try {
      return await handler(...params);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      connection.console.error(`internal error in ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback(...params);
    }
  };
}

/** The view of an open document, or the error the client shows. */
function openView(uri: string): DocumentView {
  const view = viewOf(uri);
  if (!view) throw new ResponseError(1, `Tensor Lens has no open document ${uri}.`);
  return view;
}

function versionOf(uri: string): number {
  return (documents.get(uri) ?? notebooks.cells.get(uri))?.version ?? 0;
}

function staleSignal(uri: string): AbortSignal {
  let controller = staleSignals.get(uri);
  if (!controller) staleSignals.set(uri, (controller = new AbortController()));
  return controller.signal;
}

function documentSettings(uri: string) {
  return evaluationSettings(settings, weightsByDocument.get(uri), workspaceRoot);
}

connection.onHover(
  guarded(
    'hover',
    () => null,
    async ({ textDocument, position }: HoverParams) => {
      const view = viewOf(textDocument.uri);
      if (!view) return null;
      const { document } = view;
      const graph = (await ready()).get(document);
      const evaluation = documentSettings(document.uri);
      const stale = staleSignal(document.uri);
      const refused = (): Promise<{ error: string }> => Promise.resolve({ error: evaluation as string });
      const answer = await hover(graph, document, view.toAnalysed(position), {
        place: view.toEditor,
        mode: settings.hover.values,
        budgetMs: settings.hover.budgetMs,
        links: settings.clientCommands,
        evaluate: (binding) => (typeof evaluation === 'string' ? refused() : evaluations.evaluate(graph, binding, evaluation, { stale })),
        peek: (binding) => (typeof evaluation === 'string' ? refused() : evaluations.peek(graph, binding, evaluation)),
      });
      return answer && hoverInView(answer, view);
    },
  ),
);

connection.languages.inlayHint.on(
  guarded(
    'inlay hints',
    () => [],
    async ({ textDocument, range }: InlayHintParams) => {
      const view = viewOf(textDocument.uri);
      if (!view || !settings.inlayHints.enabled) return [];
      const analysed = { start: view.toAnalysed(range.start), end: view.toAnalysed(range.end) };
      return inlayHints((await ready()).get(view.document), view.document, analysed).flatMap((hint) => {
        const here = view.rangeHere({ start: hint.position, end: hint.position });
        return here ? [{ ...hint, position: here.start }] : [];
      });
    },
  ),
);

connection.onCodeLens(
  guarded(
    'code lens',
    () => [],
    async ({ textDocument }: CodeLensParams) => {
      const view = viewOf(textDocument.uri);
      if (!view) return [];
      return codeLenses((await ready()).get(view.document), view.toEditor, settings.clientCommands).flatMap((lens) => {
        const range = view.rangeHere(lens.range);
        return range ? [{ ...lens, range }] : [];
      });
    },
  ),
);

connection.onCodeAction(
  guarded(
    'code actions',
    () => [],
    async ({ textDocument, range }: CodeActionParams): Promise<CodeAction[]> => {
      const view = viewOf(textDocument.uri);
      if (!view) return [];
      const graph = (await ready()).get(view.document);
      const binding = tensorBindingsAt(graph, view.document, view.toAnalysed(range.start))[0];
      return binding ? numpyCodeActions(graph, view, binding) : [];
    },
  ),
);

connection.onRequest(
  listTensorsRequest,
  guarded(
    'listTensors',
    ({ uri }: ListTensorsParams): ListTensorsResult => ({ version: versionOf(uri), tensors: [] }),
    async ({ uri }: ListTensorsParams): Promise<ListTensorsResult> => {
      const view = openView(uri);
      return {
        version: versionOf(uri),
        tensors: tensorItems((await ready()).get(view.document)).map((item) => tensorItemInView(item, view)),
      };
    },
  ),
);

connection.onRequest(
  tensorAtRequest,
  guarded(
    'tensorAt',
    () => null,
    async ({ uri, position }: TensorAtParams): Promise<TensorItem | null> => {
      const view = openView(uri);
      const graph = (await ready()).get(view.document);
      const binding = tensorBindingsAt(graph, view.document, view.toAnalysed(position))[0];
      return binding ? tensorItemInView(tensorItem(graph, binding), view) : null;
    },
  ),
);

connection.onRequest(
  evaluateTensorRequest,
  async ({ uri, position, batchItem = 0 }: EvaluateTensorParams, token: CancellationToken): Promise<TensorEvaluation> => {
    const view = openView(uri);
    const { document } = view;
    const graph = (await ready()).get(document);
    const binding: Binding | undefined = tensorBindingsAt(graph, document, view.toAnalysed(position))[0];
    if (!binding) throw new ResponseError(2, `There is no tensor at line ${position.line + 1}, column ${position.character + 1}.`);
    const tensor = tensorItemInView(tensorItem(graph, binding), view);
    const evaluation = documentSettings(document.uri);
    if (typeof evaluation === 'string') return { uri, tensor, batchItem, error: evaluation };
    const cancel = new AbortController();
    token.onCancellationRequested(() => cancel.abort());
    const outcome = await evaluations.evaluate(graph, binding, evaluation, {
      batchItem,
      stale: staleSignal(document.uri),
      cancel: cancel.signal,
    });
    const result = outcome.result;
    const summary = result?.outputs[outcome.output ?? 0];
    if (!result || !summary) return { uri, tensor, batchItem, error: outcome.error ?? 'No values.' };
    return {
      uri,
      tensor,
      batchItem,
      summary,
      backend: result.backend,
      inputDescription: result.inputDescription,
      weightsDescription: result.weightsDescription,
      milliseconds: result.milliseconds,
      cached: result.cached,
    };
  },
);

connection.onRequest(setEvaluationSettingsRequest, (update: EvaluationSettingsUpdate) => {
  const { weights, sampleInput, selectedInterpreter, ...rest } = update;
  applySettings({
    ...rest,
    ...(sampleInput && { sampleInput: typeof sampleInput === 'string' ? sampleInput : sampleInput.path }),
    ...(selectedInterpreter !== undefined && { python: { selectedInterpreter } }),
  });
  // A cell's weights are its notebook's.
  const owner = weights && (viewOf(weights.uri)?.document.uri ?? weights.uri);
  if (weights?.path && owner) weightsByDocument.set(owner, weights.path);
  else if (owner) weightsByDocument.delete(owner);
  return settings;
});

connection.onRequest(workerStatusRequest, () => evaluations.workerStatus());
connection.onRequest(restartWorkerRequest, () => {
  evaluations.restartWorker();
  return evaluations.workerStatus();
});

connection.onShutdown(() => evaluations.dispose());
connection.onExit(() => evaluations.dispose());

documents.listen(connection);
notebooks.notebooks.listen(connection);
connection.listen();
