// Stable seeds: one per (global seed, layer name, argument), so a layer keeps
// its weights when other parts of the file change.

import { createHash } from 'node:crypto';

export function derivedSeed(seed: number, ...parts: string[]): number {
  const digest = createHash('sha256')
    .update([String(seed), ...parts].join('\u0000'))
    .digest();
  return digest.readUInt32LE(0) % 2 ** 31;
}

interface LayerJson {
  name?: string;
  config?: Record<string, unknown>;
}

/** Gives every initializer in a Keras functional JSON a derived seed (in place on a copy). */
export function seedInitializers<T>(topology: T, seed: number): T {
  const copy = structuredClone(topology) as { config?: { layers?: LayerJson[] } };
  for (const layer of copy.config?.layers ?? []) seedConfig(layer.config, seed, layer.name ?? '');
  return copy as T;
}

function seedConfig(config: Record<string, unknown> | undefined, seed: number, path: string): void {
  if (!config) return;
  for (const [key, value] of Object.entries(config)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const nested = value as { class_name?: unknown; config?: Record<string, unknown> };
    if (key.endsWith('_initializer') && typeof nested.class_name === 'string') {
      nested.config = { ...(nested.config ?? {}), seed: derivedSeed(seed, path, key) };
    } else if (typeof nested.class_name === 'string' && nested.config) {
      // A wrapped layer (Bidirectional, TimeDistributed): seed its initializers under its own path.
      seedConfig(nested.config, seed, `${path}/${key}`);
    }
  }
}
