// TensorFlow's shared libraries in a Python environment: the PyPI wheel carries the C API tfjs-node's binding calls
// (libtensorflow_cc exports TF_* and TFE_*), so the binding runs on the user's own TensorFlow once the worker's library
// path names the wheel's folder. Read from the files only.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PythonEnvironment } from './python-environment.js';

export interface TensorFlowLibraries {
  /** The folder holding the libraries: `<site-packages>/tensorflow`. */
  readonly folder: string;
  /** The wheel's version, from its dist-info: "2.21.0". */
  readonly version: string;
  readonly environment: PythonEnvironment;
}

/** The libraries found, or why there are none, in words. */
export type TensorFlowSearch = TensorFlowLibraries | { readonly missing: string };

/** The libraries the binding needs, by the names it asks the loader for (sonames), per platform verified. */
const libraryNames: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'],
};

/** The loader's search path variable, per platform. */
export const libraryPathVariable: Readonly<Partial<Record<NodeJS.Platform, string>>> = { linux: 'LD_LIBRARY_PATH' };

const wheelInfo = /^(?:tensorflow|tensorflow_cpu|tensorflow_intel|tensorflow_gpu|tf_nightly|tf_nightly_cpu)-(\d[^-]*)\.dist-info$/i;

function wheelVersion(sitePackages: string): string | undefined {
  try {
    for (const name of readdirSync(sitePackages)) {
      const version = wheelInfo.exec(name)?.[1];
      if (version) return version;
    }
  } catch {
    // An unreadable folder holds no version.
  }
  return undefined;
}

/** The first environment's TensorFlow libraries, or why there are none, in words. */
export function findTensorFlowLibraries(
  environments: readonly PythonEnvironment[],
  platform: NodeJS.Platform = process.platform,
): TensorFlowSearch {
  const names = libraryNames[platform];
  if (names === undefined) return { missing: `TensorFlow from a Python environment is loaded on Linux, not on ${platform}` };
  if (environments.length === 0) return { missing: 'no Python environment was found' };
  for (const environment of environments) {
    for (const sitePackages of environment.sitePackages) {
      const folder = join(sitePackages, 'tensorflow');
      const version = wheelVersion(sitePackages);
      if (version && names.every((name) => existsSync(join(folder, name)))) return { folder, version, environment };
    }
  }
  const searched = environments.map((e) => `${e.prefix} (${e.source})`).join(', ');
  return { missing: `no TensorFlow 2 wheel with its C library in ${searched}` };
}

/**
 * What the evaluation worker is started with: the libraries' folder first on the loader's path (read when the process
 * starts, so it must be set at spawn), and in words where they come from, or why there are none, for its log line.
 */
export function workerEnvironment(
  libraries: TensorFlowSearch,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  if ('missing' in libraries) return { TENSOR_LENS_TENSORFLOW_MISSING: libraries.missing };
  const variable = libraryPathVariable[platform]!;
  const path = env[variable] ? `${libraries.folder}:${env[variable]}` : libraries.folder;
  const { prefix, source } = libraries.environment;
  return { [variable]: path, TENSOR_LENS_TENSORFLOW: `the TensorFlow ${libraries.version} wheel of ${prefix} (${source})` };
}
