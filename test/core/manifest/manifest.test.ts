import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { openAsBlob, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkFile, parseManifest, versionSourceName, type Manifest } from '../../../src/core/manifest/manifest';
import { contractChecksBody } from '../../../src/core/manifest/contractChecks';
import { deltaSql, releaseManifest } from '../../../src/core/manifest/release';
import { checksCell } from '../../../src/core/cells/checksCell';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import type { RuleOutcome } from '../../../src/core/stats/checks';
import { referenceRows } from '../../e2e/referenceData';

const path = (name: string) => fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url));
const text = readFileSync(path('defects.manifest.json'), 'utf8');

describe('manifests', () => {
  test('the sample manifest parses and its files verify against their bytes', () => {
    const { manifest, problems } = parseManifest(text);
    expect(problems).toEqual([]);
    expect(manifest!.versions.map((v) => [v.version, v.parent])).toEqual([['v1', null], ['v2', 'v1'], ['v3', 'v2']]);
    for (const v of manifest!.versions) {
      for (const f of v.files) {
        const bytes = readFileSync(path(f.path));
        const actual = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, rows: f.rows };
        expect(checkFile(v.version, f, actual).status).toBe('ok');
      }
    }
    expect(versionSourceName(manifest!, 'v2')).toBe('defects_v2');
  });

  test('mismatches are reported by file', () => {
    const { manifest } = parseManifest(text);
    const f = manifest!.versions[1]!.files[0]!;
    expect(checkFile('v2', f, { sha256: '0'.repeat(64), bytes: f.bytes, rows: f.rows })).toMatchObject({ status: 'checksum mismatch', message: expect.stringMatching(/^defects_v2\.parquet: checksum mismatch — expected [0-9a-f]{12}…, found 000000000000…$/) });
    expect(checkFile('v2', f, { sha256: f.sha256, bytes: f.bytes, rows: 7 }).message).toBe('defects_v2.parquet: 7 rows, the manifest says 2520');
    expect(checkFile('v2', f, null).status).toBe('missing');
    expect(checkFile('v2', f, null, 'corrupt').message).toBe('defects_v2.parquet: corrupt');
  });

  test('malformed manifests: every problem at its JSON path, never a throw', () => {
    expect(parseManifest('{"oops"').problems[0]!.message).toMatch(/^not valid JSON/);
    expect(parseManifest('[]').problems).toEqual([{ path: '$', message: 'must be a JSON object' }]);
    const bad = JSON.parse(text) as Manifest & Record<string, unknown>;
    delete (bad as Record<string, unknown>).dataset;
    bad.versions[0]!.files[0]!.sha256 = 'XYZ';
    bad.versions[1]!.parent = 'v9';
    bad.versions[1]!.files[0]!.path = '../../etc/passwd';
    bad.versions[1]!.contract!.columns.image_id!.pattern = '([unclosed';
    expect(parseManifest(JSON.stringify(bad)).problems).toEqual([
      { path: 'dataset', message: 'must be a non-empty string' },
      { path: 'versions[0].files[0].sha256', message: 'must be 64 lowercase hex digits' },
      { path: 'versions[1].files[0].path', message: 'must be a relative path inside the dataset folder' },
      { path: 'versions[1].contract.columns.image_id.pattern', message: 'is not a valid regular expression' },
      { path: 'versions[1].parent', message: 'names v9, which is not a version here' },
    ]);
  });

  describe('with an engine', () => {
    let engine: NodeEngine;
    beforeAll(async () => {
      engine = await NodeEngine.create();
    });
    afterAll(() => engine.close());

    test('a contract becomes a checks cell that runs; counts match the CSV', async () => {
      await engine.openFile(await openAsBlob(path('defects_v2.parquet')), 'defects_v2.parquet', { name: 'defects_v2' });
      const { manifest } = parseManifest(text);
      const body = contractChecksBody(manifest!.versions[1]!.contract!, 'defects_v2');
      const { spec, diagnostics } = checksCell.parse(body);
      expect(diagnostics).toEqual([]);
      expect(spec!.rules.map((r) => r.name)).toContain('label_allowed');
      const out = await checksCell.run(spec!, { name: 'contract', query: (sql) => engine.query(sql), params: {} });
      const rules = Object.fromEntries((out.result.rules as RuleOutcome[]).map((r) => [r.name, r]));
      const ref = referenceRows('defects_v2.csv');
      expect(rules.width_allowed!.failing_rows).toBe(ref.filter((r) => r.width !== '1024').length);
      expect(rules.camera_id_required!.failing_rows).toBe(ref.filter((r) => r.camera_id === '').length);
      expect(rules.image_id_pattern).toMatchObject({ passed: true, failing_rows: 0 });
      expect(rules.label_allowed!.failing_rows).toBe(36);
      expect(out.result.passed).toBe(false);
    });

    test('the delta by key, worked by hand', async () => {
      await engine.query(`CREATE OR REPLACE TABLE parent_t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c'), (5, 'e'), (5, 'e')) v(k, x)`);
      await engine.query(`CREATE OR REPLACE TABLE current_t AS SELECT * FROM (VALUES (2, 'b'), (3, 'C'), (4, 'd'), (5, 'e')) v(k, x)`);
      // 1 removed; 4 added; 3 changed (c -> C); 2 unchanged; 5 changed (two rows became one).
      const d = (await engine.query(deltaSql('parent_t', 'current_t', 'k'))).get(0)!.toJSON();
      expect(d).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 1 });
    });
  });

  test('a release appends a version with files, contract and delta', () => {
    const { manifest } = parseManifest(text);
    const file = { path: 'defects_v4.parquet', format: 'parquet' as const, sha256: 'a'.repeat(64), bytes: 10, rows: 2400 };
    const next = releaseManifest(manifest!, { version: 'v4', parent: 'v2', files: [file], delta: { key: 'image_id', added: 0, removed: 120, changed: 36, unchanged: 2364 }, created: '2026-11-21' });
    expect(next.versions).toHaveLength(4);
    expect(next.versions[3]).toMatchObject({ version: 'v4', parent: 'v2', taxonomy_version: 'tax-3', files: [file], delta: { parent: 'v2', removed: 120 } });
    expect(next.versions[3]!.contract).toEqual(manifest!.versions[1]!.contract);
    expect(parseManifest(JSON.stringify(next)).problems).toEqual([]);
    expect(manifest!.versions).toHaveLength(3);
    expect(() => releaseManifest(next, { version: 'v4', parent: 'v2', files: [file], delta: { key: 'k', added: 0, removed: 0, changed: 0, unchanged: 0 }, created: 'x' })).toThrow(/already exists/);
  });
});
