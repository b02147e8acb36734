// One corpus file through the server: opened empty, then grown step by step
// (an incremental append, or now and then a full replacement), with the
// step's requests after each edit and, at random, the worker killed mid-step.
// Some files are grown as the last cell of a Jupyter notebook instead (LSP
// notebook sync), below a Markdown cell and a cell of imports and magics.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DidChangeNotebookDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  NotebookCellKind,
} from 'vscode-languageserver-protocol/node';
import type { CorpusFile } from './corpus/corpus-file.js';
import type { MemoryMonitor } from './memory-monitor.js';
import { planSteps } from './steps.js';
import { stepRef, type StepInput, type StepRef } from './step-ref.js';
import { stepRequests, type StepContext } from './step-requests.js';
import { endPosition, lineStarts } from './text-positions.js';

export interface FileRun {
  readonly file: CorpusFile;
  readonly planned: number;
  /** The steps that were run (the last one may have been cut short by a crash). */
  readonly done: StepRef[];
  /** Why it stopped before its last step, if it did. */
  readonly stopped?: 'time budget' | 'file time limit' | 'server crashed or hung';
  readonly ms: number;
}

export interface FileContext extends StepContext {
  readonly root: string;
  readonly monitor: MemoryMonitor;
  /** performance.now() past which no step starts. */
  readonly deadline: number;
}

function uriOf(root: string, file: CorpusFile): string {
  return pathToFileURL(file.path ?? join(root, 'test-results', 'fuzz', 'virtual', file.name)).href;
}

/** The cells above the fuzzed one when a file is fuzzed as a notebook. */
const notebookPrelude = 'import keras\nimport numpy as np\nfrom keras import layers\n%matplotlib inline\n!nvidia-smi';

/** How the document is opened, edited and closed: a file, or the last cell of a notebook. */
interface Opened {
  /** The URI requests are about: the file's, or the cell's. */
  readonly uri: string;
  change(version: number, change: unknown): Promise<boolean>;
  close(): Promise<boolean>;
}

async function open(context: FileContext, fileUri: string, asNotebook: boolean): Promise<Opened> {
  const { session } = context;
  if (!asNotebook) {
    await session.notify(DidOpenTextDocumentNotification.method, {
      textDocument: { uri: fileUri, languageId: 'python', version: 1, text: '' },
    });
    return {
      uri: fileUri,
      change: (version, change) =>
        session.notify(DidChangeTextDocumentNotification.method, { textDocument: { uri: fileUri, version }, contentChanges: [change] }),
      close: () => session.notify(DidCloseTextDocumentNotification.method, { textDocument: { uri: fileUri } }),
    };
  }
  const uri = `${fileUri}.ipynb`;
  const cells = [`${uri}#markdown`, `${uri}#prelude`, `${uri}#fuzzed`];
  await session.notify(DidOpenNotebookDocumentNotification.method, {
    notebookDocument: {
      uri,
      notebookType: 'jupyter-notebook',
      version: 1,
      cells: [
        { kind: NotebookCellKind.Markup, document: cells[0] },
        { kind: NotebookCellKind.Code, document: cells[1], executionSummary: { executionOrder: 2 } },
        { kind: NotebookCellKind.Code, document: cells[2], executionSummary: { executionOrder: 1 } },
      ],
    },
    cellTextDocuments: [
      { uri: cells[0], languageId: 'markdown', version: 1, text: '# Fuzzed' },
      { uri: cells[1], languageId: 'python', version: 1, text: notebookPrelude },
      { uri: cells[2], languageId: 'python', version: 1, text: '' },
    ],
  });
  return {
    uri: cells[2]!,
    change: (version, change) =>
      session.notify(DidChangeNotebookDocumentNotification.method, {
        notebookDocument: { uri, version },
        change: { cells: { textContent: [{ document: { uri: cells[2], version }, changes: [change] }] } },
      }),
    close: () =>
      session.notify(DidCloseNotebookDocumentNotification.method, {
        notebookDocument: { uri },
        cellTextDocuments: cells.map((cell) => ({ uri: cell })),
      }),
  };
}

export async function fuzzFile(context: FileContext, file: CorpusFile): Promise<FileRun> {
  const { session, random, options } = context;
  const started = performance.now();
  const fileDeadline = started + options.fileSeconds * 1000;
  const steps = planSteps(file.text, random, { whole: options.whole, shortLines: 40, longSteps: 20 });
  const asNotebook = random.chance(options.notebookRate);
  const opened = await open(context, uriOf(context.root, file), asNotebook);
  const uri = opened.uri;
  const done: StepRef[] = [];
  const finish = (stopped?: FileRun['stopped']): FileRun => ({
    file,
    planned: steps.length,
    done,
    ...(stopped && { stopped }),
    ms: Math.round(performance.now() - started),
  });

  session.uri = uri;
  let sent = '';
  let version = 1;
  for (const [i, step] of steps.entries()) {
    if (performance.now() > context.deadline) return finish('time budget');
    if (performance.now() > fileDeadline) return close(finish('file time limit'));
    const text = file.text.slice(0, step.end);
    const input: StepInput = {
      file: file.name,
      source: file.source,
      step: i + 1,
      steps: steps.length,
      kind: step.kind,
      chars: text.length,
      totalChars: file.text.length,
      lines: lineStarts(text).length,
      ...(asNotebook && { notebook: true }),
      text,
    };
    session.current = input;
    done.push(stepRef(input));
    // The worker dies at a random moment (which may fall in a later step), or while this step's evaluation runs.
    const kill = random.chance(options.killRate) ? (random.chance(0.5) ? 'during-evaluation' : random.int(0, 400)) : undefined;
    if (typeof kill === 'number') setTimeout(() => session.killWorker(), kill).unref();
    // Mostly what an editor sends as one types: the new characters at the end; sometimes the whole text.
    const change =
      text.startsWith(sent) && !random.chance(0.1)
        ? { range: { start: endPosition(sent), end: endPosition(sent) }, text: text.slice(sent.length) }
        : { text };
    version++;
    await opened.change(version, change);
    sent = text;
    const alive = await stepRequests(context, { uri, text, version, killDuringEvaluation: kill === 'during-evaluation' });
    context.monitor.endStep(input);
    if (!alive) return finish('server crashed or hung');
  }
  return close(finish());

  async function close(run: FileRun): Promise<FileRun> {
    await opened.close();
    return run;
  }
}
