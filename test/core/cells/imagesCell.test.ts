import { openAsBlob, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../../src/engine/Engine';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import { imagesCell, type ImagesResult } from '../../../src/core/cells/imagesCell';
import { nodeImageHost } from '../../../src/cli/imageFolder';
import { hamming } from '../../../src/core/images/dhash';
import { quoteIdent } from '../../../src/core/sql/quote';
import { tableToJsonRows } from '../../../src/core/arrowJson';
import reference from '../../reference/images_reference.json';
import schema from '../../../src/cli/results.schema.json';
import { validate } from '../../helpers/jsonSchema';

const sampleDir = fileURLToPath(new URL('../../../sample-data/', import.meta.url));
const truth = JSON.parse(readFileSync(`${sampleDir}images_truth.json`, 'utf8')) as {
  size_mismatch: { path: string; declared: [number, number]; actual: [number, number] }[];
  undecodable: { path: string; why: string }[];
  exact_duplicates: string[][];
  near_duplicates: { a: string; b: string; how: string }[];
  missing: string[];
  extra: string[];
};
const host = nodeImageHost(async (p) => `${sampleDir}${p}`);
const BODY = 'folder: images\nsource: meta\nimage: image_path\nkey: image_id\nwidth: width\nheight: height';

interface RefRow {
  path: string; bytes: number; sha256: string; format: string | null; width: number | null; height: number | null; channels: number | null;
  decodes: boolean; mean_luminance: number | null; sharpness: number | null; dhash: string | null;
}

describe('images cell: parsing', () => {
  test('defaults, and refusals at their line', () => {
    const { spec, diagnostics } = imagesCell.parse('folder: images');
    expect(diagnostics).toEqual([]);
    expect(spec).toEqual({ folder: 'images', near_duplicate_distance: 8, measures: ['luminance', 'sharpness', 'dhash'], top: 50 });
    const bad = imagesCell.parse('folder: /etc\nimage: p\nnear_duplicate_distance: 40\nmeasures: [colour]\nwhat: 1');
    expect(bad.spec).toBeNull();
    expect(bad.diagnostics.map((d) => d.line).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(imagesCell.defines!(spec!, 'imgs')).toEqual(['imgs_undecodable', 'imgs_exact_duplicates', 'imgs_near_duplicates']);
    expect(imagesCell.defines!(imagesCell.parse(BODY).spec!, 'imgs')).toEqual(['size_mismatch', 'missing', 'extra', 'undecodable', 'exact_duplicates', 'near_duplicates'].map((p) => `imgs_${p}`));
  });
});

function suite(label: string, make: () => Promise<Engine>) {
  describe(`images cell on the sample folder (${label})`, () => {
    let engine: Engine;
    let result: ImagesResult;
    const rows = async (sql: string) => tableToJsonRows(await engine.query(sql));
    beforeAll(async () => {
      engine = await make();
      await engine.openFile(await openAsBlob(`${sampleDir}images.csv`), 'images.csv', { name: 'meta' });
      const { spec } = imagesCell.parse(`${BODY}\ntop: 1000`);
      result = (await imagesCell.run(spec!, { name: 'imgs', query: (sql) => engine.query(sql), params: {}, measureImages: host })).result as unknown as ImagesResult;
    }, 120_000);
    afterAll(() => engine?.close());

    test('every seeded problem is found, and nothing else', async () => {
      expect(result.files).toBe(reference.files.length);
      const sorted = (xs: string[]) => [...xs].sort();
      expect(sorted((await rows('SELECT path FROM imgs_undecodable')).map((r) => String(r.path)))).toEqual(sorted(truth.undecodable.map((u) => u.path)));
      expect(sorted((await rows('SELECT path FROM imgs_missing')).map((r) => String(r.path)))).toEqual(sorted(truth.missing));
      expect(sorted((await rows('SELECT path FROM imgs_extra')).map((r) => String(r.path)))).toEqual(sorted(truth.extra));
      const mism = await rows('SELECT path, declared_width::INTEGER AS dw, declared_height::INTEGER AS dh, width, height FROM imgs_size_mismatch ORDER BY path');
      expect(mism.map((r) => [r.path, [r.dw, r.dh], [r.width, r.height]])).toEqual([...truth.size_mismatch].sort((a, b) => (a.path < b.path ? -1 : 1)).map((m) => [m.path, m.declared, m.actual]));
      const groups = await rows("SELECT string_agg(path, ' ' ORDER BY path) AS paths FROM imgs_exact_duplicates GROUP BY sha256 ORDER BY min(path)");
      expect(groups.map((g) => String(g.paths).split(' '))).toEqual([...truth.exact_duplicates].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
      const near = await rows('SELECT path_a, path_b, distance FROM imgs_near_duplicates ORDER BY path_a, path_b');
      expect(near.map((r) => [r.path_a, r.path_b])).toEqual(truth.near_duplicates.map((n) => [n.a, n.b]));
      expect(result.counts).toEqual({
        size_mismatch: truth.size_mismatch.length,
        missing: truth.missing.length,
        extra: truth.extra.length,
        undecodable: truth.undecodable.length,
        exact_duplicates: truth.exact_duplicates.flat().length,
        near_duplicates: truth.near_duplicates.length,
      });
      expect(result.duplicate_groups).toBe(truth.exact_duplicates.length);
      expect(validate(result, (schema as any).$defs.images, schema as any)).toEqual([]);
      expect(result.problems.undecodable!.find((r) => r.path === 'img_0281.gif')).toMatchObject({ key: 'img_0281', format: 'gif', decode_error: 'unsupported format: GIF (Assay decodes PNG and JPEG)' });
    });

    test('the band search finds what an all-pairs scan finds, at every distance up to 16', async () => {
      const hashes = reference.files.filter((f) => f.dhash).map((f) => f as RefRow);
      let measured: Awaited<ReturnType<typeof host>> | undefined;
      for (const d of [0, 1, 3, 8, 12, 16]) {
        const { spec } = imagesCell.parse(`folder: images\nnear_duplicate_distance: ${d}`);
        await imagesCell.run(spec!, { name: `nd${d}`, query: (sql) => engine.query(sql), params: {}, measureImages: async () => (measured ??= await host({ cell: 'x', folder: 'images', measures: ['dhash'] })) });
        const got = (await rows(`SELECT path_a || ' ' || path_b AS p FROM ${quoteIdent(`nd${d}_near_duplicates`)}`)).map((r) => String(r.p)).sort();
        // All pairs, by our own hashes (the PNG ones equal the reference's), different content only.
        const ours = (await rows(`SELECT path, dhash, sha256 FROM ${quoteIdent(`nd${d}`)} WHERE dhash IS NOT NULL ORDER BY path`)) as { path: string; dhash: string; sha256: string }[];
        const want: string[] = [];
        for (let i = 0; i < ours.length; i++) for (let j = i + 1; j < ours.length; j++) {
          if (ours[i]!.sha256 !== ours[j]!.sha256 && hamming(BigInt(`0x${ours[i]!.dhash}`), BigInt(`0x${ours[j]!.dhash}`)) <= d) want.push(`${ours[i]!.path} ${ours[j]!.path}`);
        }
        expect(got).toEqual(want.sort());
        expect(hashes.length).toBeGreaterThan(0);
      }
    }, 120_000);

    test('values equal the independent reference (numpy + Pillow) exactly: PNG and JPEG (libjpeg-turbo both)', async () => {
      const ours = new Map((await rows('SELECT * FROM imgs ORDER BY path')).map((r) => [String(r.path), r]));
      let jpegs = 0;
      for (const ref of reference.files as RefRow[]) {
        const o = ours.get(ref.path)!;
        expect(o, ref.path).toBeDefined();
        expect([o.bytes, o.sha256, o.format], ref.path).toEqual([ref.bytes, ref.sha256, ref.format]);
        expect(o.decode_error === null, ref.path).toBe(ref.decodes);
        if (!ref.decodes) continue;
        expect([o.width, o.height, o.channels], ref.path).toEqual([ref.width, ref.height, ref.channels]);
        expect([o.mean_luminance, o.sharpness, o.dhash], ref.path).toEqual([ref.mean_luminance, ref.sharpness, ref.dhash]);
        if (ref.format === 'jpeg') jpegs++;
      }
      expect(jpegs).toBeGreaterThan(50);
    });
  });
}

suite('DuckDB-WASM under Node', () => NodeEngine.create());
suite('native DuckDB', () => NativeEngine.create());
