// Tests for the sample-input readers: NumPy .npy arrays and PNG/JPEG images.

import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputFileError } from '../../../src/engine/inputs/errors.js';
import { decodeImage } from '../../../src/engine/inputs/image.js';
import { readNpy, writeNpy } from '../../../src/engine/inputs/npy.js';

// Files written by NumPy 2 (np.save, or np.lib.format.write_array for versions 2.0 and 3.0), base64-encoded.
const NUMPY = {
  // np.array([[1.5, -2.25, 3.0], [0.0, 1e-3, -7.0]], '>f4')
  f4BigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/wAAAwBAAAEBAAAAAAAAAOoMSb8DgAAA=',
  // np.array([0.1, -2.5, 1e10])
  f8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqamZmZmZm5PwAAAAAAAATAAAAAIF+gAkI=',
  // np.array([0.5, -1.0, 65504.0, 6.1035156e-05], '<f2')
  f2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAOAC8/3sABA==',
  // np.array([-128, 0, 127], 'i1')
  i1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH8=',
  // np.array([-300, 300], '>i2')
  i2BigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr+1AEs',
  // np.array([[-70000], [70000]], '<i4')
  i4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqQ7v7/cBEBAA==',
  // np.array([-(2**40), 2**40], '<i8')
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAP///wAAAAAAAQAA',
  // np.array([0, 200, 255], 'u1')
  u1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAyP8=',
  // np.array([65535], '<u2')
  u2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//w==',
  // np.array([4000000000], '<u4')
  u4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPHU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAKGvu',
  // np.array([2**33], '>u8')
  u8BigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPnU4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAACAAAAAA==',
  // np.array([True, False, True])
  b1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  // np.array(2.5, 'f4')
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAACBA',
  // np.lib.format.write_array(f, np.array([1.0, 2.0], 'f4'), version=(2, 0))
  version2:
    'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==',
  // the same with version=(3, 0)
  version3:
    'k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==',
  // np.asfortranarray(np.arange(6, dtype='f4').reshape(2, 3))
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=',
  // np.array([1, 'a'], dtype=object), saved with allow_pickle=True
  object:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABJWQAAAAAAAAAIwWbnVtcHkuX2NvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwKFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlChLAYwBYZRldJRiLg==',
  // np.array([1+2j], 'c8')
  complex:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==',
  // np.save(f, np.array([[1, -2.5, 3], [4, 5, 0.125]], 'f4'))
  written:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAgwAAAQEAAAIBAAACgQAAAAD4=',
  // np.save(f, np.array([7], 'f4'))
  written1d:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAOBA',
};

function numpy(name: keyof typeof NUMPY): Uint8Array {
  return new Uint8Array(Buffer.from(NUMPY[name], 'base64'));
}

