import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { detectFormat, type ImageFormat } from './format';
import { decodeJpegRgba } from './jpeg';

/**
 * A decoded image as 8-bit samples, `layout` samples per pixel, row-major: 1 grey,
 * 2 grey + alpha, 3 RGB, 4 RGBA. `channels` is what the file stores (a palette PNG stores
 * 3 or 4 after its palette is applied; a JPEG its number of components, 1, 3 or 4, whatever
 * its layout: libjpeg hands every JPEG over as opaque RGBA, jpeg-js a 4-component one as RGB).
 */
export interface DecodedImage {
  format: ImageFormat;
  width: number;
  height: number;
  channels: number;
  layout: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

/** A file that did not decode: its format (when its magic bytes named one) and why. */
export interface DecodeFailure {
  format: ImageFormat | null;
  error: string;
}

/** At most this many pixels are decoded (a hostile header cannot ask for gigabytes). */
export const MAX_PIXELS = 100_000_000;

/**
 * Decode PNG with fast-png and JPEG with libjpeg-turbo in WebAssembly (4-component JPEGs,
 * CMYK or YCCK, with jpeg-js: libjpeg does not convert them to RGB) — the same code and wasm in
 * every browser and under Node, so the samples are the same bytes everywhere. Never throws: a
 * file that does not decode comes back as a failure naming its format and the decoder's reason.
 */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage | DecodeFailure> {
  const format = detectFormat(bytes);
  if (bytes.length === 0) return { format: null, error: 'empty file' };
  if (format === null) return { format: null, error: 'not an image: no known format starts with these bytes' };
  if (format !== 'png' && format !== 'jpeg') return { format, error: `unsupported format: ${format.toUpperCase()} (Assay decodes PNG and JPEG)` };
  try {
    return format === 'png' ? fromPng(bytes) : await fromJpeg(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { format, error: `${format === 'png' ? 'PNG' : 'JPEG'} does not decode (truncated or corrupt): ${message}` };
  }
}

/** True for a decoded image, false for a failure. */
export function isDecoded(x: DecodedImage | DecodeFailure): x is DecodedImage {
  return 'data' in x;
}

function checkSize(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new Error(`image is ${width}×${height} pixels`);
  if (width * height > MAX_PIXELS) throw new Error(`image is ${width}×${height} pixels, more than ${MAX_PIXELS} pixels`);
}

function fromPng(bytes: Uint8Array): DecodedImage {
  const png = decodePng(bytes, { checkCrc: true });
  checkSize(png.width, png.height);
  const n = png.width * png.height;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png) as Uint8Array;
    const layout = (rgb.length / n) as 3 | 4;
    return { format: 'png', width: png.width, height: png.height, channels: layout, layout, data: rgb };
  }
  const channels = png.channels as 1 | 2 | 3 | 4;
  const samples = n * channels;
  let data: Uint8Array;
  if (png.depth === 8) data = png.data instanceof Uint8Array ? png.data : Uint8Array.from(png.data);
  else if (png.depth === 16) {
    // 16-bit samples: the high byte (v >> 8).
    data = new Uint8Array(samples);
    for (let i = 0; i < samples; i++) data[i] = png.data[i]! >> 8;
  } else {
    // 1-, 2- and 4-bit grey, packed per row: v scaled to 8 bits as v · 255 / (2^depth − 1).
    const depth = png.depth;
    const scale = 255 / ((1 << depth) - 1);
    const rowBytes = Math.ceil((png.width * depth * channels) / 8);
    data = new Uint8Array(samples);
    for (let y = 0; y < png.height; y++) {
      for (let s = 0; s < png.width * channels; s++) {
        const bit = s * depth;
        const byte = png.data[y * rowBytes + (bit >> 3)]!;
        const v = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        data[y * png.width * channels + s] = v * scale;
      }
    }
  }
  if (data.length !== samples) throw new Error(`image data holds ${data.length} samples, ${samples} expected`);
  return { format: 'png', width: png.width, height: png.height, channels, layout: channels, data };
}

/** What a JPEG's frame header (SOF) declares. */
export interface JpegFrame {
  width: number;
  height: number;
  components: number;
}

/** The frame header (SOF) of a JPEG: its size and number of components, or null when none comes before the first scan. */
export function jpegFrame(bytes: Uint8Array): JpegFrame | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width, components.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]!, components: bytes[i + 9]! };
    }
    if (marker === 0xda) return null;
    i += 2 + length;
  }
  return null;
}

/** The number of components a JPEG's frame header (SOF) declares, or null. */
export function jpegComponents(bytes: Uint8Array): number | null {
  return jpegFrame(bytes)?.components ?? null;
}

async function fromJpeg(bytes: Uint8Array): Promise<DecodedImage> {
  const frame = jpegFrame(bytes);
  // Checked before decoding: libjpeg would allocate whatever a hostile header asks for (a
  // height of 0 means "given by a DNL marker later", which libjpeg refuses itself).
  if (frame && frame.height > 0) checkSize(frame.width, frame.height);
  const channels = frame?.components ?? 3;
  if (channels === 4) return fromJpegJs(bytes, channels);
  const image = await decodeJpegRgba(bytes);
  checkSize(image.width, image.height);
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return { format: 'jpeg', width: image.width, height: image.height, channels, layout: 4, data };
}

function fromJpegJs(bytes: Uint8Array, channels: number): DecodedImage {
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  checkSize(image.width, image.height);
  return { format: 'jpeg', width: image.width, height: image.height, channels, layout: 3, data: image.data };
}
