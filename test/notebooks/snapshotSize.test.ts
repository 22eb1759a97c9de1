import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // The sealed engine opens no more files (see src/engine/sandbox.ts): one engine per run; this
  // one, unsealed, only writes the test's own data files.
  let engine: NativeEngine;
  beforeAll(async () => {
    engine = await NativeEngine.create();
  });
  afterAll(() => engine.close());

  const snapshotAt = async (file: string, rows: number) => {
    const scaled: Record<string, number> = {};
    const engine = await NativeEngine.create();
    try {
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
    } finally {
      await engine.close();
    }
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

  test('200,000 classes: drift, sample and profile list the 50 largest and sum the rest; the full tables stay views', async () => {
    const work = mkdtempSync(join(tmpdir(), 'assay-classes-'));
    try {
      writeFileSync(join(work, 'package.json'), '{}');
      const path = (f: string) => join(work, f).replaceAll("'", "''");
      // 400,000 rows over 200,000 labels on each side, 10,000 of them different between the sides.
      await engine.query(`COPY (SELECT range AS id, 'k' || (range % 200000) AS label, (range % 7)::DOUBLE AS x FROM range(400000)) TO '${path('a.parquet')}'`);
      await engine.query(`COPY (SELECT range AS id, 'k' || ((range % 200000) + 10000) AS label, (range % 5)::DOUBLE AS x FROM range(400000)) TO '${path('b.parquet')}'`);
      const nb = '---\nsources:\n  a: a.parquet\n  b: b.parquet\n---\n```drift d\nbaseline: a\ncurrent: b\nlabel: label\n```\n```sample s\nsource: a\nstratify: label\nkey: id\nfraction: 0.05\nseed: 1\n```\n```profile p\nsource: a\n```\n```sql full\nSELECT (SELECT count(*) FROM d WHERE "column" = \'label\') AS categories, (SELECT count(*) FROM s_per_class) AS strata\n```\n';
      writeFileSync(join(work, 'nb.assay.md'), nb);
      const runner = await NativeEngine.create();
      const { text, results } = await runNotebookFile(join(work, 'nb.assay.md'), runner).finally(() => runner.close());
      for (const c of results.cells) expect(c.status, `${c.name}: ${c.error ?? ''}`).toBe('ok');
      const cell = (n: string) => results.cells.find((c) => c.name === n)!.result!;
      const label = (cell('d').columns as { column: string; bins: unknown[]; categories: number; other: { categories: number; baseline: number; current: number }; new_categories: string[]; new_categories_count: number }[]).find((c) => c.column === 'label')!;
      expect(label.bins).toHaveLength(50);
      expect(label.categories).toBe(210_000);
      expect(label.other.categories).toBe(209_950);
      expect(label.other.baseline + label.other.current).toBe(800_000 - 50 * 4 + 0);
      expect(label.new_categories).toHaveLength(50);
      expect(label.new_categories_count).toBe(10_000);
      const s = cell('s') as { per_class: unknown[]; strata: number; other: { strata: number; population: number } };
      expect(s.per_class).toHaveLength(50);
      expect(s.strata).toBe(200_000);
      expect(s.other).toMatchObject({ strata: 199_950, population: 400_000 - 50 * 2 });
      expect((cell('full').head as Record<string, unknown>[])[0]).toEqual({ categories: 210_000, strata: 200_000 });
      // Everything but the sampled keys (rows, which a snapshot never holds) is small.
      for (const n of ['d', 's', 'p']) expect(JSON.stringify({ ...cell(n), keys: undefined }).length, n).toBeLessThan(100_000);
      const bytes = Buffer.byteLength(renderSnapshot(text, results, { app: 'Assay test', ranAt: '2026-11-22T00:00:00Z' }));
      console.log(`[snapshot size] 200,000 classes: ${bytes} bytes`);
      expect(bytes).toBeLessThan(200_000);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 400_000);
});
