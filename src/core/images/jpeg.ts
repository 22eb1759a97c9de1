/**
 * JPEG decoding by libjpeg-turbo — MozJPEG's decoder (libjpeg-turbo's, unchanged) compiled to
 * WebAssembly, as @jsquash/jpeg ships it. One wasm binary, so the samples are the same bytes in
 * every browser and under Node, and the same as Pillow's (Pillow decodes with libjpeg-turbo
 * too: its integer IDCT and fancy chroma upsampling).
 *
 * The wasm bytes come from the host: a browser worker fetches the self-hosted file, Node reads
 * it from node_modules (see `provideJpegWasm`). Nothing is fetched from elsewhere.
 */
import mozjpegFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';

/** What the wasm module's `decode` returns: RGBA, 4 bytes a pixel, alpha 255. */
interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
interface MozjpegModule {
  decode(data: Uint8Array, preserveOrientation: boolean): RgbaImage | null;
}
type Factory = (options: Record<string, unknown>) => Promise<MozjpegModule>;

let load: (() => Promise<WebAssembly.Module>) | null = null;
let compiled: Promise<WebAssembly.Module> | null = null;
let instance: Promise<MozjpegModule> | null = null;
/** libjpeg's messages (its stderr) during the current decode: warnings, then a fatal error's reason. */
let messages: string[] = [];

/**
 * Where the decoder's wasm bytes come from, compiled once per process or worker. The first
 * call wins: later calls (every Node image host calls it) change nothing.
 */
export function provideJpegWasm(loader: () => Promise<WebAssembly.Module>): void {
  load ??= loader;
}

function codec(): Promise<MozjpegModule> {
  if (!load) return Promise.reject(new Error('the JPEG decoder has no wasm (provideJpegWasm was not called)'));
  compiled ??= load();
  instance ??= compiled.then((module) =>
    (mozjpegFactory as unknown as Factory)({
      noInitialRun: true,
      // Instantiated from the compiled module we hold, so the glue never fetches or reads the file itself.
      instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
        const i = new WebAssembly.Instance(module, imports);
        done(i);
        return i.exports;
      },
      print: (line: string) => messages.push(line),
      printErr: (line: string) => messages.push(line),
    }),
  );
  return instance;
}

/**
 * libjpeg warnings that mean pixels were made up rather than read: the file ended before the
 * image did (libjpeg then fills the rest, Pillow calls it truncated), or the entropy-coded data
 * is broken. A file with one of them does not decode; other warnings (an unknown marker's
 * length, extra bytes after the image) leave every pixel from the file.
 */
const LOST_DATA = /^(Premature end of JPEG file|Corrupt JPEG data)/;

/**
 * Decode a JPEG to RGBA with libjpeg-turbo. Throws an Error whose message is libjpeg's own
 * reason when it stops or when a warning says pixels were lost. After a fatal error the wasm
 * instance is replaced: libjpeg leaves the failed decode's memory allocated in its heap, and a
 * folder of broken files must not grow it.
 */
export async function decodeJpegRgba(bytes: Uint8Array): Promise<RgbaImage> {
  const jpeg = await codec();
  messages = [];
  let image: RgbaImage | null;
  try {
    image = jpeg.decode(bytes, false);
  } catch {
    instance = null;
    throw new Error(messages.at(-1) ?? 'libjpeg stopped');
  }
  const lost = messages.find((m) => LOST_DATA.test(m));
  if (lost) throw new Error(lost);
  if (!image) throw new Error(messages.at(-1) ?? 'libjpeg returned no image');
  return image;
}
