import { createSHA256 } from 'hash-wasm';

const CHUNK = 8 * 1024 * 1024;

/**
 * SHA-256 of a Blob, read slice by slice so a multi-gigabyte file never sits in one buffer.
 * Works wherever Blob does (workers, Node 20).
 */
export async function sha256Blob(
  blob: Blob,
  onProgress?: (done: number, total: number) => void,
  checkCancelled?: () => void,
): Promise<string> {
  const hash = await createSHA256();
  hash.init();
  for (let offset = 0; offset < blob.size; offset += CHUNK) {
    checkCancelled?.();
    const chunk = new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + CHUNK)).arrayBuffer());
    hash.update(chunk);
    onProgress?.(Math.min(blob.size, offset + CHUNK), blob.size);
  }
  return hash.digest('hex');
}
