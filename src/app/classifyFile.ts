import { detectFormat } from '../engine/ingest/detectFormat';

/** What a picked or dropped file is to the app. */
export type FileKind = 'data' | 'notebook' | 'manifest' | 'unsupported';

const DATA = /\.(parquet|pq|csv|tsv|jsonl|ndjson|arrow|arrows|ipc|feather)$/i;

/**
 * Decide by name (and, for an unknown name, by the Parquet or Arrow magic bytes): a data file,
 * a notebook (`.assay.md`), a manifest (`.json`), or something Assay does not read — which is
 * refused by name rather than opened as an empty or garbled source.
 */
export async function classifyFile(file: File): Promise<FileKind> {
  const name = file.name.toLowerCase();
  if (name.endsWith('.assay.md')) return 'notebook';
  if (name.endsWith('.json')) return 'manifest';
  if (DATA.test(name)) return 'data';
  // No name to go by: only the engine's magic-byte test (Parquet, Arrow) may say it is data.
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  return detectFormat('', head) ? 'data' : 'unsupported';
}
