/**
 * Measures image files for an images cell off the page's thread. Gets a File (passed by
 * reference, not copied) and reads it here, so the page never holds the bytes; decodes and
 * measures it with the same code `assay run` runs (src/core/images), and posts the row back.
 * The pool hands a worker its next files before the current one is done (see ImagePool):
 * they are read meanwhile, but files are decoded one after another, so one decoded image at a
 * time per worker and the pool bounds what is in memory.
 */
import jpegWasm from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import { measureImage, type ImageMeasure, type ImageMeasureName } from '../src/core/images/measure';
import { provideJpegWasm } from '../src/core/images/jpeg';

// The JPEG decoder's wasm, served by the app itself (same origin, as the CSP demands).
provideJpegWasm(async () => WebAssembly.compile(await (await fetch(jpegWasm)).arrayBuffer()));

export interface ImageJob {
  id: number;
  path: string;
  file: Blob;
  measures: ImageMeasureName[];
}
export type ImageReply = { id: number; row: ImageMeasure } | { id: number; error: string };

/** The file before is measured (or failed) once this settles: jobs run in the order they came. */
let previous: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<ImageJob>) => {
  const { id, path, file, measures } = e.data;
  const bytes = file.arrayBuffer();
  // Read failures surface when the job's turn comes, not as an unhandled rejection meanwhile.
  bytes.catch(() => {});
  previous = previous.then(async () => {
    try {
      self.postMessage({ id, row: await measureImage(path, new Uint8Array(await bytes), measures) } satisfies ImageReply);
    } catch (error) {
      self.postMessage({ id, error: `${path}: cannot be read (${error instanceof Error ? error.message : String(error)})` } satisfies ImageReply);
    }
  });
};
