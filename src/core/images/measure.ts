import { sha256 } from 'hash-wasm';
import { decodeImage, isDecoded } from './decode';
import { dHash, hashHex } from './dhash';
import { toGrey } from './grey';
import { meanLuminance } from './luminance';
import { laplacianVariance } from './sharpness';

/** The measures an images cell may compute besides size and fingerprint (all by default). */
export const IMAGE_MEASURES = ['luminance', 'sharpness', 'dhash'] as const;
export type ImageMeasureName = (typeof IMAGE_MEASURES)[number];

/** One file of an image folder: what reading and decoding it found. */
export interface ImageMeasure {
  /** The path within the folder, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
  /** From the magic bytes (png, jpeg, gif, …); null when none is recognised. */
  format: string | null;
  width: number | null;
  height: number | null;
  channels: number | null;
  /** Why the file did not decode (unsupported format, truncated or corrupt); null when it did. */
  decode_error: string | null;
  mean_luminance: number | null;
  sharpness: number | null;
  /** The 64-bit dHash as 16 hex digits. */
  dhash: string | null;
}

/** Read, decode and measure one file. The same code in a browser worker and under Node. */
export async function measureImage(path: string, bytes: Uint8Array, measures: readonly ImageMeasureName[] = IMAGE_MEASURES): Promise<ImageMeasure> {
  const digest = await sha256(bytes);
  const decoded = await decodeImage(bytes);
  const row: ImageMeasure = { path, bytes: bytes.length, sha256: digest, format: decoded.format, width: null, height: null, channels: null, decode_error: null, mean_luminance: null, sharpness: null, dhash: null };
  if (!isDecoded(decoded)) return { ...row, decode_error: decoded.error };
  const { width, height } = decoded;
  row.width = width;
  row.height = height;
  row.channels = decoded.channels;
  const grey = toGrey(decoded);
  if (measures.includes('luminance')) row.mean_luminance = meanLuminance(grey);
  if (measures.includes('sharpness')) row.sharpness = laplacianVariance(grey, width, height);
  if (measures.includes('dhash')) row.dhash = hashHex(dHash(grey, width, height));
  return row;
}

/** A file to measure: its path within the folder and how to read it. */
export interface ImageFileRef {
  path: string;
  read(): Promise<Uint8Array>;
}

/**
 * Measure files one after another (the CLI's way; the browser spreads them over a pool of
 * workers). One file's bytes and decoded samples are held at a time.
 */
export async function measureFiles(files: readonly ImageFileRef[], measures: readonly ImageMeasureName[], onProgress?: (done: number, total: number) => void, shouldStop?: () => boolean): Promise<ImageMeasure[]> {
  const out: ImageMeasure[] = [];
  for (const f of files) {
    if (shouldStop?.()) throw new Error('cancelled');
    out.push(await measureImage(f.path, await f.read(), measures));
    onProgress?.(out.length, files.length);
  }
  return out;
}
