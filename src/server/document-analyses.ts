// The analysis of each open document, kept current as the user types: a change
// schedules a fresh analysis after a short pause, and requests always read the
// newest finished one (an older one is never reported after a newer edit).

import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, Analyzer } from '../analysis/analyze.js';

const debounceMs = 150;
/** Analyses kept; an older document's is dropped and made again (within the analysis budget) when asked for. */
const keptAnalyses = 12;

interface Entry {
  version: number;
  analysis: Analysis | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class DocumentAnalyses {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly analyzer: Analyzer,
    private readonly onAnalysed: (uri: string, analysis: Analysis) => void,
  ) {}

  /** Re-analyses after a pause; `immediately` for a document just opened. */
  schedule(document: TextDocument, immediately = false): void {
    const entry = this.entries.get(document.uri) ?? { version: -1, analysis: undefined, timer: undefined };
    this.entries.set(document.uri, entry);
    if (entry.timer) clearTimeout(entry.timer);
    const run = (): void => {
      entry.timer = undefined;
      this.analyse(document);
    };
    if (immediately) run();
    else entry.timer = setTimeout(run, debounceMs);
  }

  /** The analysis of this exact version of the document, computed now if needed. */
  get(document: TextDocument): Analysis {
    const entry = this.entries.get(document.uri);
    if (entry?.analysis && entry.version === document.version) {
      this.touch(document.uri, entry);
      return entry.analysis;
    }
    return this.analyse(document);
  }

  /** Marks the document's analysis most recently used, and drops the analyses of the least recently used. */
  private touch(uri: string, entry: Entry): void {
    this.entries.delete(uri);
    this.entries.set(uri, entry);
    let kept = 0;
    for (const other of [...this.entries.values()].reverse()) {
      if (other.analysis && ++kept > keptAnalyses) other.analysis = undefined;
    }
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(uri);
  }

  private analyse(document: TextDocument): Analysis {
    const analysis = this.analyzer.analyze(document.getText());
    const entry = this.entries.get(document.uri) ?? { version: -1, analysis: undefined, timer: undefined };
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.version = document.version;
    entry.analysis = analysis;
    this.touch(document.uri, entry);
    this.onAnalysed(document.uri, analysis);
    return analysis;
  }
}
