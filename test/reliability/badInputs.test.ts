import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Float16, Table, TimeUnit, makeVector, tableToIPC, tableFromArrays, vectorFromArray } from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { messageOf } from '../../src/core/errors';
import { parseNotebook } from '../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../src/core/notebook/analyzeNotebook';
import { runCells } from '../../src/core/notebook/runCells';
import { parseManifest, checkFile } from '../../src/core/manifest/manifest';
import { runNotebookFile } from '../../src/cli/runNotebookFile';

/**
 * The bad-input corpus: each input with the outcome a user must see — an error naming the
 * file or cell and the problem, or a clean load where the input is odd but readable. After
 * every file the engine still answers, and the table loaded before under the same name is
 * untouched (a failed load never replaces it).
 */
const sample = (name: string) => readFileSync(fileURLToPath(new URL(`../../sample-data/${name}`, import.meta.url)));
const parquet = sample('defects_v1.parquet');
const bytes = (text: string) => new TextEncoder().encode(text);

type FileCase = { name: string; file: string; data: Uint8Array; error?: RegExp; rows?: number; columns?: string[] };

const FILES: FileCase[] = [
  { name: 'an empty file', file: 'empty.csv', data: new Uint8Array(0), error: /^empty\.csv: the file is empty \(0 bytes\)$/ },
  { name: 'a truncated Parquet file', file: 'cut.parquet', data: parquet.subarray(0, Math.floor(parquet.length / 2)), error: /^cut\.parquet: not a readable Parquet file \(truncated or corrupt/ },
  { name: 'a Parquet file with its footer damaged', file: 'footer.parquet', data: Uint8Array.from(parquet, (b, i) => (i > parquet.length - 200 && i < parquet.length - 8 ? b ^ 0x5a : b)), error: /^footer\.parquet: not a readable Parquet file/ },
  { name: 'a Parquet file with corrupt data pages', file: 'pages.parquet', data: Uint8Array.from(parquet, (b, i) => (i > 2000 && i < 60000 ? b ^ 0xff : b)), error: /^pages\.parquet: (row group 1 of \d+ cannot be decoded|cannot be opened as parquet)/ },
  { name: 'a file that is not data at all', file: 'photo.bin', data: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), error: /^photo\.bin: unknown file type: expected Parquet, CSV, JSON Lines or Arrow IPC$/ },
  { name: 'a CSV with ragged rows', file: 'ragged.csv', data: bytes('a,b,c\n1,2,3\n4,5\n6,7,8,9\n'), error: /^ragged\.csv: .*line [2-5]/i },
  { name: 'a CSV with semicolons (another delimiter)', file: 'semi.csv', data: bytes('a;b;c\n1;2;3\n4;5;6\n'), rows: 2, columns: ['a', 'b', 'c'] },
  { name: 'a tab-separated file named .csv', file: 'tabs.csv', data: bytes('a\tb\n1\t2\n'), rows: 1, columns: ['a', 'b'] },
  { name: 'a CSV with invalid UTF-8', file: 'latin1.csv', data: Uint8Array.from([...bytes('name,n\n'), 0x63, 0x61, 0x66, 0xe9, ...bytes(',1\n')]), error: /^latin1\.csv: cannot be read as CSV: Invalid Input Error: CSV Error on Line: 2 — Invalid unicode \(byte sequence mismatch\) detected\. This file is not utf-8 encoded\.$/ },
  { name: 'a CSV with a byte-order mark', file: 'bom.csv', data: Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('id,label\n1,ok\n')]), rows: 1, columns: ['id', 'label'] },
  { name: 'a CSV with only a header', file: 'header.csv', data: bytes('id,label,score\n'), rows: 0, columns: ['id', 'label', 'score'] },
  { name: 'a CSV with duplicate column names', file: 'dups.csv', data: bytes('a,a,b\n1,2,3\n'), rows: 1, columns: ['a', 'a_1', 'b'] },
  { name: 'a CSV with hostile column names', file: 'names.csv', data: bytes('"with space","quo""te","select","é 😀",from\n1,2,3,4,5\n'), rows: 1, columns: ['with space', 'quo"te', 'select', 'é 😀', 'from'] },
  { name: 'JSON Lines with a broken line', file: 'broken.jsonl', data: bytes('{"a": 1}\n{"a": 2\n{"a": 3}\n'), error: /^broken\.jsonl: .*line 2/ },
  { name: 'an Arrow IPC file cut short', file: 'cut.arrow', data: tableToIPC(tableFromArrays({ a: Int32Array.from({ length: 1000 }, (_, i) => i) }), 'file').subarray(0, 300), error: /^cut\.arrow: / },
  { name: 'a Parquet file with no rows', file: 'zero.parquet', data: new Uint8Array(0), rows: 0 },
  // Written in beforeAll (parquet-wasm): an id column and a half-precision float column.
  { name: 'a Parquet file with a type DuckDB cannot read (Float16)', file: 'half.parquet', data: new Uint8Array(0), error: /^half\.parquet: has half-precision float columns DuckDB cannot read: score \(Float16\); write them as FLOAT or DOUBLE/ },
  { name: 'a Parquet file with a duration column (read as INTERVAL)', file: 'duration.parquet', data: new Uint8Array(0), rows: 2, columns: ['id', 'wait'] },
];

