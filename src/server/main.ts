// The Tensor Lens language server: over IPC for VS Code, over --stdio for any
// LSP client. Hover, inlay hints and diagnostics for Python model files.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer } from '../analysis/analyze.js';
import { diagnostics } from './diagnostics.js';
import { DocumentAnalyses } from './document-analyses.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay-hints.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyzerReady = Analyzer.create();
let analyses: DocumentAnalyses | undefined;

async function ready(): Promise<DocumentAnalyses> {
  analyses ??= new DocumentAnalyses(await analyzerReady, (uri, analysis) => {
    void connection.sendDiagnostics({ uri, diagnostics: diagnostics(analysis) });
  });
  return analyses;
}

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    inlayHintProvider: true,
  },
  serverInfo: { name: 'tensor-lens', version: VERSION },
}));

documents.onDidOpen(async ({ document }) => (await ready()).schedule(document, true));
documents.onDidChangeContent(async ({ document }) => (await ready()).schedule(document));
documents.onDidClose(async ({ document }) => {
  (await ready()).close(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onHover(async ({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  return document ? hover((await ready()).get(document), position) : null;
});

connection.languages.inlayHint.on(async ({ textDocument, range }) => {
  const document = documents.get(textDocument.uri);
  return document ? inlayHints((await ready()).get(document), document, range) : [];
});

declare const VERSION: string;

documents.listen(connection);
connection.listen();
