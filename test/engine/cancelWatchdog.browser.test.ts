import { expect, test } from 'vitest';
import { WorkerEngine } from '../../src/engine/browser/WorkerEngine';

/**
 * DuckDB-WASM's threaded bundle cannot interrupt a task one of its threads runs, so a
 * cancelled query could hold the engine for as long as the query would have taken. After a
 * cancel the engine must, within its grace period, either answer again or declare itself
 * dead (so the app replaces the worker) — never stay silently busy.
 */
test('after a cancel the engine answers again or is declared dead within the grace period', async () => {
  const grace = 1000;
  const outcomes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const engine = await WorkerEngine.create({ cancelGraceMs: grace });
    const crashes: string[] = [];
    engine.onCrash = (reason) => crashes.push(reason);
    try {
      // Tens of seconds uncancelled: far beyond the grace period.
      const running = engine.query('SELECT count(*) FROM range(5000000000) a WHERE a.range % 7 = 3');
      running.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      await engine.cancel();
      const settled = performance.now() - t0;
      expect((await running.catch((e) => e)).message).toMatch(/cancelled|engine stopped/);
      // Slack for the probe's round trip on a loaded machine.
      expect(settled).toBeLessThan(grace + 3000);
      if (engine.deadReason === null) {
        expect(crashes).toEqual([]);
        expect((await engine.query('SELECT 7 AS x')).getChild('x')!.get(0)).toBe(7);
        outcomes.push('answered');
      } else {
        expect(engine.deadReason).toMatch(/^a cancelled query still held DuckDB's threads after 1 s/);
        expect(crashes).toEqual([engine.deadReason]);
        expect((await engine.query('SELECT 1').catch((e) => e)).message).toMatch(/the DuckDB engine stopped/);
        outcomes.push('replaced');
      }
    } finally {
      await engine.close();
    }
  }
  console.log(`cancel outcomes on ${(await WorkerEngine.create({ cancelGraceMs: Infinity }).then(async (e) => { const b = e.started.bundle; await e.close(); return b; }))}: ${outcomes.join(', ')}`);
}, 120_000);
