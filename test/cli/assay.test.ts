import { afterAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/assay';
import { jsonDifferences } from '../notebooks/compareResults';

const root = fileURLToPath(new URL('../../', import.meta.url));
const notebooks = readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.assay.md')).sort();
const tmp = mkdtempSync(join(tmpdir(), 'assay-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

/** A scratch project folder (a package.json marks it) holding the sample data and a notebook. */
function project(notebook: string): string {
  const dir = mkdtempSync(join(tmp, 'p-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  mkdirSync(join(dir, 'data'));
  for (const f of ['defects_v2.parquet', 'ratings.csv']) copyFileSync(join(root, 'sample-data', f), join(dir, 'data', f));
  writeFileSync(join(dir, 'nb.assay.md'), notebook);
  return join(dir, 'nb.assay.md');
}
const sha = (f: string) => createHash('sha256').update(readFileSync(join(root, 'sample-data', f))).digest('hex');

describe('assay run: the example notebooks on both engines equal the expected results', () => {
  for (const engine of ['wasm', 'native'] as const) {
    for (const name of notebooks) {
      test(`${engine}: ${name}`, async () => {
        const out = join(tmp, `${engine}-${name}.json`);
        const r = await cli('run', join(root, 'notebooks', name), '--engine', engine, '--json', out);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const results = JSON.parse(readFileSync(out, 'utf8'));
        expect(results.engine.name).toBe(engine === 'wasm' ? 'wasm-node' : 'native');
        expect(results.notebook).toBe(name);
        const expected = JSON.parse(readFileSync(join(root, 'notebooks/expected', name.replace('.assay.md', '.json')), 'utf8'));
        expect(jsonDifferences({ sources: results.sources, cells: results.cells }, expected, 1e-9)).toEqual([]);
      }, 120_000);
    }
  }
});

describe('assay check: exit codes', () => {
  test('a notebook with no gates says so and exits 0', async () => {
    const r = await cli('check', project('```sql n\nSELECT 1 AS n\n```\n'));
    expect(r.stdout).toBe('no gates in this notebook\n');
    expect(r.code).toBe(0);
  }, 60_000);

  test('an error-level diagnostic exits 2 on run and check, and the cell it is about does not run', async () => {
    const nb = project(`---\nsources:\n  batch: data/defects_v2.parquet\n---\n\`\`\`sql batch\nSELECT 1 AS x\n\`\`\`\n\`\`\`checks g\nsource: data\nrules:\n  - row_count: true\n    min: 0\n\`\`\`\n`);
    for (const command of ['run', 'check']) {
      const r = await cli(command, nb);
      expect(r.stderr).toMatch(/nb\.assay\.md:5: error: cell name "batch" is already the name of a source/);
      expect(r.code).toBe(2);
      if (command === 'run') expect(r.stdout).toMatch(/batch\s+sql\s+error\s+not run: cell name "batch" is already the name of a source/);
    }
  }, 120_000);

  test('failing error-level gates exit 1 and are listed', async () => {
    const r = await cli('check', join(root, 'notebooks/triage.assay.md'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gates\.taxonomy\s+error\s+FAIL\s+36/);
    expect(r.stdout).toMatch(/gates\.paths\s+error\s+pass\s+0/);
  });

  test('passing gates exit 0', async () => {
    const nb = project(`---\nsources:\n  batch: data/defects_v2.parquet\n---\n\`\`\`checks g\nsource: batch\nrules:\n  - row_count: true\n    min: 100\n  - not_null: image_id\n  - not_null: camera_id\n    severity: warn\n\`\`\`\n`);
    const r = await cli('check', nb);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/g\.rule_3\s+warn\s+FAIL/);
  });

  test('a bad notebook, a missing file, a checksum mismatch under --strict: exit 2 with one line naming the file', async () => {
    const bad = project('---\ntitle: [oops\n---\n');
    const r1 = await cli('check', bad);
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toMatch(/nb\.assay\.md: line 2: front matter/);

    const missing = project('---\nsources:\n  batch: data/nope.parquet\n---\n```sql a\nSELECT 1\n```\n');
    const r2 = await cli('run', missing);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^assay: batch: .*data\/nope\.parquet: no such file\n$/);

    const pinned = project(`---\nsources:\n  batch:\n    path: data/defects_v2.parquet\n    sha256: ${'ab'.repeat(32)}\n---\n\`\`\`sql a\nSELECT count(*) AS n FROM batch\n\`\`\`\n`);
    const warn = await cli('run', pinned);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toMatch(/warning: batch \(data\/defects_v2\.parquet\): the data changed since the notebook was pinned/);
    const strict = await cli('run', pinned, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/error: batch/);
    // Five CLI runs, each with its own engine: over 30 s when the host is busy.
  }, 120_000);

  test('a path outside the project needs --allow-outside; params override the front matter', async () => {
    const nb = project(`---\nparams:\n  k: 1\nsources:\n  r: ${join(root, 'sample-data/ratings.csv')}\n---\n\`\`\`sql a\nSELECT count(*) * getvariable('k') AS n FROM r\n\`\`\`\n`);
    const refused = await cli('run', nb);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/outside the notebook's project folder/);
    const json = join(tmp, 'allowed.json');
    const allowed = await cli('run', nb, '--allow-outside', '--param', 'k=2', '--json', json);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).cells[0].result.head).toEqual([{ n: 882 * 2 }]);
  });

  test('usage errors exit 2; --help exits 0', async () => {
    expect((await cli('frobnicate', 'x')).code).toBe(2);
    expect((await cli('run', 'x.assay.md', '--engine', 'gpu')).stderr).toMatch(/--engine is wasm or native/);
    expect((await cli('run', 'x.assay.md', '--engine', 'native', '--memory-limit', "1GB'; SET x = 1")).stderr).toMatch(/--memory-limit takes a size such as 6GB/);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/assay check NOTEBOOK/);
  });
});

test('assay run --html writes the static snapshot: the numbers of the run, no script, well under 1 MB', async () => {
  const out = join(tmp, 'triage.html');
  const r = await cli('run', join(root, 'notebooks/triage.assay.md'), '--html', out);
  expect(r.code).toBe(0);
  const html = readFileSync(out, 'utf8');
  expect(html).toContain('<title>Triage of vendor batch B</title>');
  expect(html).toMatch(/<td>taxonomy<\/td><td>label in \{crack, dent, ok, scratch, stain\}<\/td><td>error<\/td><td>FAIL<\/td><td>36<\/td>/);
  expect(html).toContain('engine wasm-node (DuckDB v1.4.3)');
  expect(html).not.toMatch(/<script/i);
  expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
});

test('assay manifest: checksums, rows and schema of a folder', async () => {
  const out = join(tmp, 'm.json');
  const r = await cli('manifest', join(root, 'sample-data'), '--dataset', 'sample', '--out', out);
  expect(r.code).toBe(0);
  const m = JSON.parse(readFileSync(out, 'utf8'));
  expect(m.dataset).toBe('sample');
  const files = Object.fromEntries(m.versions[0].files.map((f: { path: string }) => [f.path, f]));
  expect(files['defects_v2.parquet']).toEqual({ path: 'defects_v2.parquet', format: 'parquet', sha256: sha('defects_v2.parquet'), bytes: readFileSync(join(root, 'sample-data/defects_v2.parquet')).length, rows: 2520 });
  expect(files['ratings.csv'].rows).toBe(882);
  expect(files['defects_v1.jsonl'].rows).toBe(3008);
  expect(m.versions[0].contract.columns.image_id).toEqual({ type: 'VARCHAR' });
  const { parseManifest } = await import('../../src/core/manifest/manifest');
  expect(parseManifest(readFileSync(out, 'utf8')).problems).toEqual([]);
});
