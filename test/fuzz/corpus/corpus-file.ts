// One input of the fuzzer: a Python file's text, where it comes from, and the
// path it is opened under.

export type CorpusSource = 'repository' | 'keras-tests' | 'generated' | 'adversarial' | 'files';

export interface CorpusFile {
  readonly source: CorpusSource;
  /** Short name shown in reports: a repository-relative path, or `generated/program-3.py`. */
  readonly name: string;
  /** The file's absolute path on disk, when it is a real file (imports next to it then resolve). */
  readonly path?: string;
  readonly text: string;
}
