// Source b: the test files that ship inside the pinned Keras package of
// .venv-conformance (keras/src/**/*_test.py): real-world Keras code that this
// project's authors did not write. A seeded subset per run.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Random } from '../random.js';
import type { CorpusFile } from './corpus-file.js';

export const kerasTestsMissing = 'keras tests: not found (create .venv-conformance: see .ci/run)';

/** The directory keras/src of the venv, if the venv and its Keras are installed. */
export function kerasSourceDirectory(root: string): string | undefined {
  const lib = join(root, '.venv-conformance', 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)
    .filter((name) => name.startsWith('python3'))
    .sort()) {
    const directory = join(lib, python, 'site-packages', 'keras', 'src');
    if (existsSync(directory)) return directory;
  }
  return undefined;
}

/** Every `*_test.py` under keras/src, sorted. */
export function kerasTestFilesIn(directory: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('_test.py')) found.push(path);
    }
  };
  walk(directory);
  return found.sort();
}

/** `count` test files chosen by the seed; `undefined` when the venv is missing. */
export function kerasTestFiles(root: string, random: Random, count: number): { files: CorpusFile[]; available: number } | undefined {
  const directory = kerasSourceDirectory(root);
  if (!directory) return undefined;
  const all = kerasTestFilesIn(directory);
  const chosen = random.shuffle(all).slice(0, count);
  return {
    available: all.length,
    files: chosen.map((path) => ({
      source: 'keras-tests' as const,
      name: `keras/src/${relative(directory, path)}`,
      path,
      text: withTestCalls(readFileSync(path, 'utf8')),
    })),
  };
}

/**
 * The file with a call of each of its test methods appended, as a test runner
 * would make them: the analysis then interprets the tests' code, not only their definitions.
 */
export function withTestCalls(text: string): string {
  const calls: string[] = [];
  let testCase: string | undefined;
  for (const line of text.split('\n')) {
    const cls = /^class (\w+)\(/.exec(line);
    if (cls) testCase = cls[1];
    else if (/^\S/.test(line)) testCase = undefined;
    const method = /^ {4}def (test_\w+)\(self\b/.exec(line);
    if (testCase && method) calls.push(`${testCase}().${method[1]}()`);
  }
  return calls.length === 0 ? text : `${text.trimEnd()}\n\n\n${calls.join('\n')}\n`;
}
