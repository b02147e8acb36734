// The analysis of each open document, kept current as the user types: a change
// schedules a fresh analysis after a short pause, and requests always read the
// newest finished one (an older one is never reported after a newer edit). A
// change to a module of the user's that a document imports refreshes it too.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, Analyzer } from '../analysis/analyze.js';
import type { ImportContext } from '../analysis/modules/module-sources.js';
import { loadHdf5 } from '../analysis/saved-models/hdf5.js';

const debounceMs = 150;
/** Analyses kept; an older document's is dropped and made again (within the analysis budget) when asked for. */
const keptAnalyses = 12;

interface Entry {
  document: TextDocument;
  version: number;
  analysis: Analysis | undefined;
  timer: NodeJS.Timeout | undefined;
  /** True once the document must be analysed again although its text did not change (a module it imports did). */
  stale: boolean;
}

export class DocumentAnalyses {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly analyzer: Analyzer,
    /** Where a document is and where its imports are searched; undefined for a document not on disk. */
    private readonly importsOf: (document: TextDocument) => ImportContext | undefined,
    /** `sameText`: made again without an edit (a module it imports changed, a saved model became readable). */
    private readonly onAnalysed: (uri: string, analysis: Analysis, sameText: boolean) => void,
  ) {}

  /** Re-analyses after a pause; `immediately` for a document just opened. */
  schedule(document: TextDocument, immediately = false): void {
    const entry = this.entries.get(document.uri) ?? { document, version: -1, analysis: undefined, timer: undefined, stale: false };
    entry.document = document;
    this.entries.set(document.uri, entry);
    if (entry.timer) clearTimeout(entry.timer);
    const run = (): void => {
      entry.timer = undefined;
      this.analyse(entry.document);
    };
    if (immediately) run();
    else entry.timer = setTimeout(run, debounceMs);
  }

  /** The analysis of this exact version of the document, computed now if needed. */
  get(document: TextDocument): Analysis {
    const entry = this.entries.get(document.uri);
    if (entry?.analysis && entry.version === document.version && !entry.stale) {
      this.touch(document.uri, entry);
      return entry.analysis;
    }
    return this.analyse(document);
  }

  /**
   * The files of modules changed (edited, saved, created, deleted): every open document that read one of them is
   * analysed again, and, when files were created or deleted, those whose imports were not all found.
   */
  modulesChanged(paths: ReadonlySet<string>, filesCreatedOrDeleted: boolean): void {
    for (const entry of this.entries.values()) {
      // An analysis dropped to save memory is made afresh when asked for: nothing to refresh before.
      const analysis = entry.analysis;
      if (analysis === undefined) continue;
      const affected = analysis.modules.some((path) => paths.has(path)) || (filesCreatedOrDeleted && analysis.unresolvedImports.length > 0);
      if (!affected) continue;
      entry.stale = true;
      this.schedule(entry.document);
    }
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
    const analysis = this.analyzer.analyze(document.getText(), undefined, this.importsOf(document));
    const entry = this.entries.get(document.uri) ?? { document, version: -1, analysis: undefined, timer: undefined, stale: false };
    if (entry.timer) clearTimeout(entry.timer);
    const sameText = entry.analysis !== undefined && entry.version === document.version;
    entry.timer = undefined;
    entry.document = document;
    entry.version = document.version;
    entry.analysis = analysis;
    entry.stale = false;
    this.touch(document.uri, entry);
    this.onAnalysed(document.uri, analysis, sameText);
    // A saved .h5 model is read once the HDF5 library has loaded: then again, if the document is still the same.
    if (analysis.waitsForHdf5) {
      const refresh = (): void => this.refresh(document.uri, document.version);
      void loadHdf5().then(refresh, refresh);
    }
    return analysis;
  }

  private refresh(uri: string, version: number): void {
    const entry = this.entries.get(uri);
    if (!entry || entry.document.version !== version) return;
    entry.stale = true;
    this.schedule(entry.document, true);
  }
}
