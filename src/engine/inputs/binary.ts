// Conversion of raw little- or big-endian numeric buffers (NPY data, HDF5 datasets) to float32.

/** Element kinds: float, signed int, unsigned int, bool, bfloat16. */
export type NumericKind = 'f' | 'i' | 'u' | 'b' | 'bf';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Decodes an IEEE 754 half-precision bit pattern. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Whether `kind` with `itemSize` bytes is a supported element type. */
export function isSupportedNumeric(kind: NumericKind, itemSize: number): boolean {
  switch (kind) {
    case 'f':
      return itemSize === 2 || itemSize === 4 || itemSize === 8;
    case 'i':
    case 'u':
      return itemSize === 1 || itemSize === 2 || itemSize === 4 || itemSize === 8;
    case 'b':
      return itemSize === 1;
    case 'bf':
      return itemSize === 2;
  }
}

/**
 * Converts `count` elements starting at `bytes[0]` to float32. The caller must have checked that
 * `bytes` holds at least `count * itemSize` bytes and that the type is supported.
 */
export function toFloat32(bytes: Uint8Array, kind: NumericKind, itemSize: number, littleEndian: boolean, count: number): Float32Array {
  if (kind === 'f' && itemSize === 4 && littleEndian && HOST_LITTLE_ENDIAN) {
    // A copy: for a Node Buffer (a view into a shared pool), slice() would be a view too.
    return new Float32Array(new Uint8Array(bytes.subarray(0, count * 4)).buffer);
  }
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * itemSize);
  const le = littleEndian;
  if (kind === 'f' && itemSize === 4) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, le);
  } else if (kind === 'f' && itemSize === 8) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, le);
  } else if (kind === 'f') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, le));
  } else if (kind === 'bf') {
    const scratch = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i++) {
      scratch.setUint32(0, view.getUint16(i * 2, le) << 16);
      out[i] = scratch.getFloat32(0);
    }
  } else if (kind === 'b') {
    for (let i = 0; i < count; i++) out[i] = view.getUint8(i) === 0 ? 0 : 1;
  } else {
    const signed = kind === 'i';
    for (let i = 0; i < count; i++) {
      const at = i * itemSize;
      switch (itemSize) {
        case 1:
          out[i] = signed ? view.getInt8(at) : view.getUint8(at);
          break;
        case 2:
          out[i] = signed ? view.getInt16(at, le) : view.getUint16(at, le);
          break;
        case 4:
          out[i] = signed ? view.getInt32(at, le) : view.getUint32(at, le);
          break;
        default:
          out[i] = Number(signed ? view.getBigInt64(at, le) : view.getBigUint64(at, le));
      }
    }
  }
  return out;
}
