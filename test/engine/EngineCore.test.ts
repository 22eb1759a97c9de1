import { describe, expect, test } from 'vitest';
import type { DuckBackend } from '../../src/engine/DuckBackend';
import { NodeEngine } from '../../src/engine/node/NodeEngine';

/**
 * The threaded browser bundle answers "no batch ready yet" with null and "no more batches"
 * with an empty buffer. A backend that interleaves nulls reproduces that under Node.
 */
function slowBatches(inner: DuckBackend): DuckBackend & { nulls: number } {
  let calls = 0;
  const slow = {
    nulls: 0,
    bundle: inner.bundle,
    threads: inner.threads,
    startPending: (sql: string) => inner.startPending(sql),
    pollPending: () => inner.pollPending(),
    cancelPending: () => inner.cancelPending(),
    registerFile: (name: string, file: Blob) => inner.registerFile(name, file),
    dropFile: (name: string) => inner.dropFile(name),
    insertArrowIPC: (table: string, ipc: Uint8Array, create: boolean) => inner.insertArrowIPC(table, ipc, create),
    fetchResults: async () => {
      if (++calls % 2 === 1) {
        slow.nulls++;
        return null;
      }
      return inner.fetchResults();
    },
  };
  return slow;
}

describe('EngineCore result streaming', () => {
  test('a batch that is not ready yet is waited for, not taken as the end of the result', async () => {
    let backend: (DuckBackend & { nulls: number }) | null = null;
    const engine = await NodeEngine.create({ wrapBackend: (b) => (backend = slowBatches(b)) });
    // Several record batches (DuckDB emits 2,048-row vectors), so the stream is read in many steps.
    const t = await engine.query('SELECT range AS i FROM range(10000)');
    expect(t.numRows).toBe(10_000);
    expect(Number(t.getChild('i')!.get(9_999))).toBe(9_999);
    const agg = await engine.query('SELECT count(*) AS n, sum(range) AS s FROM range(10000)');
    expect(agg.numRows).toBe(1);
    expect(Number(agg.get(0)!.toJSON().s)).toBe(49_995_000);
    expect(backend!.nulls).toBeGreaterThan(2);
  });
});
