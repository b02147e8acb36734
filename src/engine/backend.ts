// Chooses the TensorFlow.js backend: native TensorFlow through tfjs-node when it loads (its binding on the TensorFlow
// of the user's Python environment, whose libraries the worker's parent put on the library path, or an ordinary
// install's own), else the wasm backend (SIMD), else the pure-JS CPU backend. Says which and why.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendInfo, BackendName, BackendPreference } from '../protocol/engine.js';

const order: readonly BackendName[] = ['node', 'wasm', 'cpu'];

export async function selectBackend(preference: BackendPreference): Promise<BackendInfo> {
  // A forced backend that cannot start falls back along the usual order: the CPU backend always works.
  const candidates = preference === 'auto' ? order : [preference, ...order.filter((n) => n !== preference)];
  const skipped: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      const configured = preference === name ? `${describe(name)}, as configured` : undefined;
      const reason = skipped.length > 0 ? `${skipped.join('; ')}; using ${describe(name)}` : (configured ?? `${describe(name)} loaded`);
      return { name, label: labelOf(name), reason };
    }
    skipped.push(preference === name ? `${name} was requested but ${failure}` : failure);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

/** The TensorFlow version the binding runs on, as the loaded library says ("2.21.0"). */
function nativeVersion(): string | undefined {
  return (tf.backend() as { binding?: { TF_Version?: string } }).binding?.TF_Version;
}

function labelOf(name: BackendName): string {
  if (name !== 'node') return name;
  const [major, minor] = (nativeVersion() ?? '').split('.');
  return major && minor ? `TensorFlow ${major}.${minor} native` : 'TensorFlow native';
}

function describe(name: BackendName): string {
  if (name === 'node') {
    const from = process.env['TENSOR_LENS_TENSORFLOW'];
    return `tfjs-node on TensorFlow ${nativeVersion() ?? '(unknown version)'}${from ? `, ${from}` : ''}`;
  }
  return name === 'wasm' ? 'the wasm backend (SIMD)' : 'the CPU backend';
}

/** Activates a backend; returns why it could not be used, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'node') {
      const loaded = await loadTfjsNode();
      if (loaded !== undefined) return loaded;
      return (await tf.setBackend('tensorflow')) ? undefined : 'tfjs-node loaded but its backend did not start';
    }
    if (name === 'wasm') {
      setWasmPaths(`${wasmDirectory()}/`);
      return (await tf.setBackend('wasm')) ? undefined : 'the wasm backend did not start';
    }
    return (await tf.setBackend('cpu')) ? undefined : 'the CPU backend did not start';
  } catch (error) {
    return `${name} backend failed: ${firstLine(error)}`;
  }
}

async function loadTfjsNode(): Promise<string | undefined> {
  try {
    // TensorFlow logs to stderr as it loads (no GPU, CPU features): what goes wrong reaches us as an exception.
    process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '3';
    await import('@tensorflow/tfjs-node');
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'tfjs-node is not installed';
    const message = firstLine(error);
    // The binding loads, but the loader finds no TensorFlow library for it.
    const missing = process.env['TENSOR_LENS_TENSORFLOW_MISSING'];
    if (/cannot open shared object file|Library not loaded/.test(message) && missing) return `native TensorFlow: ${missing}`;
    return `tfjs-node failed to load (${message})`;
  }
}

/** The wasm binaries: beside the bundle in dist/, else in the package. */
function wasmDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, 'tfjs-backend-wasm-simd.wasm'))) return here;
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
