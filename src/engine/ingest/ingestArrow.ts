import { RecordBatchReader, RecordBatchStreamWriter } from 'apache-arrow';
import { AssayError } from '../../core/errors';
import type { IngestContext } from './IngestContext';

/**
 * Read an Arrow IPC file or stream and hand it to DuckDB batch by batch, re-framed as
 * IPC stream messages (DuckDB-WASM takes the stream format only).
 */
export async function ingestArrow(ctx: IngestContext): Promise<void> {
  const bytes = new Uint8Array(await ctx.file.arrayBuffer());
  let reader: RecordBatchReader;
  try {
    reader = RecordBatchReader.from(bytes);
    reader.open();
  } catch (cause) {
    throw new AssayError('input', `not a readable Arrow IPC file (${String(cause)})`, { subject: ctx.fileName, cause });
  }
  let first = true;
  let done = 0;
  try {
    for (const batch of reader) {
      ctx.checkCancelled();
      const writer = new RecordBatchStreamWriter();
      writer.write(batch);
      writer.finish();
      await ctx.backend.insertArrowIPC(ctx.table, writer.toUint8Array(true), first);
      first = false;
      done += batch.numRows;
      ctx.progress({ phase: 'rows', fileName: ctx.fileName, done, total: null });
    }
  } catch (cause) {
    if (cause instanceof AssayError) throw cause;
    throw new AssayError('input', `Arrow data is corrupt or truncated (${String(cause)})`, { subject: ctx.fileName, cause });
  }
  if (first) {
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, reader.schema);
    writer.finish();
    await ctx.backend.insertArrowIPC(ctx.table, writer.toUint8Array(true), true);
  }
}
