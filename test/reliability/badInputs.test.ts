import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Float16, Table, TimeUnit, makeVector, tableToIPC, tableFromArrays, vectorFromArray } from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../src/engine/native/NativeEngine';
import type { Engine } from '../../src/engine/Engine';
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

/**
 * `native`: where native DuckDB's own Parquet reader (or its lack of an Arrow IPC reader)
 * answers differently from parquet-wasm; CSV and JSON Lines must say the same on both.
 */
type Outcome = { error?: RegExp; rows?: number; columns?: string[] };
type FileCase = Outcome & { name: string; file: string; data: Uint8Array; native?: Outcome };

const FILES: FileCase[] = [
  { name: 'an empty file', file: 'empty.csv', data: new Uint8Array(0), error: /^empty\.csv: the file is empty \(0 bytes\)$/ },
  { name: 'a truncated Parquet file', file: 'cut.parquet', data: parquet.subarray(0, Math.floor(parquet.length / 2)), error: /^cut\.parquet: not a readable Parquet file \(truncated or corrupt/, native: { error: /^cut\.parquet: cannot be opened as parquet: .*No magic bytes found at end of file/ } },
  { name: 'a Parquet file with its footer damaged', file: 'footer.parquet', data: Uint8Array.from(parquet, (b, i) => (i > parquet.length - 200 && i < parquet.length - 8 ? b ^ 0x5a : b)), error: /^footer\.parquet: not a readable Parquet file/, native: { error: /^footer\.parquet: cannot be opened as parquet: / } },
  { name: 'a Parquet file with corrupt data pages', file: 'pages.parquet', data: Uint8Array.from(parquet, (b, i) => (i > 2000 && i < 60000 ? b ^ 0xff : b)), error: /^pages\.parquet: (row group 1 of \d+ cannot be decoded|cannot be opened as parquet)/, native: { error: /^pages\.parquet: cannot be opened as parquet: / } },
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
  { name: 'an Arrow IPC file cut short', file: 'cut.arrow', data: tableToIPC(tableFromArrays({ a: Int32Array.from({ length: 1000 }, (_, i) => i) }), 'file').subarray(0, 300), error: /^cut\.arrow: /, native: { error: /^cut\.arrow: the native engine cannot open Arrow IPC files \(the wasm engine can: --engine wasm\)$/ } },
  { name: 'a Parquet file with no rows', file: 'zero.parquet', data: new Uint8Array(0), rows: 0 },
  // Written in beforeAll (parquet-wasm): an id column and a half-precision float column.
  { name: 'a Parquet file with a type DuckDB cannot read (Float16)', file: 'half.parquet', data: new Uint8Array(0), error: /^half\.parquet: has half-precision float columns DuckDB cannot read: score \(Float16\); write them as FLOAT or DOUBLE/, native: { rows: 2, columns: ['id', 'score'] } },
  { name: 'a Parquet file with a duration column (read as INTERVAL)', file: 'duration.parquet', data: new Uint8Array(0), rows: 2, columns: ['id', 'wait'] },
  // Issue 21: the native engine loaded these as one column, or named the line after the bad one.
  { name: 'JSON Lines with an array line', file: 'array.jsonl', data: bytes('{"a": 1}\n[1, 2]\n{"a": 3}\n'), error: /^array\.jsonl: line 2 is not a JSON object$/ },
  { name: 'JSON Lines broken at line 51', file: 'late.jsonl', data: bytes(Array.from({ length: 50 }, (_, i) => `{"a": ${i}}\n`).join('') + '{"a": \n{"a": 1}\n'), error: /^late\.jsonl: line 51 is not valid JSON \(/ },
  { name: 'a CSV ragged at line 51', file: 'late.csv', data: bytes('a,b,c\n' + Array.from({ length: 49 }, (_, i) => `${i},x,y\n`).join('') + '1,2\n3,4,5\n'), error: /^late\.csv: cannot be read as CSV: ragged rows: line 51 has 2 fields where the header has 3 \(delimiter ','\)$/ },
  { name: 'a CSV header with a NUL byte', file: 'nul.csv', data: bytes('id,la\u0000bel\n1,x\n'), error: /^nul\.csv: column 2 \("la\\u0000bel"\) has a control character \(U\+0000\) in its name: rename it in the file$/ },
  { name: 'JSON Lines with a control character in a key', file: 'bell.jsonl', data: bytes('{"a\\u0007b": 1}\n'), error: /^bell\.jsonl: column 1 \("a\\u0007b"\) has a control character \(U\+0007\) in its name/ },
];

/** What each engine said about each file, for the cross-engine comparison at the end. */
const said = new Map<string, Partial<Record<'wasm' | 'native', string | null>>>();

describe.each(['wasm', 'native'] as const)('bad inputs (the corpus) on the %s engine', (kind) => {
  let engine: Engine;
  let keptRows = 0;
  beforeAll(async () => {
    engine = kind === 'wasm' ? await NodeEngine.create() : await NativeEngine.create();
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

  for (const file of FILES) {
    const c: Outcome = kind === 'native' && file.native ? file.native : file;
    test(`${file.name}: ${c.error ? 'an error naming the file and the problem' : 'opens cleanly'}; the engine goes on and the open table is untouched`, async () => {
      const outcome = await engine.openFile(new Blob([file.data as Uint8Array<ArrayBuffer>]), file.file, { name: c.error ? 'kept' : undefined }).then(
        (info) => ({ info, error: null as string | null }),
        (e) => ({ info: null, error: messageOf(e) }),
      );
      said.set(file.name, { ...said.get(file.name), [kind]: outcome.error });
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

  // Native DuckDB reads a Parquet duration as BIGINT (the unit dropped): a known difference
  // between the two Parquet readers, not yet resolved.
  test.skipIf(kind === 'native')('the duration column keeps its values (1.5 s and 1 min)', async () => {
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


test('the wasm and native engines refuse the same files with the same message (all but the Parquet and Arrow readers’ own)', () => {
  expect(said.size).toBe(FILES.length);
  const differ = [...said]
    .filter(([name, s]) => s.wasm !== s.native && !FILES.find((f) => f.name === name)!.native).map(([name, s]) => `${name}:\n  wasm:   ${s.wasm}\n  native: ${s.native}`);
  expect(differ.join('\n')).toBe('');
});

describe('malformed notebooks fail loudly, naming the cell and the problem', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.query(`CREATE TABLE t AS SELECT range AS id, 'c' || (range % 3) AS label, range % 2 AS pred FROM range(30)`);
  });
  afterAll(() => engine.close());
  /** Parse, analyse and run a notebook over table t: its diagnostics and each cell's status or error. */
  const run = async (text: string, sourceError?: (s: string) => string | undefined) => {
    const { notebook, diagnostics } = parseNotebook(text);
    const analysis = analyzeNotebook(notebook, diagnostics);
    const runs = await runCells(analysis, { query: (sql) => engine.query(sql), params: {}, sourceError });
    const problems = [...diagnostics, ...analysis.diagnostics].map((d) => `${d.severity} line ${d.line}: ${d.message}`);
    return { problems, cells: Object.fromEntries(runs.map((r) => [r.name, r.status === 'ok' ? 'ok' : r.error!])) };
  };

  test('a cell named like a source does not run (it would replace the source)', async () => {
    const r = await run('---\nsources:\n  t: t.csv\n---\n```sql t\nSELECT 1 AS x\n```\n```sql after\nSELECT * FROM t\n```\n');
    expect(r.problems).toEqual(['error line 5: cell name "t" is already the name of a source']);
    expect(r.cells).toEqual({ t: 'not run: cell name "t" is already the name of a source', after: 'not run: it reads t, which failed' });
  });

  test('cells named select and from: no false cycle, every cell runs', async () => {
    const r = await run('```sql select\nSELECT 1 AS x\n```\n```sql from\nSELECT x + 1 AS y FROM "select"\n```\n```sql other\nSELECT 2 AS z FROM t LIMIT 1\n```\n');
    expect(r.problems).toEqual([
      'warning line 1: cell name "select" is an SQL keyword: other cells read it only quoted, as "select"',
      'warning line 4: cell name "from" is an SQL keyword: other cells read it only quoted, as "from"',
    ]);
    expect(r.cells).toEqual({ select: 'ok', from: 'ok', other: 'ok' });
  });

  test('a SQL cell that reads itself, and a drift cell whose baseline is itself', async () => {
    const r = await run('```sql a\nSELECT * FROM a\n```\n```drift d\nbaseline: d\ncurrent: t\n```\n');
    expect(r.cells.a).toBe("a reads itself: a cell's query cannot read the view it defines (name the source or cell it should read)");
    expect(r.problems).toEqual(['error line 4: drift cell d reads itself: name another cell or a source']);
    expect(r.cells.d).toBe('not run: drift cell d reads itself: name another cell or a source');
  });

  test('a source with an empty name', () => {
    const { diagnostics } = parseNotebook('---\nsources:\n  "": data.csv\n---\n');
    expect(diagnostics).toEqual([{ line: 3, severity: 'error', message: 'front matter: a source has an empty name (""): give it a name cells can read it by' }]);
  });

  test('drift thresholds outside their domain are refused when the spec is parsed', async () => {
    const r = await run('```drift d\nbaseline: t\ncurrent: t\nthresholds: {psi: -1, pvalue: 7, ks_statistic: 1.5, js_distance: 0.2}\n```\n');
    expect(r.problems.join('\n')).toMatch(/psi must be at least 0 \(found -1\)/);
    expect(r.problems.join('\n')).toMatch(/pvalue must be between 0 and 1 \(exclusive\) \(found 7\)/);
    expect(r.problems.join('\n')).toMatch(/ks_statistic must be from 0 to 1 \(found 1.5\)/);
    expect(r.cells.d).toMatch(/^not run: thresholds: psi must be at least 0 \(found -1\)/);
    const zero = await run('```drift d\nbaseline: t\ncurrent: t\nthresholds: {pvalue: 0}\n```\n');
    expect(zero.problems.join()).toMatch(/pvalue must be between 0 and 1/);
  });

  test('an invalid regular expression names its rule or contract column (checked by DuckDB’s RE2)', async () => {
    const r = await run('```checks g\nsource: t\nrules:\n  - matches: label\n    pattern: "c[0-9"\n    name: code\n```\n```profile p\nsource: t\ncontract:\n  label:\n    pattern: "(c"\n```\n');
    expect(r.problems).toEqual([]);
    expect(r.cells.g).toMatch(/^g: rule code \(matches\): invalid regular expression "c\[0-9" \(.*missing \]/);
    expect(r.cells.p).toMatch(/^p: contract label\.pattern: invalid regular expression "\(c" \(.*missing \)/);
    // RE2 syntax JavaScript would refuse is accepted: the check is the engine's own.
    const ok = await run('```checks g\nsource: t\nrules:\n  - matches: label\n    pattern: "^(?P<k>c)[0-9]$"\n```\n');
    expect(ok.cells.g).toBe('ok');
  });

  test('a metric gate on a missing cell, or on a field the cell does not have', async () => {
    const missing = await run('```checks g\nsource: t\nrules:\n  - metric: nope.kappa\n    value: 0.5\n```\n');
    expect(missing.problems).toEqual(['error line 1: checks cell g reads the results of nope, which is not a cell in this notebook']);
    expect(missing.cells.g).toBe('not run: checks cell g reads the results of nope, which is not a cell in this notebook');
    const field = await run('```confusion c\nsource: t\nreference: label\ncompared: label\n```\n```checks g\nsource: t\nrules:\n  - metric: c.kapa\n    value: 0.5\n    name: agree\n```\n');
    expect(field.cells.c).toBe('ok');
    expect(field.cells.g).toMatch(/^g: rule agree: metric c\.kapa: the results of c have no kapa \(they have .*kappa/);
  });

  test('a cell over a source that failed to open says which and why (not "Did you mean pg_sequence")', async () => {
    const text = '---\nsources:\n  batch: missing.parquet\n---\n```sql n\nSELECT count(*) AS n FROM batch\n```\n';
    const r = await run(text, (s) => (s === 'batch' ? 'missing.parquet: no such file' : undefined));
    expect(r.cells.n).toBe('not run: it reads source batch, which failed to open: missing.parquet: no such file');
    // Without the host's reason (the app before its sources open), still the source by name.
    expect((await run(text)).cells.n).toBe("source batch is not open (see the sources' problems above)");
  });
});
