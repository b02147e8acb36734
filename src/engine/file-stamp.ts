// A file's size and modification time: what tells a cached result or a file read before from one that changed
// (retraining into the same path is new weights).

import { statSync } from 'node:fs';

export function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
