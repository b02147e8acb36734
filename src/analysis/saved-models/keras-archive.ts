// The architecture of a saved `.keras` model: the archive's `config.json`, read
// from the zip's central directory without reading the rest of the file (the
// weights, often hundreds of MB, stay on disk for the engine to read).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { readWhileUnchanged } from './read-while-unchanged.js';

/** A config larger than this is not read: the analysis keeps every layer in memory. */
const maxConfigBytes = 64 * 1024 * 1024;
/** The end-of-central-directory record sits in the last 22 bytes, after a comment of at most 65,535. */
const maxTail = 22 + 65_535;

type ArchiveConfig = { text: string } | { problem: string } | { notZip: true };

/** `config.json` of a Keras v3 archive as text, or why it cannot be read; read again only when the file changes. */
export const readArchiveConfig = readWhileUnchanged(readConfig);

function readConfig(path: string): ArchiveConfig {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = statSync(path).size;
    const read = (offset: number, length: number): Buffer => {
      const buffer = Buffer.alloc(length);
      const got = readSync(fd!, buffer, 0, length, offset);
      return buffer.subarray(0, got);
    };
    const tailStart = Math.max(0, size - maxTail);
    const tail = read(tailStart, size - tailStart);
    let end = tail.length - 22;
    while (end >= 0 && tail.readUInt32LE(end) !== 0x06054b50) end--;
    if (end < 0) return { notZip: true };
    const entries = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || entries === 0xffff)
      return { problem: 'its zip is a ZIP64 archive (over 4 GB), which Tensor Lens does not read yet' };
    const directory = read(directoryOffset, directorySize);
    for (let at = 0, n = 0; n < entries && at + 46 <= directory.length; n++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) return { problem: 'its zip directory is corrupt' };
      const method = directory.readUInt16LE(at + 10);
      const compressed = directory.readUInt32LE(at + 20);
      const uncompressed = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localOffset = directory.readUInt32LE(at + 42);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (name !== 'config.json') continue;
      if (uncompressed > maxConfigBytes || compressed > maxConfigBytes)
        return { problem: `its config.json is over ${maxConfigBytes / 1024 / 1024} MB` };
      const local = read(localOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return { problem: 'its zip is corrupt' };
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = read(dataStart, compressed);
      if (data.length < compressed) return { problem: 'its zip is cut short' };
      if (method === 0) return { text: data.toString('utf8') };
      if (method === 8) return { text: inflateRawSync(data, { maxOutputLength: maxConfigBytes }).toString('utf8') };
      return { problem: `its config.json is compressed with method ${method}, which a .keras file does not use` };
    }
    return { problem: 'the archive has no config.json: it is not a model saved by Keras' };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
