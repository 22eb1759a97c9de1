import { expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';

test('engines install the process panic handlers once, however many are created (no MaxListenersExceededWarning)', async () => {
  const first = await NodeEngine.create();
  const before = [process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')];
  const more = [];
  for (let i = 0; i < 2; i++) more.push(await NodeEngine.create());
  expect([process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')]).toEqual(before);
  // Every engine still answers after the others were created.
  for (const e of [first, ...more]) expect(Number((await e.query('SELECT 41 + 1 AS n')).get(0)!.toJSON().n)).toBe(42);
  for (const e of [first, ...more]) await e.close();
}, 120_000);
