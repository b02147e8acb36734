// The corpus of one run: the four sources, each shuffled by the seed, then
// interleaved (repository, generated, adversarial, Keras tests, repository, …)
// so that a short time budget still sees all of them.

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { FuzzOptions } from '../options.js';
import type { Random } from '../random.js';
import { adversarialFiles } from './adversarial.js';
import type { CorpusFile, CorpusSource } from './corpus-file.js';
import { generatedFile, generatedFiles } from './generated.js';
import { kerasTestFiles, kerasTestsMissing } from './keras-tests.js';
import { repositoryFiles } from './repository.js';

export interface Corpus {
  readonly files: CorpusFile[];
  /** One line per source: how many files it gave, or why none. */
  readonly notes: string[];
  /** Once the files are done and time remains: one more generated program each call. */
  readonly more?: () => CorpusFile;
}

const mixedPrograms = 40;

const order: readonly CorpusSource[] = ['repository', 'generated', 'adversarial', 'keras-tests'];

function interleave(lists: readonly CorpusFile[][]): CorpusFile[] {
  const mixed: CorpusFile[] = [];
  for (let i = 0; lists.some((list) => i < list.length); i++) for (const list of lists) if (i < list.length) mixed.push(list[i]!);
  return mixed;
}

export function buildCorpus(root: string, random: Random, options: FuzzOptions): Corpus {
  if (options.files.length) {
    const files = options.files.map((file) => {
      const path = resolve(file);
      return { source: 'files' as const, name: relative(root, path), path, text: readFileSync(path, 'utf8') };
    });
    return { files, notes: [`files: ${files.length}`] };
  }
  const notes: string[] = [];
  const lists: CorpusFile[][] = [];
  let more: (() => CorpusFile) | undefined;
  for (const source of order) {
    if (!options.sources.includes(source)) continue;
    const own = random.fork(source);
    if (source === 'repository') {
      const files = own.shuffle(repositoryFiles(root));
      notes.push(`repository: ${files.length} files (examples, test/fixtures, test/conformance/models)`);
      lists.push(files);
    } else if (source === 'generated') {
      const count = options.generated ?? mixedPrograms;
      lists.push(generatedFiles(own, count));
      if (options.generated === undefined) {
        let next = count;
        more = () => generatedFile(own, ++next);
      }
      notes.push(`generated: ${count} random Keras programs${more ? ', then more until the time budget ends' : ''}`);
    } else if (source === 'adversarial') {
      const files = own.shuffle(adversarialFiles(own.fork('bytes'), { huge: options.huge }));
      notes.push(`adversarial: ${files.length} files${options.huge ? ' (with a generated ~5 MB file)' : ''}`);
      lists.push(files);
    } else if (source === 'keras-tests') {
      const sampled = kerasTestFiles(root, own, options.kerasTests);
      if (!sampled) notes.push(kerasTestsMissing);
      else {
        notes.push(`keras tests: ${sampled.files.length} sampled of ${sampled.available} *_test.py in .venv-conformance`);
        lists.push(sampled.files);
      }
    }
  }
  return { files: interleave(lists), notes, ...(more && { more }) };
}
