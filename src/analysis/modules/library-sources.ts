// Where the Python libraries Tensor Lens ships are: library/ beside the bundle
// in dist/ (esbuild.js copies it there), else at the top of the repository when
// running from source. Their modules are found there as Python would find them,
// and read as the user's modules are.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskSources, type ImportContext } from './module-sources.js';

/** The first `library/` beside this module or a folder above it: dist/ (or dist/chunks/) when bundled, the repository from source. */
function libraryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const candidate = join(folder, 'library');
    if (existsSync(join(candidate, 'keras'))) return candidate;
    folder = dirname(folder);
  }
  return join(folder, 'library');
}

let context: ImportContext | undefined;

/** How the shipped libraries' modules are imported: from their root only, as a package installed there. */
export function libraryImports(): ImportContext {
  if (!context) {
    const root = libraryRoot();
    context = { file: join(root, '__main__.py'), searchRoots: [root], sources: diskSources() };
  }
  return context;
}
