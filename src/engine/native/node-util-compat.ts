// Node's `util` as the bundled tfjs-node requires it (esbuild.js): tfjs-node 4.22 calls util.isNullOrUndefined, which
// Node 23 removed (DEP0044), so on a newer Node (code-server's, a future Electron's) its every kernel would throw.
export * from 'node:util';

export const isNullOrUndefined = (value: unknown): value is null | undefined => value === null || value === undefined;
export const isArray = Array.isArray;
