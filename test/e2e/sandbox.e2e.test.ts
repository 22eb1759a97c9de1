import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openApp, type AppSession } from './harness';
import { hostileNotebook } from '../sandbox/hostileCorpus';

/**
 * The hostile corpus in the app, in Chromium: a local HTTP listener on another port must
 * receive nothing while a notebook tries to read files, write them and send data out; every
 * cell is refused with its reason; the page and every worker script carry the CSP header.
 */
describe('the sandbox in Chromium', () => {
  let s: AppSession;
  let server: Server;
  let url: string;
  const hits: string[] = [];
  const scripts = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.end('a\n1\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    s = await openApp('/');
    // Every script the page and its workers load, from a fresh load.
    s.context.on('request', (r) => {
      if (/\.(js|mjs)(\?|$)/.test(r.url())) scripts.add(r.url());
    });
    await s.page.reload();
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
  }, 90_000);
  afterAll(async () => {
    await s?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('every script, the engine worker and DuckDB’s own workers included, is served with the CSP header', async () => {
    const workers = [...scripts].filter((u) => /worker/i.test(u));
    expect(workers.length).toBeGreaterThanOrEqual(2);
    // Asked again from here: a reload may take them from the browser's cache, where
    // Playwright sees no headers.
    for (const u of scripts) {
      const csp = (await fetch(u)).headers.get('content-security-policy') ?? undefined;
      expect(csp, u).toContain("connect-src 'self'");
      expect(csp, u).toContain("default-src 'self'");
      expect(csp, u).not.toMatch(/https?:|\*/);
    }
  });

  test('a hostile notebook: each cell refused with its reason, the opened file still read, nothing sent', async () => {
    // A file opened after the engine sealed itself at start: still readable (its one path).
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from('id,label\n1,ok\n2,crack\n3,ok\n') });
    await s.page.locator('[data-testid=source][data-name=batch]').waitFor({ timeout: 30_000 });
    const { text, cells } = hostileNotebook({ outside: '/etc', link: '/proc/self/environ', url }, 'batch.csv');
    await s.page.getByTestId('new-notebook').click();
    await s.page.getByRole('button', { name: 'Source' }).click();
    await s.page.getByTestId('source-editor').fill(text);
    await s.page.getByRole('button', { name: 'Cells' }).click();
    await s.page.getByRole('button', { name: 'Run all' }).click();
    const statuses = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status')));
    await expect.poll(async () => (await statuses()).every((x) => x === 'ok' || x === 'error'), { timeout: 60_000 }).toBe(true);
    const cell = (name: string) => s.page.locator(`[data-testid=nb-cell][data-name=${name}]`);
    expect(await cell('harmless').getAttribute('data-status')).toBe('ok');
    for (const c of cells) {
      const status = await cell(c.name).getAttribute('data-status');
      if (c.why === null) {
        expect(status, c.name).toBe('ok');
        continue;
      }
      expect(status, c.name).toBe('error');
      expect(await cell(c.name).textContent(), c.name).toMatch(c.why);
    }
    // Give a stray request time to arrive, then: nothing reached the listener, and the page
    // asked only its own origin for anything.
    await s.page.waitForTimeout(500);
    expect(hits).toEqual([]);
    expect(s.requests.filter((r) => !r.startsWith(s.baseUrl) && !r.startsWith('blob:') && !r.startsWith('data:'))).toEqual([]);
  });

  test('the engine itself, asked directly, refuses URLs, files and settings', async () => {
    const refused = await s.page.evaluate(async (target) => {
      const engine = (window as unknown as { __assay: { query(sql: string): Promise<unknown> } }).__assay;
      const out: Record<string, string> = {};
      for (const sql of [
        `SELECT * FROM read_csv('${target}/x.csv')`,
        `SELECT * FROM read_text('${target}/y')`,
        `COPY (SELECT 1) TO '/tmp/w.csv'`,
        `SET enable_external_access = true`,
        `LOAD httpfs`,
      ]) {
        try {
          await engine.query(sql);
          out[sql] = 'ran';
        } catch (error) {
          out[sql] = String((error as Error).message ?? error);
        }
      }
      return out;
    }, url);
    for (const [sql, message] of Object.entries(refused)) expect(message, sql).toMatch(/disabled by configuration|configuration has been locked|disabled through configuration|Permission|not in the catalog/);
    await s.page.waitForTimeout(300);
    expect(hits).toEqual([]);
  });
});
