// keras.ops.view: x's bytes read as another dtype (x.view(dtype) in JAX, a bitcast). TensorFlow.js holds every int in
// int32 and every float in float32, so the bytes are rebuilt from the values (two's complement, little-endian) and
// read back; a dtype whose values int32 or float32 cannot hold is refused.

import * as tf from '@tensorflow/tfjs';
import type { Kernel } from './kernel.js';

type Kind = 'int' | 'uint' | 'float' | 'bool';

/** A dtype's kind and item size, for those TensorFlow.js holds every value of. */
const layouts: Readonly<Record<string, { kind: Kind; bytes: number }>> = {
  bool: { kind: 'bool', bytes: 1 },
  int8: { kind: 'int', bytes: 1 },
  uint8: { kind: 'uint', bytes: 1 },
  int16: { kind: 'int', bytes: 2 },
  uint16: { kind: 'uint', bytes: 2 },
  int32: { kind: 'int', bytes: 4 },
  uint32: { kind: 'uint', bytes: 4 },
  float32: { kind: 'float', bytes: 4 },
};

function write(view: DataView, offset: number, bytes: number, kind: Kind, value: number): void {
  if (kind === 'float') view.setFloat32(offset, value, true);
  else if (bytes === 1) view.setUint8(offset, value & 0xff);
  else if (bytes === 2) view.setUint16(offset, value & 0xffff, true);
  else view.setUint32(offset, value >>> 0, true);
}

function read(view: DataView, offset: number, bytes: number, kind: Kind): number {
  if (kind === 'float') return view.getFloat32(offset, true);
  if (kind === 'bool' || kind === 'uint')
    return bytes === 1 ? view.getUint8(offset) : bytes === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
  return bytes === 1 ? view.getInt8(offset) : bytes === 2 ? view.getInt16(offset, true) : view.getInt32(offset, true);
}

/**
 * The source's item size is not in the call (only TensorFlow.js's dtype of x is): it is the one that makes the
 * output's last size, as the analysis computed it.
 */
const view: Kernel = (call) => {
  const x = call.tensor('x');
  const target = call.call.outputs[0]!.dtype;
  const to = layouts[target];
  if (!to) throw new Error(`${call.path} as ${target} is not evaluated: TensorFlow.js cannot hold its values`);
  const outLast = call.call.outputs[0]!.shape.at(-1);
  const inLast = x.shape.at(-1);
  if (x.rank > 0 && outLast === null) throw new Error(`${call.path} of a last axis of a size not known statically is not evaluated`);
  let fromBytes = to.bytes;
  if (x.rank > 0 && typeof outLast === 'number' && inLast !== undefined && inLast > 0) fromBytes = (outLast * to.bytes) / inLast;
  const fromKind: Kind = x.dtype === 'float32' ? 'float' : x.dtype === 'bool' ? 'bool' : 'int';
  if (![1, 2, 4].includes(fromBytes) || (fromKind === 'float' && fromBytes !== 4)) {
    throw new Error(`${call.path} of a ${x.dtype} tensor of ${fromBytes}-byte items is not evaluated`);
  }
  const values = Array.from(x.dataSync() as ArrayLike<number>, Number);
  const view = new DataView(new ArrayBuffer(values.length * fromBytes));
  values.forEach((v, i) => write(view, i * fromBytes, fromBytes, fromKind, v));
  const count = view.byteLength / to.bytes;
  const out = Array.from({ length: count }, (_, i) => read(view, i * to.bytes, to.bytes, to.kind));
  if (to.kind === 'uint' && to.bytes === 4 && out.some((v) => v > 2 ** 31 - 1)) {
    throw new Error(`${call.path} as uint32 of values past 2**31 - 1 is not evaluated: TensorFlow.js's int32 cannot hold them`);
  }
  if (to.kind === 'bool' && out.some((v) => v > 1)) throw new Error(`${call.path} as bool of bytes other than 0 and 1 is not evaluated`);
  const shape = x.rank === 0 ? [] : [...x.shape.slice(0, -1), (x.shape.at(-1)! * fromBytes) / to.bytes];
  return tf.tensor(out, shape, to.kind === 'float' ? 'float32' : to.kind === 'bool' ? 'bool' : 'int32');
};

export const viewKernels: Readonly<Record<string, Kernel>> = { 'keras.ops.view': view };
