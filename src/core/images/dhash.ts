/**
 * dHash, 64 bits, of the grey image.
 *
 * The image is first reduced to 9 columns × 8 rows by area averaging: cell (i, j),
 * 0 ≤ i < 9, 0 ≤ j < 8, is the rectangle [i·w/9, (i+1)·w/9) × [j·h/8, (j+1)·h/8) of the
 * image, pixel (x, y) the unit square [x, x+1) × [y, y+1), and a pixel counts in a cell with
 * the area of their overlap. In coordinates scaled by 9 across and 8 down every bound is an
 * integer, so the weight of pixel (x, y) in cell (i, j) is the integer
 *
 *   ox · oy,  ox = max(0, min(9x+9, (i+1)·w) − max(9x, i·w)),  oy = max(0, min(8y+8, (j+1)·h) − max(8y, j·h)),
 *
 * and every cell's weights sum to w·h, so comparing cells compares the integer sums
 * S(i, j) = Σ ox·oy·G(x, y) exactly (no division, no rounding).
 *
 * Bit (j, i), 0 ≤ i < 8, is 1 when S(i, j) < S(i+1, j) (left darker than right); bits are
 * taken row by row, left to right, the first one the most significant of the 64.
 */
export function dHash(grey: Uint8Array, width: number, height: number): bigint {
  const sums = cellSums(grey, width, height, 9, 8);
  let hash = 0n;
  for (let j = 0; j < 8; j++) {
    for (let i = 0; i < 8; i++) hash = (hash << 1n) | (sums[j * 9 + i]! < sums[j * 9 + i + 1]! ? 1n : 0n);
  }
  return hash;
}

/** The area-weighted sums of a cols × rows reduction (see dHash), row-major, in units of 1/(cols·rows) pixel. */
export function cellSums(grey: Uint8Array, width: number, height: number, cols: number, rows: number): number[] {
  if (width >= cols && height >= rows) return cellSumsTwoCells(grey, width, height, cols, rows);
  // Per column x: the cells it overlaps and by how much (several when w < cols).
  const xs = spans(width, cols);
  const ys = spans(height, rows);
  const sums = new Array<number>(cols * rows).fill(0);
  for (let y = 0; y < height; y++) {
    const rowSums = new Array<number>(cols).fill(0);
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const g = grey[base + x]!;
      for (const [i, w] of xs[x]!) rowSums[i]! += w * g;
    }
    for (const [j, w] of ys[y]!) for (let i = 0; i < cols; i++) sums[j * cols + i]! += w * rowSums[i]!;
  }
  return sums;
}

/**
 * cellSums when the image is at least cols × rows: a pixel (k scaled units wide) then meets at
 * most two cells (n ≥ k units each). Most pixels of a row lie wholly in one cell, with weight
 * cols: those are summed as plain integers in runs, one cell at a time, and multiplied once;
 * the few that straddle a boundary split their weight between the two cells. Rows are then
 * added into cell rows the same way (a row wholly in one cell row with weight rows, a straddler
 * split). Every product and sum is an integer below 2^53 (at most 72·w·h·255), so doubles hold
 * it exactly and the sums equal the general path's.
 */
function cellSumsTwoCells(grey: Uint8Array, width: number, height: number, cols: number, rows: number): number[] {
  const [xCell, xWeight] = twoCells(width, cols);
  const [yCell, yWeight] = twoCells(height, rows);
  // Per cell: the run [runStart, runEnd) of pixels wholly inside it.
  const runStart = new Int32Array(cols).fill(-1);
  const runEnd = new Int32Array(cols);
  const splitAt: number[] = [];
  for (let x = 0; x < width; x++) {
    if (xWeight[x] === cols) {
      const c = xCell[x]!;
      if (runStart[c] === -1) runStart[c] = x;
      runEnd[c] = x + 1;
    } else splitAt.push(x);
  }
  const sums = new Float64Array(cols * rows + cols);
  const rowSums = new Float64Array(cols + 1);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let x = runStart[c]!, end = runEnd[c]!; x >= 0 && x < end; x++) s += grey[base + x]!;
      rowSums[c] = cols * s;
    }
    rowSums[cols] = 0;
    for (const x of splitAt) {
      const g = grey[base + x]!;
      const c = xCell[x]!;
      const w = xWeight[x]!;
      rowSums[c] = rowSums[c]! + w * g;
      rowSums[c + 1] = rowSums[c + 1]! + (cols - w) * g;
    }
    const top = yCell[y]! * cols;
    const wy = yWeight[y]!;
    const rest = rows - wy;
    for (let i = 0; i < cols; i++) {
      const r = rowSums[i]!;
      sums[top + i] = sums[top + i]! + wy * r;
      if (rest) sums[top + cols + i] = sums[top + cols + i]! + rest * r;
    }
  }
  return Array.from(sums.subarray(0, cols * rows));
}

/** For each of n ≥ k pixels: the first cell of k it overlaps and the overlap (scaled units); the rest, k − overlap, falls in the next cell. */
function twoCells(n: number, k: number): [Int32Array, Int32Array] {
  const cell = new Int32Array(n);
  const weight = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const c = Math.floor((k * p) / n);
    cell[p] = c;
    weight[p] = Math.min(k * p + k, (c + 1) * n) - k * p;
  }
  return [cell, weight];
}

/** For each of n pixels, the cells of k it overlaps with the overlap in units of 1/k pixel (scaled coordinates). */
function spans(n: number, k: number): [number, number][][] {
  const out: [number, number][][] = [];
  for (let p = 0; p < n; p++) {
    const lo = k * p;
    const hi = k * p + k;
    const cells: [number, number][] = [];
    for (let c = Math.floor(lo / n); c < k && c * n < hi; c++) {
      const overlap = Math.min(hi, (c + 1) * n) - Math.max(lo, c * n);
      if (overlap > 0) cells.push([c, overlap]);
    }
    out.push(cells);
  }
  return out;
}

/** A 64-bit hash as 16 lowercase hex digits. */
export function hashHex(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}

/** The number of bits in which two hashes differ. */
export function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
