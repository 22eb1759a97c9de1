/**
 * The bands near-duplicates are searched by. With distance d, the 64 bits are cut into d + 1
 * bands of consecutive bits, as even as possible (the first 64 mod (d+1) bands one bit
 * longer). Two hashes at most d bits apart differ in at most d bands, so by the pigeonhole
 * principle they agree exactly on at least one of the d + 1: an equality join on (band,
 * value) finds every pair within d, and the exact Hamming distance then drops the rest.
 */
export interface HashBand {
  /** The band's first bit, counted from the most significant (0). */
  offset: number;
  length: number;
}

/** The largest distance that still leaves every band at least 2 bits. */
export const MAX_NEAR_DISTANCE = 31;

export function hashBands(distance: number): HashBand[] {
  if (!Number.isInteger(distance) || distance < 0 || distance > MAX_NEAR_DISTANCE) throw new RangeError(`distance must be a whole number from 0 to ${MAX_NEAR_DISTANCE}`);
  const k = distance + 1;
  const base = Math.floor(64 / k);
  const longer = 64 % k;
  const bands: HashBand[] = [];
  let offset = 0;
  for (let b = 0; b < k; b++) {
    const length = base + (b < longer ? 1 : 0);
    bands.push({ offset, length });
    offset += length;
  }
  return bands;
}
