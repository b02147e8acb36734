// Source a: the model files of this repository (examples, test fixtures,
// conformance models), read from disk as they are now.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CorpusFile } from './corpus-file.js';

const folders = ['examples', 'test/fixtures', 'test/conformance/models'];

export function repositoryFiles(root: string): CorpusFile[] {
  return folders.flatMap((folder) => {
    const directory = join(root, folder);
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.py'))
      .sort()
      .map((name) => {
        const path = join(directory, name);
        return { source: 'repository' as const, name: relative(root, path), path, text: readFileSync(path, 'utf8') };
      });
  });
}
