// Reader and writer for NumPy .npy arrays (format versions 1.0, 2.0 and 3.0).

import { isSupportedNumeric, toFloat32, type NumericKind } from './binary.js';
import { InputFileError } from './errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const KIND_NAMES: Record<string, string> = { f: 'float', i: 'int', u: 'uint' };

export interface NpyArray {
  readonly shape: number[];
  /** NumPy dtype name of the stored data, e.g. "float32", "int64", "bool". */
  readonly dtype: string;
  /** The values converted to float32, in C order. */
  readonly data: Float32Array;
}

/** Parses an .npy file, converting any numeric or boolean dtype to float32. */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputFileError('not an NPY file (the \\x93NUMPY signature is missing)');
  }
  const major = bytes[6] ?? 0;
  if (major < 1 || major > 3) {
    throw new InputFileError(`unsupported NPY format version ${major}.${bytes[7] ?? 0}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new InputFileError('NPY file is truncated (incomplete header)');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new InputFileError('NPY file is truncated (incomplete header)');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const { kind, itemSize, littleEndian, descr } = parseDescr(header);
  if (/['"]fortran_order['"]\s*:\s*True/.test(header)) {
    throw new InputFileError('Fortran-order NPY arrays are not supported; save a C-order array (np.ascontiguousarray)');
  }
  const shape = parseShape(header);
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * itemSize;
  const available = bytes.length - dataStart;
  if (!Number.isSafeInteger(needed) || needed > available) {
    throw new InputFileError(
      `NPY file is truncated: shape (${shape.join(', ')}) of ${descr} needs ${needed} bytes of data, found ${available}`,
    );
  }
  const data = toFloat32(bytes.subarray(dataStart), kind, itemSize, littleEndian, count);
  const dtype = kind === 'b' ? 'bool' : `${KIND_NAMES[kind] ?? kind}${itemSize * 8}`;
  return { shape, dtype, data };
}

/** Serialises a float32 C-order array as an NPY 1.0 file. */
export function writeNpy(shape: number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== data.length) {
    throw new InputFileError(`shape (${shape.join(', ')}) does not match ${data.length} values`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // NumPy pads the header with spaces so that the data starts on a 64-byte boundary.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < data.length; i++) view.setFloat32(start + i * 4, data[i] ?? 0, true);
  return out;
}

function parseDescr(header: string): { kind: NumericKind; itemSize: number; littleEndian: boolean; descr: string } {
  const match = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(header);
  if (!match) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) {
      throw new InputFileError('structured NPY arrays are not supported');
    }
    throw new InputFileError('NPY header is corrupt (no dtype descriptor)');
  }
  const descr = match[2] ?? '';
  const parts = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  const letter = parts?.[2];
  if (letter === 'O') throw new InputFileError("object NPY arrays (dtype 'O') are not supported");
  const kind: NumericKind | undefined =
    letter === 'f' || letter === 'i' || letter === 'u' || letter === 'b' ? letter : letter === '?' ? 'b' : undefined;
  const itemSize = Number(parts?.[3] || (letter === '?' ? 1 : 0));
  if (!parts || !kind || !isSupportedNumeric(kind, itemSize)) {
    throw new InputFileError(`unsupported NPY dtype '${descr}' (expected a float, int, uint or bool type)`);
  }
  return { kind, itemSize, littleEndian: parts[1] !== '>', descr };
}

function parseShape(header: string): number[] {
  const match = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!match) throw new InputFileError('NPY header is corrupt (no shape)');
  const dims = (match[1] ?? '')
    .split(',')
    .map((d) => d.trim().replace(/L$/, ''))
    .filter((d) => d.length > 0);
  if (!dims.every((d) => /^\d+$/.test(d))) throw new InputFileError(`NPY header has an invalid shape (${match[1]})`);
  return dims.map(Number);
}