function expectInputError(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InputFileError, `expected an InputFileError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('engine/inputs: readNpy', function () {
  it('round-trips float32 arrays of any rank through writeNpy', function () {
    for (const shape of [[2, 3], [5], [], [0, 3], [1, 2, 2, 1]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: count }, (_, i) => i * 0.5 - 1);
      const array = readNpy(writeNpy(shape, data));
      assert.deepEqual(array.shape, shape);
      assert.equal(array.dtype, 'float32');
      assert.deepEqual(array.data, data);
    }
  });

  it('writes the same bytes as np.save', function () {
    assert.deepEqual(writeNpy([2, 3], new Float32Array([1, -2.5, 3, 4, 5, 0.125])), numpy('written'));
    assert.deepEqual(writeNpy([1], new Float32Array([7])), numpy('written1d'));
  });

  it('rejects writing data that does not fit the shape', function () {
    expectInputError(() => writeNpy([2, 2], new Float32Array(3)), 'shape (2, 2) does not match 3 values');
  });

  it('reads big-endian float32 and float64, float16 and bool arrays written by NumPy', function () {
    const be = readNpy(numpy('f4BigEndian'));
    assert.deepEqual(be.shape, [2, 3]);
    assert.equal(be.dtype, 'float32');
    assert.deepEqual(be.data, new Float32Array([1.5, -2.25, 3.0, 0.0, 1e-3, -7.0]));
    assert.deepEqual(readNpy(numpy('f8')), { shape: [3], dtype: 'float64', data: new Float32Array([0.1, -2.5, 1e10]) });
    assert.deepEqual(readNpy(numpy('f2')), {
      shape: [4],
      dtype: 'float16',
      data: new Float32Array([0.5, -1.0, 65504.0, 2 ** -14]),
    });
    assert.deepEqual(readNpy(numpy('b1')), { shape: [3], dtype: 'bool', data: new Float32Array([1, 0, 1]) });
    assert.deepEqual(readNpy(numpy('scalar')), { shape: [], dtype: 'float32', data: new Float32Array([2.5]) });
  });

  it('reads signed and unsigned integer arrays of every width', function () {
    const cases: [keyof typeof NUMPY, string, number[], number[]][] = [
      ['i1', 'int8', [3], [-128, 0, 127]],
      ['i2BigEndian', 'int16', [2], [-300, 300]],
      ['i4', 'int32', [2, 1], [-70000, 70000]],
      ['i8', 'int64', [2], [-(2 ** 40), 2 ** 40]],
      ['u1', 'uint8', [3], [0, 200, 255]],
      ['u2', 'uint16', [1], [65535]],
      ['u4', 'uint32', [1], [4000000000]],
      ['u8BigEndian', 'uint64', [1], [2 ** 33]],
    ];
    for (const [name, dtype, shape, values] of cases) {
      assert.deepEqual(readNpy(numpy(name)), { shape, dtype, data: new Float32Array(values) }, name);
    }
  });

  it('reads format versions 2.0 and 3.0', function () {
    for (const name of ['version2', 'version3'] as const) {
      assert.deepEqual(readNpy(numpy(name)), { shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) });
    }
  });

  it('reads arrays that are views into a larger buffer', function () {
    const bytes = numpy('i4');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    assert.deepEqual(readNpy(padded.subarray(3)).data, new Float32Array([-70000, 70000]));
  });

  it('reads float32 from a Node Buffer that is a view into a shared pool (as readFileSync returns)', function () {
    const bytes = writeNpy([1, 4], Float32Array.from([1, -2, 0.5, 3]));
    const pooled = Buffer.concat([Buffer.from('padding'), Buffer.from(bytes)]).subarray('padding'.length);
    assert.deepEqual(readNpy(pooled).data, Float32Array.from([1, -2, 0.5, 3]));
  });

  it('rejects Fortran-order, object, complex and structured arrays', function () {
    expectInputError(
      () => readNpy(numpy('fortran')),
      'Fortran-order NPY arrays are not supported; save a C-order array (np.ascontiguousarray)',
    );
    expectInputError(() => readNpy(numpy('object')), "object NPY arrays (dtype 'O') are not supported");
    expectInputError(() => readNpy(numpy('complex')), "unsupported NPY dtype '<c8' (expected a float, int, uint or bool type)");
    const structured = writeNpy([1], new Float32Array(1));
    const header = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    structured.set(new TextEncoder().encode(header.padEnd(117, ' ')), 10);
    expectInputError(() => readNpy(structured), 'structured NPY arrays are not supported');
  });

  it('rejects truncated data and headers', function () {
    const bytes = numpy('i4');
    expectInputError(
      () => readNpy(bytes.subarray(0, bytes.length - 1)),
      'NPY file is truncated: shape (2, 1) of <i4 needs 8 bytes of data, found 7',
    );
    expectInputError(() => readNpy(bytes.subarray(0, 50)), 'NPY file is truncated (incomplete header)');
  });

  it('rejects a header that declares an enormous shape without allocating it', function () {
    const bytes = writeNpy([2], new Float32Array(2));
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }";
    bytes.set(new TextEncoder().encode(header.padEnd(117, ' ')), 10);
    expectInputError(
      () => readNpy(bytes),
      'NPY file is truncated: shape (100000, 100000, 100000) of <f4 needs 4000000000000000 bytes of data, found 8',
    );
  });

  it('rejects files that are not NPY', function () {
    expectInputError(() => readNpy(new TextEncoder().encode('a,b,c\n1,2,3\n')), /^not an NPY file/);
    expectInputError(() => readNpy(new Uint8Array(0)), /^not an NPY file/);
  });
});

describe('engine/inputs: decodeImage', function () {
  function png(width: number, height: number, colorType: 0 | 2 | 4 | 6, data: Uint8Array | Uint16Array, bitDepth: 8 | 16 = 8): Uint8Array {
    const image = new PNG({ width, height });
    image.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return new Uint8Array(PNG.sync.write(image, { colorType, inputColorType: colorType, bitDepth }));
  }

  it('decodes an RGB PNG to HWC values in [0, 1]', function () {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 51, 102, 204]);
    const image = decodeImage(png(3, 2, 2, rgb));
    assert.equal(image.width, 3);
    assert.equal(image.height, 2);
    assert.deepEqual(
      image.data,
      Float32Array.from(rgb, (v) => v / 255),
    );
  });

  it('drops the alpha channel of an RGBA PNG', function () {
    const image = decodeImage(png(2, 1, 6, Uint8Array.from([10, 20, 30, 0, 40, 50, 60, 255])));
    assert.deepEqual(
      image.data,
      Float32Array.from([10, 20, 30, 40, 50, 60], (v) => v / 255),
    );
  });

  it('expands grayscale and grayscale-alpha PNGs to RGB', function () {
    const gray = decodeImage(png(2, 2, 0, Uint8Array.from([0, 85, 170, 255])));
    assert.deepEqual(
      gray.data,
      Float32Array.from([0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255], (v) => v / 255),
    );
    const grayAlpha = decodeImage(png(1, 1, 4, Uint8Array.from([128, 7])));
    assert.deepEqual(
      grayAlpha.data,
      Float32Array.from([128, 128, 128], (v) => v / 255),
    );
  });

  it('keeps the full precision of 16-bit PNGs', function () {
    const values = Uint16Array.from([0, 1, 65535, 32768, 1000, 60000]);
    const image = decodeImage(png(2, 1, 2, values, 16));
    assert.deepEqual(
      image.data,
      Float32Array.from(values, (v) => v / 65535),
    );
  });

  it('decodes a JPEG within JPEG tolerance', function () {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        rgba.set([x * 16, y * 32, 128, 255], (y * width + x) * 4);
      }
    }
    const encoded = jpeg.encode({ width, height, data: rgba }, 95).data;
    const image = decodeImage(new Uint8Array(encoded));
    assert.equal(image.width, width);
    assert.equal(image.height, height);
    assert.equal(image.data.length, width * height * 3);
    let worst = 0;
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        worst = Math.max(worst, Math.abs((image.data[p * 3 + c] ?? 0) - (rgba[p * 4 + c] ?? 0) / 255));
      }
    }
    assert.ok(worst < 12 / 255, `largest JPEG error ${worst * 255}/255`);
  });

  it('rejects images over 64 megapixels before decoding them', function () {
    const header = png(1, 1, 2, Uint8Array.from([1, 2, 3]));
    const view = new DataView(header.buffer, header.byteOffset);
    view.setUint32(16, 10000);
    view.setUint32(20, 10000);
    expectInputError(() => decodeImage(header), 'PNG image is too large: 10000x10000 exceeds the 64-megapixel limit');

    const jpegHeader = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x23, 0x28, 0x23, 0x28, 3, 1, 0x22, 0]);
    expectInputError(() => decodeImage(jpegHeader), 'JPEG image is too large: 9000x9000 exceeds the 64-megapixel limit');
  });

  it('rejects truncated PNG and JPEG images', function () {
    const image = png(4, 4, 2, new Uint8Array(48).fill(9));
    expectInputError(() => decodeImage(image.subarray(0, image.length - 20)), /^PNG image is corrupt or truncated/);
    expectInputError(
      () => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])),
      'JPEG image is corrupt or truncated (no frame header)',
    );
  });

  it('rejects formats other than PNG and JPEG', function () {
    expectInputError(
      () => decodeImage(new TextEncoder().encode('GIF89a....')),
      'unsupported image format (only PNG and JPEG are supported)',
    );
    expectInputError(() => decodeImage(new Uint8Array(0)), 'unsupported image format (only PNG and JPEG are supported)');
  });
});
