import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { AssayError, messageOf } from '../core/errors';
import { measureFiles, type ImageFileRef } from '../core/images/measure';
import type { ImageRequest } from '../core/cells/CellKind';
import type { ImageMeasure } from '../core/images/measure';
import { provideJpegWasm } from '../core/images/jpeg';

/** The JPEG decoder's wasm under Node: read from the installed package, compiled once. */
export async function nodeJpegWasm(): Promise<WebAssembly.Module> {
  const file = createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
  return WebAssembly.compile(await readFile(file));
}

/**
 * The files under an image folder, paths relative to it with `/`, in code-unit order; files
 * and folders whose name starts with a dot are left out. `inside` resolves (and polices) each
 * real path, so a link out of the project is refused like any other path.
 */
export async function listImageFolder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const kind = entry.isSymbolicLink() ? await stat(full).catch(() => null) : entry;
      if (kind?.isDirectory()) await walk(full);
      else if (kind?.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  await walk(root);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The CLI's image host: the folder resolved against the notebook (through `inside`, which
 * follows links and keeps paths in the project), every file read and measured in turn by the
 * same code the browser's workers run.
 */
export function nodeImageHost(inside: (path: string) => Promise<string>): (request: ImageRequest) => Promise<ImageMeasure[]> {
  provideJpegWasm(nodeJpegWasm);
  return async ({ folder, measures }) => {
    const root = await inside(folder);
    if (!(await stat(root)).isDirectory()) throw new AssayError('input', 'is not a folder', { subject: folder });
    const paths = await listImageFolder(root);
    const files: ImageFileRef[] = paths.map((p) => ({
      path: p,
      read: async () => {
        const real = await inside(`${folder.replace(/\/+$/, '')}/${p}`);
        try {
          return new Uint8Array(await readFile(real));
        } catch (cause) {
          throw new AssayError('input', `cannot be read (${messageOf(cause)})`, { subject: `${folder}/${p}`, cause });
        }
      },
    }));
    return measureFiles(files, measures);
  };
}


