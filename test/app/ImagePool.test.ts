import { describe, expect, it } from 'vitest';
import { FILES_PER_WORKER, ImagePool, type FolderFile } from '../../src/app/ImagePool';
import type { ImageJob } from '../../workers/image.worker';
import type { ImageMeasure } from '../../src/core/images/measure';

/** A stand-in image worker: answers each job after a few ticks, counting how many it holds at once. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  held = 0;
  maxHeld = 0;
  jobs: number[] = [];
  terminated = false;
  postMessage(job: ImageJob): void {
    this.held++;
    this.maxHeld = Math.max(this.maxHeld, this.held);
    this.jobs.push(job.id);
    // Answers in arrival order, like the worker's chain of jobs, at uneven speeds.
    const delay = (job.id % 3) + 1;
    setTimeout(() => {
      if (this.terminated) return;
      this.held--;
      this.onmessage?.({ data: { id: job.id, row: { path: job.path } as ImageMeasure } } as MessageEvent);
    }, delay);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const folder = (n: number): FolderFile[] => Array.from({ length: n }, (_, i) => ({ path: `f${i}.png`, file: new Blob([]) }));

describe('ImagePool', () => {
  it('keeps FILES_PER_WORKER files with each worker, never more, and returns rows in file order', async () => {
    const made: FakeWorker[] = [];
    const pool = new ImagePool(() => made[made.push(new FakeWorker()) - 1] as unknown as Worker, 3);
    const progress: number[] = [];
    const rows = await pool.measure(folder(50), ['dhash'], (done) => progress.push(done));
    expect(rows.map((r) => r.path)).toEqual(folder(50).map((f) => f.path));
    expect(made.length).toBe(3);
    expect(made.map((w) => w.maxHeld)).toEqual([FILES_PER_WORKER, FILES_PER_WORKER, FILES_PER_WORKER]);
    expect(made.flatMap((w) => w.jobs).sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    // The first file, then at most one report per PROGRESS_MS, and always the last.
    expect(progress[0]).toBe(1);
    expect(progress.at(-1)).toBe(50);
    expect(progress.every((d, i) => i === 0 || d > progress[i - 1]!)).toBe(true);
    expect(progress.length).toBeLessThan(50);
  });

  it('a folder smaller than the pool still spreads over the workers', async () => {
    const made: FakeWorker[] = [];
    const pool = new ImagePool(() => made[made.push(new FakeWorker()) - 1] as unknown as Worker, 4);
    await pool.measure(folder(3), ['dhash']);
    expect(made.map((w) => w.jobs)).toEqual([[0], [1], [2]]);
  });

  it('Cancel rejects at once and terminates the workers', async () => {
    const made: FakeWorker[] = [];
    const pool = new ImagePool(() => made[made.push(new FakeWorker()) - 1] as unknown as Worker, 2);
    const stop = new AbortController();
    const run = pool.measure(folder(1000), ['dhash'], () => setTimeout(() => stop.abort(), 20), stop.signal);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(made.every((w) => w.terminated)).toBe(true);
    expect(made.reduce((n, w) => n + w.jobs.length, 0)).toBeLessThan(1000);
  });
});
