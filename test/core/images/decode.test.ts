import { describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage, isDecoded, jpegComponents } from '../../../src/core/images/decode';
import { detectFormat } from '../../../src/core/images/format';
import { hashBands } from '../../../src/core/images/bands';
import { measureImage } from '../../../src/core/images/measure';

const rgb = (w: number, h: number) => Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);

describe('format from magic bytes', () => {
  it('names PNG, JPEG and the unsupported ones', () => {
    const b = (...x: (number | string)[]) => Uint8Array.from(x.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));
    expect(detectFormat(b(0x89, 'PNG', 13, 10, 26, 10, 0))).toBe('png');
    expect(detectFormat(b(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(detectFormat(b('GIF89a', 0))).toBe('gif');
    expect(detectFormat(b('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('webp');
    expect(detectFormat(b('II', 42, 0))).toBe('tiff');
    expect(detectFormat(b('hello'))).toBeNull();
  });
});

describe('decoding', () => {
  it('a PNG decodes to its exact samples; RGB stays 3 channels', () => {
    const data = rgb(5, 4);
    const out = decodeImage(encodePng({ width: 5, height: 4, data, channels: 3, depth: 8 }));
    expect(isDecoded(out) && [out.width, out.height, out.channels, out.layout]).toEqual([5, 4, 3, 3]);
    expect(isDecoded(out) && [...out.data]).toEqual([...data]);
  });

  it('16-bit PNG keeps the high byte; grey PNG is 1 channel', () => {
    const data = Uint16Array.from([0x0000, 0x01ff, 0xff00, 0xffff]);
    const out = decodeImage(encodePng({ width: 2, height: 2, data, channels: 1, depth: 16 }));
    expect(isDecoded(out) && [out.channels, [...out.data]]).toEqual([1, [0, 1, 255, 255]]);
  });

  it('a JPEG decodes with jpeg-js; its components come from the frame header', () => {
    const w = 16;
    const rgba = new Uint8Array(w * w * 4).fill(128);
    const bytes = jpeg.encode({ width: w, height: w, data: rgba }, 90).data;
    expect(jpegComponents(bytes)).toBe(3);
    const out = decodeImage(bytes);
    expect(isDecoded(out) && [out.format, out.width, out.height, out.channels]).toEqual(['jpeg', 16, 16, 3]);
  });

  it('names truncated files, unsupported formats and non-images', () => {
    const png = encodePng({ width: 8, height: 8, data: rgb(8, 8), channels: 3, depth: 8 });
    const cut = decodeImage(png.subarray(0, png.length - 20));
    expect(cut).toEqual({ format: 'png', error: expect.stringMatching(/^PNG does not decode \(truncated or corrupt\): /) });
    const gif = decodeImage(Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0))));
    expect(gif).toEqual({ format: 'gif', error: 'unsupported format: GIF (Assay decodes PNG and JPEG)' });
    expect(decodeImage(new Uint8Array(0))).toEqual({ format: null, error: 'empty file' });
    expect(decodeImage(Uint8Array.from([1, 2, 3]))).toEqual({ format: null, error: 'not an image: no known format starts with these bytes' });
  });

  it('measures a file: SHA-256 of its bytes, sizes, luminance, sharpness and dHash', async () => {
    // 3×3 grey: a single 90 in the centre → L = −360, variance 0; mean 10; dHash of a 3×3 image
    // whose middle column is brighter in the middle row: cells 3..5 of rows 3..4 (rows 8/3 scaled).
    const data = new Uint8Array(9);
    data[4] = 90;
    const m = await measureImage('a/b.png', encodePng({ width: 3, height: 3, data, channels: 1, depth: 8 }));
    expect(m).toMatchObject({ path: 'a/b.png', format: 'png', width: 3, height: 3, channels: 1, decode_error: null, mean_luminance: 10, sharpness: 0 });
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Columns: pixel 1 spans scaled [9, 18) → cells 3, 4, 5; row 1 spans [8, 16) → cell rows 2 (1/8… overlap 1), 3, 4 (3 each), 5 (1).
    // So rows 2–5 rise at cell 2→3 and fall at 5→6: bits 00100000 = 0x20 in rows 2–5.
    expect(m.dhash).toBe('0000202020200000');
  });
});

describe('hash bands', () => {
  it('d + 1 bands over 64 bits, the first 64 mod (d+1) one bit longer', () => {
    const eight = hashBands(8);
    expect(eight.map((b) => b.length)).toEqual([8, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect(eight.at(-1)).toEqual({ offset: 57, length: 7 });
    expect(hashBands(0)).toEqual([{ offset: 0, length: 64 }]);
    expect(hashBands(7).every((b) => b.length === 8)).toBe(true);
    expect(() => hashBands(32)).toThrow();
  });
});
