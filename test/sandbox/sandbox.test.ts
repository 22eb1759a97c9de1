import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../src/engine/native/NativeEngine';
import type { Engine } from '../../src/engine/Engine';
import { runNotebookFile } from '../../src/cli/runNotebookFile';
import { hostileNotebook } from './hostileCorpus';

/**
 * A notebook from someone else, on both CLI engines: every cell of the hostile corpus is
 * refused with its reason; nothing outside the sources is read, no file is written, and a
 * local HTTP listener receives nothing. Then the engine itself, sealed, is asked directly
 * (no cell's friendly checks in between) and refuses every one of those statements.
 */
const ENGINES: [string, () => Promise<Engine>][] = [
  ['wasm', () => NodeEngine.create()],
  ['native', () => NativeEngine.create()],
  // The CLI's native engine: sources in a database file of its own (a file DuckDB writes).
  ['native on disk', () => NativeEngine.create({ storage: 'disk', memoryLimit: '1GB' })],
];

let dir: string;
let project: string;
let outside: string;
let server: Server;
let url: string;
const hits: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-sandbox-'));
  project = join(dir, 'project');
  outside = join(dir, 'outside');
  mkdirSync(project);
  mkdirSync(outside);
  writeFileSync(join(project, 'package.json'), '{}');
  writeFileSync(join(project, 'batch.csv'), 'id,label\n1,ok\n2,crack\n3,ok\n');
  writeFileSync(join(outside, 'secret.txt'), 'the-secret-text\n');
  writeFileSync(join(outside, 'secret.csv'), 'token\nthe-secret-csv\n');
  symlinkSync(join(outside, 'secret.csv'), join(project, 'link.csv'));
  symlinkSync(join(outside, 'secret.txt'), join(project, 'link.txt'));
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('a\n1\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** No file appeared outside the project but the two secrets, and the listener heard nothing. */
function assertNothingEscaped() {
  expect(readdirSync(outside).sort()).toEqual(['secret.csv', 'secret.txt']);
  expect(readdirSync(project).sort()).toEqual(['batch.csv', 'link.csv', 'link.txt', 'nb.assay.md', 'package.json'].filter((f) => f !== 'nb.assay.md' || existsSync(join(project, f))));
  expect(hits).toEqual([]);
}

describe.each(ENGINES)('the sandbox on the %s engine', (_name, create) => {
  test('every hostile cell is refused, naming why; the harmless cell runs; nothing is read, written or sent', async () => {
    const { text, cells } = hostileNotebook({ outside, link: join(project, 'link.txt'), url }, 'batch.csv');
    writeFileSync(join(project, 'nb.assay.md'), text);
    const engine = await create();
    try {
      const { runs, results } = await runNotebookFile(join(project, 'nb.assay.md'), engine);
      const byName = new Map(runs.map((r) => [r.name, r]));
      expect(byName.get('harmless')?.status).toBe('ok');
      for (const c of cells) {
        const run = byName.get(c.name)!;
        if (c.why === null) {
          expect(run.status, `${c.name}: ${run.error}`).toBe('ok');
          continue;
        }
        expect(run.status, `${c.name} ran`).toBe('error');
        expect(run.error, c.name).toMatch(c.why);
      }
      // Neither secret reached the results, and no refusal quotes the probe around the SQL.
      const json = JSON.stringify(results);
      expect(json).not.toContain('the-secret');
      expect(json).not.toContain('DESCRIBE SELECT');
      assertNothingEscaped();
    } finally {
      await engine.close();
    }
  });

  test('the sealed engine itself refuses files, URLs, extensions and settings', async () => {
    const engine = await create();
    try {
      await engine.query('CREATE TABLE t AS SELECT 1 AS a');
      await engine.seal();
      expect(engine.sealed).toBe(true);
      const refused = [
        `SELECT * FROM read_text('${outside}/secret.txt')`,
        `SELECT * FROM read_csv('${project}/link.csv')`,
        `SELECT * FROM glob('${outside}/*')`,
        `COPY t TO '${outside}/w1.csv'`,
        `COPY (SELECT 1) TO '${outside}/w2.parquet' (FORMAT parquet)`,
        `ATTACH '${outside}/w3.db' AS w3`,
        `EXPORT DATABASE '${outside}/w4'`,
        `SELECT * FROM read_csv('${url}/x.csv')`,
        `SELECT * FROM read_text('${url}/y')`,
        `LOAD httpfs`,
        `SET enable_external_access = true`,
        `SET lock_configuration = false`,
        `SET allowed_directories = ['/']`,
        `SET threads = 1`,
        // One call, two statements: the second one reaches the sealed engine and is refused.
        `SELECT 1; COPY t TO '${outside}/w5.csv'`,
      ];
      for (const sql of refused) await expect(engine.query(sql), sql).rejects.toThrow(/disabled by configuration|configuration has been locked|Permission|disabled through configuration|not in the catalog|does not exist|Catalog Error/);
      // Tables made before the seal still work.
      expect(Number((await engine.query('SELECT count(*) AS n FROM t')).getChild('n')!.get(0))).toBe(1);
      assertNothingEscaped();
    } finally {
      await engine.close();
    }
  });

  test('INSTALL from any repository sends nothing and makes nothing loadable', async () => {
    const engine = await create();
    try {
      await engine.seal();
      // DuckDB-WASM accepts INSTALL and does nothing (it never downloads at INSTALL); native
      // DuckDB refuses it. Either way the listener hears nothing and LOAD stays refused.
      await engine.query(`INSTALL httpfs FROM '${url}'`).catch(() => undefined);
      await expect(engine.query('LOAD httpfs')).rejects.toThrow();
      await expect(engine.query(`SELECT * FROM read_text('${url}/z')`)).rejects.toThrow();
      expect(hits).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  test('sources: a symlink out of the project and a path outside it are refused; a tampered second file of a manifest version is found', async () => {
    const csv = 'id,label\n1,ok\n';
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    writeFileSync(join(project, 'part1.csv'), csv);
    writeFileSync(join(project, 'part2.csv'), 'id,label\n2,dent\n');
    const manifest = {
      manifest_version: 1,
      dataset: 'd',
      versions: [
        {
          version: 'v1',
          parent: 'v1',
          files: [
            { path: 'part1.csv', format: 'csv', sha256: sha(csv), bytes: csv.length, rows: 1 },
            // Pinned to different bytes: the file on disk was tampered with.
            { path: 'part2.csv', format: 'csv', sha256: sha('id,label\n2,ok\n'), bytes: 14, rows: 1 },
          ],
        },
      ],
    };
    writeFileSync(join(project, 'd.manifest.json'), JSON.stringify(manifest));
    writeFileSync(
      join(project, 'src.assay.md'),
      `---\nsources:\n  linked: link.csv\n  far: ../outside/secret.csv\n  parts: {manifest: d.manifest.json, version: v1}\n---\n\n\`\`\`sql q\nSELECT count(*) AS n FROM parts\n\`\`\`\n`,
    );
    const engine = await create();
    try {
      const { results, manifestProblems, runs } = await runNotebookFile(join(project, 'src.assay.md'), engine);
      const byName = new Map(results.sources.map((s) => [s.name, s]));
      expect(byName.get('linked')!.error).toMatch(/outside the notebook's project folder .*links to .*secret\.csv/);
      expect(byName.get('far')!.error).toMatch(/outside the notebook's project folder/);
      expect(byName.get('parts')!.error).toBeUndefined();
      expect(manifestProblems.join('\n')).toMatch(/part2\.csv: checksum mismatch/);
      expect(manifestProblems.join('\n')).toMatch(/version v1 is its own parent/);
      expect(runs[0]!.status, runs[0]!.error).toBe('ok');
      expect(JSON.stringify(results)).not.toContain('the-secret');
    } finally {
      await engine.close();
      for (const f of ['part1.csv', 'part2.csv', 'd.manifest.json', 'src.assay.md']) rmSync(join(project, f));
    }
  });
});
