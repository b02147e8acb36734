// Decoding of PNG and JPEG sample images to RGB float32 pixels in HWC order scaled to [0, 1].

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputFileError } from './errors.js';

/** Largest image decoded, in pixels (64 megapixels). */
export const MAX_IMAGE_PIXELS = 64 * 1000 * 1000;

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGB values in HWC order, each in [0, 1]; alpha is dropped as PIL's convert('RGB') does. */
  readonly data: Float32Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes a PNG or JPEG image, recognised by its magic bytes. */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return decodePng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return decodeJpeg(bytes);
  throw new InputFileError('unsupported image format (only PNG and JPEG are supported)');
}

function checkSize(format: string, width: number, height: number): void {
  if (width <= 0 || height <= 0) throw new InputFileError(`${format} image is corrupt (size ${width}x${height})`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new InputFileError(`${format} image is too large: ${width}x${height} exceeds the 64-megapixel limit`);
  }
}

function decodePng(bytes: Uint8Array): DecodedImage {
  // IHDR is always the first chunk: width, height (big-endian u32) and bit depth at fixed offsets.
  if (bytes.length < 33) throw new InputFileError('PNG image is corrupt or truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  checkSize('PNG', width, height);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: depth === 16,
    });
  } catch (error) {
    throw new InputFileError(`PNG image is corrupt or truncated (${messageOf(error)})`);
  }
  // pngjs always expands to RGBA; 16-bit data stays 16-bit when skipRescale is set.
  const rgba = png.data as Uint8Array | Uint16Array;
  const scale = rgba instanceof Uint16Array ? 1 / 65535 : 1 / 255;
  return { width: png.width, height: png.height, data: rgbaToRgb(rgba, png.width * png.height, 4, scale) };
}

function decodeJpeg(bytes: Uint8Array): DecodedImage {
  const size = jpegSize(bytes);
  if (!size) throw new InputFileError('JPEG image is corrupt or truncated (no frame header)');
  checkSize('JPEG', size.width, size.height);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 2048,
    });
  } catch (error) {
    throw new InputFileError(`JPEG image is corrupt or truncated (${messageOf(error)})`);
  }
  return {
    width: image.width,
    height: image.height,
    data: rgbaToRgb(image.data, image.width * image.height, 3, 1 / 255),
  };
}

function rgbaToRgb(source: Uint8Array | Uint16Array, pixels: number, channels: number, scale: number): Float32Array {
  if (source.length < pixels * channels) throw new InputFileError('image data is truncated');
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = (source[p * channels + c] ?? 0) * scale;
  }
  return out;
}

/** Reads width and height from the first SOFn marker, walking the marker segments. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      const height = ((bytes[at + 5] ?? 0) << 8) | (bytes[at + 6] ?? 0);
      const width = ((bytes[at + 7] ?? 0) << 8) | (bytes[at + 8] ?? 0);
      return { width, height };
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