describe('bad inputs (the corpus)', () => {
  let engine: NodeEngine;
  let keptRows = 0;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    // A 0-row Parquet file, written by the engine itself.
    const zero = FILES.find((f) => f.file === 'zero.parquet')!;
    await engine.query(`CREATE TABLE z AS SELECT 1::INTEGER AS id, 'x' AS label WHERE false`);
    zero.data = await engine.exportParquet('SELECT * FROM z');
    zero.columns = ['id', 'label'];
    const write = (t: Table) => new Uint8Array(parquetWasm.writeParquet(parquetWasm.Table.fromIPCStream(tableToIPC(t, 'stream'))));
    FILES.find((f) => f.file === 'half.parquet')!.data = write(new Table({ id: makeVector(Int32Array.from([1, 2])), score: vectorFromArray([0.5, 1.5], new Float16()) }));
    FILES.find((f) => f.file === 'duration.parquet')!.data = write(new Table({ id: makeVector(Int32Array.from([1, 2])), wait: vectorFromArray([1500n, 60000n], new Duration(TimeUnit.MILLISECOND)) }));
    keptRows = (await engine.openFile(new Blob([parquet]), 'defects_v1.parquet', { name: 'kept' })).rows;
  });
  afterAll(() => engine.close());

  for (const c of FILES) {
    test(`${c.name}: ${c.error ? 'an error naming the file and the problem' : 'opens cleanly'}; the engine goes on and the open table is untouched`, async () => {
      const outcome = await engine.openFile(new Blob([c.data as Uint8Array<ArrayBuffer>]), c.file, { name: c.error ? 'kept' : undefined }).then(
        (info) => ({ info, error: null as string | null }),
        (e) => ({ info: null, error: messageOf(e) }),
      );
      if (c.error) {
        expect(outcome.error).toMatch(c.error);
      } else {
        expect(outcome.error).toBeNull();
        expect(outcome.info!.rows).toBe(c.rows);
        if (c.columns) expect(outcome.info!.columns.map((x) => x.name)).toEqual(c.columns);
        // Hostile names work all the way through SQL.
        expect(Number((await engine.query(`SELECT count(*) AS n FROM "${outcome.info!.name}"`)).get(0)!.toJSON().n)).toBe(c.rows);
      }
      expect(Number((await engine.query('SELECT count(*) AS n FROM kept')).get(0)!.toJSON().n)).toBe(keptRows);
    });
  }

  test('the duration column keeps its values (1.5 s and 1 min)', async () => {
    await engine.openFile(new Blob([FILES.find((f) => f.file === 'duration.parquet')!.data as Uint8Array<ArrayBuffer>]), 'duration.parquet', { name: 'dur' });
    const rows = (await engine.query('SELECT id, CAST(wait AS VARCHAR) AS w FROM dur ORDER BY id')).toArray().map((r) => r.toJSON());
    expect(rows).toEqual([{ id: 1, w: '00:00:01.5' }, { id: 2, w: '00:01:00' }]);
  });

  test('an all-NULL column and a 0-row table: the profile says so instead of failing', async () => {
    await engine.query(`CREATE OR REPLACE TABLE nulls AS SELECT range AS id, NULL::VARCHAR AS note FROM range(10)`);
    const nb = '```profile p\nsource: nulls\n```\n\n```profile q\nsource: z\n```\n';
    const runs = await runCells(analyzeNotebook(parseNotebook(nb).notebook), { query: (sql) => engine.query(sql), params: {} });
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(JSON.stringify(runs[0]!.output!.result.alerts)).toContain('note is NULL in every row');
    expect(runs[1]!.output!.result.rows).toBe(0);
  });

  test('a label column with 200,000 distinct values: the confusion cell refuses politely', async () => {
    await engine.query(`CREATE OR REPLACE TABLE wide AS SELECT 'c' || range AS a, 'c' || (range + 1) AS b FROM range(200000)`);
    const runs = await runCells(analyzeNotebook(parseNotebook('```confusion c\nsource: wide\nreference: a\ncompared: b\n```\n').notebook), { query: (sql) => engine.query(sql), params: {} });
    expect(runs[0]!.error).toMatch(/^c: .*200,00[01] .*classes/);
  });

  test('notebooks: bad YAML, an unknown kind, a cycle, an unclosed cell, bad front matter, a missing source', async () => {
    const diag = (text: string) => {
      const { notebook, diagnostics } = parseNotebook(text);
      return [...diagnostics, ...analyzeNotebook(notebook).diagnostics].map((d) => `line ${d.line}: ${d.message}`);
    };
    expect(diag('```checks g\nsource: t\nrules: [\n```\n')).toEqual([expect.stringMatching(/^line 2: checks cell g: YAML: /)]);
    expect(diag('```pie p\nsource: t\n```\n')).toEqual([expect.stringMatching(/^line 1: unknown cell kind "pie" \(known: agreement, chart, checks/)]);
    expect(diag('```sql a\nSELECT * FROM b\n```\n\n```sql b\nSELECT * FROM a\n```\n').join()).toMatch(/cycle/);
    expect(diag('# x\n\n```sql a\nSELECT 1\n')).toEqual(['line 3: the sql cell a opened here is never closed (expected ```)']);
    expect(diag('---\ntitle: [unclosed\n---\n').join()).toMatch(/^line \d: .*front matter/i);
    const dir = mkdtempSync(join(tmpdir(), 'assay-bad-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'nb.assay.md'), '---\nsources:\n  batch: missing.parquet\n---\n\n```sql n\nSELECT count(*) FROM batch\n```\n');
    const { results } = await runNotebookFile(join(dir, 'nb.assay.md'), engine);
    expect(results.sources[0]!.error).toMatch(/missing\.parquet: no such file$/);
    expect(results.cells[0]!.error).toMatch(/batch/);
  });

  test('manifests: not JSON, wrong shape, a wrong checksum, a missing file', () => {
    expect(parseManifest('{"dataset": "d", "versions": [').problems[0]!.message).toMatch(/not valid JSON/i);
    const shape = parseManifest('{"dataset": "d", "versions": [{"version": "v1", "files": [{"path": "a.csv"}]}]}');
    expect(shape.manifest).toBeNull();
    expect(shape.problems.map((p) => p.path).join(' ')).toMatch(/versions\[0\]\.files\[0\]/);
    const entry = { path: 'a.parquet', format: 'parquet' as const, sha256: 'a'.repeat(64), bytes: 10, rows: 2 };
    expect(checkFile('v1', entry, { sha256: 'b'.repeat(64), bytes: 10, rows: 2 }).message).toBe('a.parquet: checksum mismatch — expected aaaaaaaaaaaa…, found bbbbbbbbbbbb…');
    expect(checkFile('v1', entry, null).message).toBe('a.parquet is missing');
  });
});

