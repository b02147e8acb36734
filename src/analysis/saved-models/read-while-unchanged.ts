// What the analysis read from a saved model's file, kept while the file keeps its size and modification time: every
// edit of the document analyses it again, and a saved model's file does not change with the edit.

import { statSync } from 'node:fs';

const kept = 8;

/**
 * A reader whose results are read again only when the file changes (the most recent `kept` files); a result
 * `worthKeeping` refuses (one read before a library has loaded) is read again next time.
 */
export function readWhileUnchanged<T>(read: (path: string) => T, worthKeeping: (value: T) => boolean = () => true): (path: string) => T {
  const recent = new Map<string, { readonly size: number; readonly mtimeMs: number; readonly value: T }>();
  return (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    const last = recent.get(path);
    if (stat && last && last.size === stat.size && last.mtimeMs === stat.mtimeMs) return last.value;
    const value = read(path);
    recent.delete(path);
    if (stat && worthKeeping(value)) recent.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, value });
    for (const key of recent.keys()) if (recent.size > kept) recent.delete(key);
    return value;
  };
}
