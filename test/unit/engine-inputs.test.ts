// Sample inputs as the evaluator feeds them: images resized to the input,
// .npy files, and results that follow a file when it changes on disk.

import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writeNpy } from '../../src/engine/inputs/npy.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { buildRequest } from '../../src/engine/plan.js';
import type { InputSource } from '../../src/protocol/engine.js';
import { analyze, bindingsOf } from './helpers/analysis.js';

function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(image);
}

async function evaluateInput(shape: string, source: InputSource, evaluator: Evaluator) {
  const a = await analyze(`import keras\nx = keras.Input(${shape})`);
  const value = bindingsOf(a, 'x')[0]!.value;
  const request = buildRequest(a, [value.kind === 'tensor' ? value.tensor : -1], [], {
    input: { source, batchSize: 2 },
    weights: { kind: 'initializers' },
    seed: 0,
    memoryBudgetBytes: 2 ** 30,
  });
  return evaluator.evaluate(request);
}

describe('sample inputs', () => {
  let evaluator: Evaluator;
  const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-inputs-'));
  before(async () => {
    evaluator = await Evaluator.create('cpu');
  });

  it('an image is scaled to [0, 1], resized to the input, and repeated over the batch', async () => {
    const file = join(dir, 'red.png');
    writeFileSync(
      file,
      png(3, 5, () => [255, 51, 0]),
    );
    const result = await evaluateInput('(8, 6, 3)', { kind: 'image', path: file }, evaluator);
    const values = result.outputs[0]!;
    assert.deepEqual(values.shape, [2, 8, 6, 3]);
    assert.ok(Math.abs(values.max - 1) < 1e-6 && values.min === 0);
    // A uniform colour stays uniform through resizing: mean of (1, 0.2, 0) per pixel.
    assert.ok(Math.abs(values.mean - (1 + 0.2 + 0) / 3) < 1e-6);
  });

  it('an image into a one-channel input is averaged to gray', async () => {
    const file = join(dir, 'stripes.png');
    writeFileSync(
      file,
      png(4, 4, (x) => (x % 2 === 0 ? [255, 255, 255] : [0, 0, 0])),
    );
    const values = (await evaluateInput('(4, 4, 1)', { kind: 'image', path: file }, evaluator)).outputs[0]!;
    assert.deepEqual(values.shape, [2, 4, 4, 1]);
    assert.equal(values.mean, 0.5);
    assert.equal(values.zeros, 2 * 4 * 2);
  });

  it('an image into an input that is not an image is refused with the reason', async () => {
    const file = join(dir, 'red.png');
    await assert.rejects(evaluateInput('(10,)', { kind: 'image', path: file }, evaluator), {
      message: 'an image can feed an input of rank 4 (batch, height, width, channels), not one of shape (2, 10)',
    });
  });

  it('an .npy file without the batch axis is repeated over the batch; a wrong shape is named', async () => {
    const file = join(dir, 'sample.npy');
    writeFileSync(file, writeNpy([3], Float32Array.from([1, 2, 3])));
    const values = (await evaluateInput('(3,)', { kind: 'npy', path: file }, evaluator)).outputs[0]!;
    assert.deepEqual([values.shape, values.min, values.max, values.mean], [[2, 3], 1, 3, 2]);
    writeFileSync(file, writeNpy([4], Float32Array.from([1, 2, 3, 4])));
    await assert.rejects(evaluateInput('(3,)', { kind: 'npy', path: file }, evaluator), {
      message: `${file} holds an array of shape (4,), but the input expects (2, 3)`,
    });
  });

  it('a result is recomputed when its input file changes on disk', async () => {
    const file = join(dir, 'changing.npy');
    writeFileSync(file, writeNpy([2], Float32Array.from([1, 1])));
    utimesSync(file, 1_000, 1_000);
    const first = await evaluateInput('(2,)', { kind: 'npy', path: file }, evaluator);
    assert.equal((await evaluateInput('(2,)', { kind: 'npy', path: file }, evaluator)).cached, true);
    writeFileSync(file, writeNpy([2], Float32Array.from([5, 5])));
    utimesSync(file, 2_000, 2_000);
    const second = await evaluateInput('(2,)', { kind: 'npy', path: file }, evaluator);
    assert.equal(second.cached, false);
    assert.deepEqual([first.outputs[0]!.mean, second.outputs[0]!.mean], [1, 5]);
  });
});
