// The HDF5 library (h5wasm: libhdf5 compiled to wasm, megabytes), loaded on first need and not before: the analysis
// reads only the `model_config` attribute of a legacy `.h5` model, and the engine the weights. The analysis is
// synchronous, so it reads a file only once the library is loaded; the first file that needs it asks for the load,
// and the document is analysed again when it is done.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { File as H5File } from 'h5wasm/node';
import { readWhileUnchanged } from './read-while-unchanged.js';

type H5Library = (typeof import('h5wasm/node'))['default'];
export type H5Module = Awaited<H5Library['ready']>;

let loading: Promise<{ readonly h5wasm: H5Library; readonly module: H5Module }> | undefined;
let loaded: { readonly h5wasm: H5Library; readonly module: H5Module } | undefined;
/** Why the library did not load, once it failed to. */
let failed: string | undefined;
/** How many reads found the library not loaded yet: an analysis that made one is worth doing again once it is. */
let deferredReads = 0;

export function hdf5DeferredReads(): number {
  return deferredReads;
}

/** Loads h5wasm once; libhdf5's error stack is turned into JS exceptions (a process-wide setting). */
export function loadHdf5(): Promise<{ readonly h5wasm: H5Library; readonly module: H5Module }> {
  loading ??= import('h5wasm/node')
    .then(async ({ default: h5wasm }) => {
      const module = await h5wasm.ready;
      module.activate_throwing_error_handler();
      loaded = { h5wasm, module };
      return loaded;
    })
    .catch((error: unknown) => {
      failed = error instanceof Error ? error.message : String(error);
      throw error;
    });
  return loading;
}

/** The eight bytes an HDF5 superblock starts with. */
export const hdf5Signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export type Hdf5ModelConfig =
  { readonly text: string } | { readonly problem: string } | { readonly noConfig: true } | { readonly notHdf5: true } | 'not loaded';

/** A config larger than this is not read: the analysis keeps every layer in memory. */
const maxConfigBytes = 64 * 1024 * 1024;

/**
 * The `model_config` attribute of a model `model.save("….h5")` wrote (the architecture, as JSON text), `noConfig` for
 * an HDF5 file without one (weights only), `notHdf5` for another file, the problem with a damaged one, or 'not loaded'
 * while the library is not.
 */
export const readHdf5ModelConfig = readWhileUnchanged(readModelConfig, (config) => config !== 'not loaded');

function readModelConfig(path: string): Hdf5ModelConfig {
  if (!startsAsHdf5(path)) return { notHdf5: true };
  if (failed !== undefined) return { problem: `the HDF5 library did not load (${failed})` };
  if (!loaded) {
    deferredReads++;
    void loadHdf5();
    return 'not loaded';
  }
  let file: H5File | undefined;
  try {
    file = new loaded.h5wasm.File(path, 'r');
    if (file.file_id < 0n) return { problem: 'it is corrupt or truncated' };
    if (!Object.keys(file.attrs).includes('model_config')) return { noConfig: true };
    const value = file.get_attribute('model_config', false);
    if (typeof value !== 'string') return { problem: 'its model_config attribute is not a text' };
    if (value.length > maxConfigBytes) return { problem: `its model_config is larger than ${maxConfigBytes / 1024 / 1024} MB` };
    return { text: value };
  } catch {
    return { problem: 'it is corrupt or truncated' };
  } finally {
    try {
      file?.close();
    } catch {
      // A damaged file can fail to close too; what was read, or the problem, stands.
    }
  }
}

/** The HDF5 signature at the start of the file or after a user block (512, 1024, … bytes). */
export function startsAsHdf5(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = statSync(path).size;
    const probe = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, probe, 0, 8, offset);
      if (hdf5Signature.every((b, i) => probe[i] === b)) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
