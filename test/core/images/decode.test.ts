import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage, isDecoded, jpegComponents, jpegFrame, MAX_PIXELS, type DecodedImage } from '../../../src/core/images/decode';
import { provideJpegWasm } from '../../../src/core/images/jpeg';
import { nodeJpegWasm } from '../../../src/cli/imageFolder';
import { detectFormat } from '../../../src/core/images/format';
import { hashBands } from '../../../src/core/images/bands';
import { measureImage } from '../../../src/core/images/measure';

beforeAll(() => provideJpegWasm(nodeJpegWasm));

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));
const pillow = JSON.parse(readFileSync(new URL('fixtures/pillow.json', import.meta.url), 'utf8')) as Record<string, { mode: string; width: number; height: number; rgb_sha256: string }>;
/** SHA-256 of a decoded image's samples as RGB, 3 bytes a pixel (what fixtures/make_fixtures.py hashes of Pillow's). */
function rgbSha256(d: DecodedImage): string {
  const n = d.width * d.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = d.layout <= 2 ? d.data[i * d.layout]! : d.data[i * d.layout + c]!;
  return createHash('sha256').update(out).digest('hex');
}

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
  it('a PNG decodes to its exact samples; RGB stays 3 channels', async () => {
    const data = rgb(5, 4);
    const out = await decodeImage(encodePng({ width: 5, height: 4, data, channels: 3, depth: 8 }));
    expect(isDecoded(out) && [out.width, out.height, out.channels, out.layout]).toEqual([5, 4, 3, 3]);
    expect(isDecoded(out) && [...out.data]).toEqual([...data]);
  });

  it('16-bit PNG keeps the high byte; grey PNG is 1 channel', async () => {
    const data = Uint16Array.from([0x0000, 0x01ff, 0xff00, 0xffff]);
    const out = await decodeImage(encodePng({ width: 2, height: 2, data, channels: 1, depth: 16 }));
    expect(isDecoded(out) && [out.channels, [...out.data]]).toEqual([1, [0, 1, 255, 255]]);
  });

  it('a JPEG decodes with libjpeg-turbo; its components come from the frame header', async () => {
    const w = 16;
    const rgba = new Uint8Array(w * w * 4).fill(128);
    const bytes = jpeg.encode({ width: w, height: w, data: rgba }, 90).data;
    expect(jpegComponents(bytes)).toBe(3);
    expect(jpegFrame(bytes)).toEqual({ width: 16, height: 16, components: 3 });
    const out = await decodeImage(bytes);
    expect(isDecoded(out) && [out.format, out.width, out.height, out.channels, out.layout]).toEqual(['jpeg', 16, 16, 3, 4]);
  });

  it('grey and progressive JPEGs decode to exactly the samples Pillow decodes (libjpeg-turbo both)', async () => {
    for (const [name, channels] of [['grey.jpg', 1], ['rgb-progressive.jpg', 3]] as const) {
      const out = await decodeImage(fixture(name));
      if (!isDecoded(out)) throw new Error(`${name}: ${out.error}`);
      expect([out.width, out.height, out.channels], name).toEqual([pillow[name]!.width, pillow[name]!.height, channels]);
      expect(rgbSha256(out), name).toBe(pillow[name]!.rgb_sha256);
    }
  });

  it('a CMYK JPEG decodes (jpeg-js) with 4 channels', async () => {
    const out = await decodeImage(fixture('cmyk.jpg'));
    expect(isDecoded(out) && [out.width, out.height, out.channels, out.layout]).toEqual([37, 24, 4, 3]);
  });

  it('a truncated or corrupt JPEG is named, and the decoder goes on working after it', async () => {
    // Cut inside the entropy-coded data, as the sample folder's truncated files are.
    const baseline = jpeg.encode({ width: 32, height: 32, data: Uint8Array.from({ length: 32 * 32 * 4 }, (_, i) => (i * 97) % 251) }, 90).data;
    expect(await decodeImage(baseline.subarray(0, Math.floor(baseline.length * 0.6)))).toEqual({ format: 'jpeg', error: 'JPEG does not decode (truncated or corrupt): Premature end of JPEG file' });
    // No frame header at all: libjpeg stops with its reason.
    expect(await decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]))).toEqual({ format: 'jpeg', error: expect.stringMatching(/^JPEG does not decode \(truncated or corrupt\): \S/) });
    // Entropy-coded data overwritten: pixels would be made up, so it does not decode.
    const broken = fixture('grey.jpg');
    const sos = broken.findIndex((b, i) => b === 0xff && broken[i + 1] === 0xda);
    broken.fill(0x00, sos + 20, broken.length - 2);
    broken.fill(0xff, sos + 30, sos + 40);
    expect(await decodeImage(broken)).toEqual({ format: 'jpeg', error: expect.stringMatching(/^JPEG does not decode \(truncated or corrupt\): /) });
    const again = await decodeImage(fixture('rgb-progressive.jpg'));
    expect(isDecoded(again) && rgbSha256(again)).toBe(pillow['rgb-progressive.jpg']!.rgb_sha256);
  });

  it('a JPEG header asking for more than MAX_PIXELS is refused before decoding', async () => {
    const bytes = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(200) }, 90).data);
    const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
    bytes.set([0xff, 0xff, 0xff, 0xff], sof + 5); // 65535 × 65535
    expect(MAX_PIXELS).toBeLessThan(65535 * 65535);
    expect(await decodeImage(bytes)).toEqual({ format: 'jpeg', error: expect.stringMatching(/more than 100000000 pixels$/) });
  });

  it('names truncated files, unsupported formats and non-images', async () => {
    const png = encodePng({ width: 8, height: 8, data: rgb(8, 8), channels: 3, depth: 8 });
    const cut = await decodeImage(png.subarray(0, png.length - 20));
    expect(cut).toEqual({ format: 'png', error: expect.stringMatching(/^PNG does not decode \(truncated or corrupt\): /) });
    const gif = await decodeImage(Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0))));
    expect(gif).toEqual({ format: 'gif', error: 'unsupported format: GIF (Assay decodes PNG and JPEG)' });
    expect(await decodeImage(new Uint8Array(0))).toEqual({ format: null, error: 'empty file' });
    expect(await decodeImage(Uint8Array.from([1, 2, 3]))).toEqual({ format: null, error: 'not an image: no known format starts with these bytes' });
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
