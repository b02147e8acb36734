// The server's settings: the defaults, overlaid with what the client sends
// (initializationOptions, then workspace/didChangeConfiguration), and what they
// mean for an evaluation.

import { extname, isAbsolute, resolve } from 'node:path';
import type { EvaluationSettings } from '../engine/plan.js';
import { pythonEnvironments } from '../environment/python-environment.js';
import { findTensorFlowLibraries, type TensorFlowSearch } from '../environment/tensorflow-libraries.js';
import type { InputSource } from '../protocol/engine.js';
import type { ServerSettings } from '../protocol/lsp.js';

/** Deep-merges a partial settings object from a client over the current settings; ill-typed fields are ignored. */
export function mergeSettings(current: ServerSettings, update: unknown): ServerSettings {
  return merge(current, update) as ServerSettings;
}

function merge(current: unknown, update: unknown): unknown {
  if (update === undefined || update === null) return current;
  // Lists (of strings: the only kind of list setting) are replaced whole.
  if (Array.isArray(current)) return Array.isArray(update) && update.every((item) => typeof item === 'string') ? update : current;
  if (typeof current === 'object' && current !== null) {
    if (typeof update !== 'object' || Array.isArray(update)) return current;
    const merged: Record<string, unknown> = { ...(current as Record<string, unknown>) };
    for (const key of Object.keys(merged)) merged[key] = merge(merged[key], (update as Record<string, unknown>)[key]);
    return merged;
  }
  return typeof update === typeof current ? update : current;
}

const distributions = new Set(['uniform', 'normal', 'zeros', 'ones']);
const imageExtensions = new Set(['.png', '.jpg', '.jpeg']);

/** A setting's text (`uniform`, `data/x.npy`, `cat.png`) as an input source, relative paths from the workspace root. */
export function inputSourceOf(text: string, root: string | undefined): InputSource | string {
  const trimmed = text.trim();
  if (distributions.has(trimmed)) return { kind: trimmed as 'uniform' | 'normal' | 'zeros' | 'ones' };
  const path = isAbsolute(trimmed) || !root ? trimmed : resolve(root, trimmed);
  const extension = extname(path).toLowerCase();
  if (extension === '.npy') return { kind: 'npy', path };
  if (imageExtensions.has(extension)) return { kind: 'image', path };
  return `The sample input "${text}" is not understood: use uniform, normal, zeros, ones, or the path of a .npy, .png or .jpg file.`;
}

/** What an evaluation of a document uses, or why it cannot run (an untrusted workspace, an unknown input). */
export function evaluationSettings(
  settings: ServerSettings,
  weightsPath: string | undefined,
  root: string | undefined,
): EvaluationSettings | string {
  const source = inputSourceOf(settings.sampleInput, root);
  if (typeof source === 'string') return source;
  const readsFiles = source.kind === 'npy' || source.kind === 'image' || weightsPath !== undefined;
  if (readsFiles && !settings.trusted)
    return 'Not evaluated: this workspace is not trusted, and Tensor Lens reads no input or weights file from an untrusted workspace. Trust the workspace, or use a generated sample input and the default weights.';
  const weights: EvaluationSettings['weights'] = weightsPath ? { kind: 'file', path: weightsPath } : { kind: 'initializers' };
  return {
    input: { source, batchSize: Math.max(1, Math.trunc(settings.batchSize)) },
    weights,
    ...(!settings.trusted && {
      codeWeightsRefused: 'this workspace is not trusted, and Tensor Lens reads no weights file from an untrusted workspace',
    }),
    seed: Math.trunc(settings.seed),
    memoryBudgetBytes: settings.evaluation.memoryBudgetMB * 1024 * 1024,
  };
}

/** The TensorFlow libraries the native backend loads, from the Python environment the settings and the process name. */
export function tensorflowLibraries(settings: ServerSettings, workspaceFolders: readonly string[]): TensorFlowSearch {
  const environments = pythonEnvironments({
    interpreters: [
      { path: settings.python.interpreter, source: 'tensorLens.python.interpreter' },
      { path: settings.python.selectedInterpreter, source: "the Python extension's interpreter" },
    ],
    env: process.env,
    workspaceFolders,
    trusted: settings.trusted,
  });
  return findTensorFlowLibraries(environments);
}
