// The evaluation worker: a process of its own that owns TensorFlow.js, so a
// native crash, a runaway model or a kill on timeout never takes its parent down.
// Protocol: src/protocol/engine.ts, over the IPC channel of child_process.fork.

import type { BackendPreference, WorkerRequest, WorkerResponse } from '../protocol/engine.js';
import { breaksTheModule, Evaluator } from './evaluator.js';

const preference = (process.env['TENSOR_LENS_BACKEND'] ?? 'auto') as BackendPreference;
const evaluator = Evaluator.create(preference);

function send(message: WorkerResponse | { type: 'ready'; backend: unknown } | { type: 'fatal'; error: string }): void {
  process.send?.(message);
}

evaluator.then(
  (e) => send({ type: 'ready', backend: e.backend }),
  (error: unknown) => send({ type: 'fatal', error: error instanceof Error ? error.message : String(error) }),
);

let queue = Promise.resolve();

process.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: WorkerRequest): Promise<void> {
  try {
    send({ id: request.id, ok: true, result: await (await evaluator).evaluate(request.request) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!breaksTheModule(error)) {
      send({ id: request.id, ok: false, error: message });
      return;
    }
    // After a wasm trap every later call answers "Aborted()": only a new process recovers.
    process.send?.(
      { id: request.id, ok: false, restart: true, error: `TensorFlow.js's wasm backend crashed (${message})` } satisfies WorkerResponse,
      () => process.exit(1),
    );
  }
}

process.on('disconnect', () => process.exit(0));
