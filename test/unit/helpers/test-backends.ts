// The TensorFlow.js backends the engine tests run on: wasm and cpu always, and native TensorFlow (tfjs-node) where
// it loads (`npm run build:native` builds it against the TensorFlow of the conformance environment). Where it does
// not, the suite says once that the native tests did NOT RUN, and why, as the drift check does.

import { spawnSync } from 'node:child_process';
import type { BackendName } from '../../../src/protocol/engine.js';

/** Whether tfjs-node loads, tried in a child process: loading it here would change this process's backends. */
function nativeFailure(): string | undefined {
  const tried = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (tried.status === 0) return undefined;
  const message = tried.stderr.split('\n').find((line) => /Error|Cannot find/.test(line)) ?? `exit code ${tried.status}`;
  return message.includes("Cannot find module '@tensorflow/tfjs-node'") ? 'tfjs-node is not installed' : message.trim();
}

/** Why native TensorFlow does not load here, or undefined when it does. */
export const nativeUnavailable = nativeFailure();
const failure = nativeUnavailable;
if (failure !== undefined) {
  process.stdout.write(
    `\n  Native TensorFlow (tfjs-node) engine tests: NOT RUN. ${failure}.\n  Build it with: npm run build:native (against .venv-conformance's TensorFlow)\n`,
  );
}

export const testBackends: readonly BackendName[] = failure === undefined ? ['wasm', 'cpu', 'node'] : ['wasm', 'cpu'];
