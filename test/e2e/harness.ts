import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

export { CHROMIUM, CHROMIUM_ARGS };

export interface AppSession {
  server: PreviewServer;
  baseUrl: string;
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/** Serve the built app (dist/) with `vite preview` and open it in headless Debian Chromium. */
export async function openApp(path = '/', options: { initScript?: string } = {}): Promise<AppSession> {
  const server = await preview({ preview: { port: 0, strictPort: false, host: '127.0.0.1' }, logLevel: 'silent' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const userDir = mkdtempSync(join(tmpdir(), 'assay-chromium-'));
  const context = await chromium.launchPersistentContext(userDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (req) => requests.push(req.url()));
  // Runs before the app's own code in every page: used to take IndexedDB away, or fill it up.
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(baseUrl + path);
  return {
    server,
    baseUrl,
    context,
    page,
    requests,
    errors,
    async close() {
      await context.close();
      await server.close();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** Wait until the page's DuckDB has started (the engine status names its version). */
export function waitForEngine(page: Page, timeout = 30_000): Promise<unknown> {
  return page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout });
}

/** The app at 1440×900 (or `viewport`) with its engine started. */
export async function openReadyApp(viewport = { width: 1440, height: 900 }): Promise<AppSession> {
  const s = await openApp('/');
  await s.page.setViewportSize(viewport);
  await waitForEngine(s.page);
  return s;
}

/** Every drawn cell has an outcome and no run is going on. */
export async function waitForResults(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const cells = [...document.querySelectorAll('[data-testid=nb-cell]')];
      const settled = cells.every((c) => ['ok', 'error', 'waiting'].includes(c.getAttribute('data-status') ?? ''));
      return cells.length > 0 && settled && !document.querySelector('[data-testid=readout-running], [data-testid=cancel-run]');
    },
    null,
    { timeout },
  );
}

/**
 * Open an example from the start page. It opens as a readout and runs once by itself; with
 * `edit` (the default) the test then switches to the cells, as a user who wants to change it does.
 */
export async function openExample(s: AppSession, title: string, { edit = true } = {}): Promise<void> {
  // From wherever the last test left the page (a failed one may have stopped inside a notebook).
  if (!(await s.page.getByTestId('start-page').isVisible())) await s.page.getByRole('button', { name: '← Notebooks' }).click();
  await s.page.locator('[data-testid=example]', { hasText: title }).click();
  await s.page.waitForSelector('[data-testid=notebook][data-readout=true]');
  await waitForResults(s.page);
  if (edit) {
    await s.page.getByTestId('readout-toggle').click();
    await s.page.waitForSelector('[data-testid=notebook][data-readout=false]');
  }
}
