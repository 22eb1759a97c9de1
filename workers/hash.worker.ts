/**
 * SHA-256 of one file, on a thread of its own, so hashing a file does not hold up the Parquet
 * decoding in the engine worker. Gets the Blob (a File is passed by reference, not copied),
 * posts progress after every slice and the hex digest at the end. It stops when terminated.
 */
import { sha256Blob } from '../src/engine/sha256Blob';

export type HashMessage = { progress: [number, number] } | { hex: string } | { error: string };

self.onmessage = async (e: MessageEvent<Blob>) => {
  const post = (m: HashMessage) => self.postMessage(m);
  try {
    post({ hex: await sha256Blob(e.data, (done, total) => post({ progress: [done, total] })) });
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
  }
};
