import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { sha256Blob } from '../../src/engine/sha256Blob';

describe('sha256Blob', () => {
  test('matches OpenSSL on a file of several 8 MiB slices with a ragged end, and on the empty file', async () => {
    const bytes = new Uint8Array(8 * 1024 * 1024 * 2 + 12_345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const seen: number[] = [];
    const hex = await sha256Blob(new Blob([bytes]), (done) => seen.push(done));
    expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(seen).toEqual([8 * 1024 * 1024, 16 * 1024 * 1024, bytes.length]);
    // The published digest of no bytes.
    expect(await sha256Blob(new Blob([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('stops when checkCancelled throws', async () => {
    const stop = new Error('stop');
    await expect(sha256Blob(new Blob([new Uint8Array(20 * 1024 * 1024)]), undefined, () => { throw stop; })).rejects.toBe(stop);
  });
});
