import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { NativeEngine } from '../../src/engine/native/NativeEngine';
import { runNotebookFile } from '../../src/cli/runNotebookFile';
import { renderSnapshot } from '../../src/core/snapshot/renderSnapshot';
import { quoteIdent } from '../../src/core/sql/quote';

/**
 * A snapshot holds aggregates, never rows, so its size does not grow with the data: every
 * example notebook runs over its sources scaled (by repeating their rows) to 10k and to 1M
 * rows, and the snapshot must stay under 1 MB — and be about as large at 1M as at 10k.
 */
const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith('.assay.md')).sort();

describe('snapshot size does not grow with the data', () => {
  let engine: NativeEngine;
  beforeAll(async () => {
    engine = await NativeEngine.create();
  });
  afterAll(() => engine.close());

  const snapshotAt = async (file: string, rows: number) => {
    const scaled: Record<string, number> = {};
    const { text, results } = await runNotebookFile(join(dir, file), engine, {
      beforeRun: async (sources) => {
        for (const s of sources) {
          if (!s.rows) continue;
          const name = quoteIdent(s.name);
          const tmp = quoteIdent(`__scaled_${s.name}`);
          const kind = (await engine.query(`SELECT table_type AS t FROM information_schema.tables WHERE table_name = '${s.name.replaceAll("'", "''")}'`)).get(0)?.toJSON().t;
          await engine.query(`CREATE OR REPLACE TABLE ${tmp} AS SELECT s.* FROM ${name} s, range(${Math.ceil(rows / s.rows)}) r LIMIT ${rows}`);
          await engine.query(`DROP ${kind === 'VIEW' ? 'VIEW' : 'TABLE'} ${name}`);
          await engine.query(`ALTER TABLE ${tmp} RENAME TO ${name}`);
          scaled[s.name] = Number((await engine.query(`SELECT count(*) AS n FROM ${name}`)).get(0)!.toJSON().n);
        }
      },
    });
    for (const c of results.cells) expect(c.status, `${file} at ${rows}: ${c.name} ${c.error ?? ''}`).toBe('ok');
    return { bytes: Buffer.byteLength(renderSnapshot(text, results, { app: 'Assay test', ranAt: '2026-11-22T00:00:00Z' })), scaled };
  };

  for (const file of examples) {
    test(`${file}: under 1 MB at 10k rows and at 1M rows`, async () => {
      const small = await snapshotAt(file, 10_000);
      const large = await snapshotAt(file, 1_000_000);
      expect(Object.values(small.scaled).every((n) => n === 10_000)).toBe(true);
      expect(Object.values(large.scaled).every((n) => n === 1_000_000)).toBe(true);
      console.log(`[snapshot size] ${file}: ${small.bytes} bytes at 10k rows, ${large.bytes} bytes at 1M rows`);
      expect(small.bytes).toBeLessThan(1_000_000);
      expect(large.bytes).toBeLessThan(1_000_000);
      // Numbers get longer (1,000,000 is wider than 10,000); nothing else grows.
      expect(large.bytes / small.bytes).toBeLessThan(1.1);
      // Repeating rows gives each item of the labels example ~1,700 ratings, and the per-item
      // rater pairs grow with its square: 68 s alone, over 120 s beside the browser tests.
    }, 400_000);
  }
});
