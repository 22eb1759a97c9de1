import { describe, expect, it } from 'vitest';
import { cellSums, dHash, hamming, hashHex } from '../../../src/core/images/dhash';

/** A grey image from rows of values. */
function image(rows: number[][]): { grey: Uint8Array; w: number; h: number } {
  return { grey: Uint8Array.from(rows.flat()), w: rows[0]!.length, h: rows.length };
}

describe('dHash (hand-worked)', () => {
  it('a 9×8 image is its own reduction: left < right per row, row-major, first bit most significant', () => {
    const up = [0, 10, 20, 30, 40, 50, 60, 70, 80];
    const flat = new Array(9).fill(7);
    expect(hashHex(dHash(image(new Array(8).fill(up)).grey, 9, 8))).toBe('ffffffffffffffff');
    expect(hashHex(dHash(image(new Array(8).fill([...up].reverse())).grey, 9, 8))).toBe('0000000000000000');
    // Row 0 rising, the others flat (equal is not less): ff then zeros.
    const { grey } = image([up, ...new Array(7).fill(flat)]);
    expect(hashHex(dHash(grey, 9, 8))).toBe('ff00000000000000');
    // One rise between columns 3 and 4 of the last row only: bit (7, 3) = bit 60 from the top = 0x…10.
    const last = [5, 5, 5, 5, 9, 9, 9, 9, 9];
    expect(hashHex(dHash(image([...new Array(7).fill(flat), last]).grey, 9, 8))).toBe('0000000000000010');
  });

  it('an 18×8 image: each cell averages two pixels', () => {
    // Pairs (a, b) per cell: cell sums 9·8·(a + b)… only their order matters.
    const row = [0, 100, 50, 50, 0, 0, 90, 90, 1, 0, 0, 0, 200, 0, 0, 0, 0, 0];
    // cells: 100, 100, 0, 180, 1, 0, 200, 0, 0 → bits: 100<100 0, 100<0 0, 0<180 1, 180<1 0, 1<0 0, 0<200 1, 200<0 0, 0<0 0
    expect(hashHex(dHash(image(new Array(8).fill(row)).grey, 18, 8))).toBe('2424242424242424');
  });

  it('a 4-pixel-wide image: each pixel spreads over cells with weights 4,4,1 | 3,4,2 | 2,4,3 | 1,4,4 (ninths)', () => {
    // Row [10, 20, 20, 10]: S = 40, 40, 70, 80, 80, 80, 70, 40, 40 (× 8 for the rows) → bits 0110 0000.
    const { grey, w, h } = image(new Array(8).fill([10, 20, 20, 10]));
    expect(cellSums(grey, w, h, 9, 8).slice(0, 9)).toEqual([40, 40, 70, 80, 80, 80, 70, 40, 40].map((s) => s * 8));
    expect(hashHex(dHash(grey, w, h))).toBe('6060606060606060');
  });

  it('rows are area-averaged too: a 9×3 image spreads each row over 8/3 cell rows', () => {
    // Row y spans [8y, 8y+8) in scaled units; cell row j spans [3j, 3j+3).
    // Row 0 → cells 0,1 (3 each), 2 (2); row 1 → 2 (1), 3, 4 (3), 5 (1); row 2 → 5 (2), 6, 7 (3).
    const up = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const down = [...up].reverse();
    const flat = new Array(9).fill(4);
    // Cell row 2 is 2/3 row 0 (up) + 1/3 row 1 (flat): still rising; cell row 5 is 1/3 flat + 2/3 down: falling.
    const { grey } = image([up, flat, down]);
    expect(hashHex(dHash(grey, 9, 3))).toBe('ffffff0000000000');
  });

  it('every cell weight sums to w·h, whatever the size', () => {
    for (const [w, h] of [[1, 1], [5, 7], [9, 8], [10, 9], [37, 23], [256, 256]] as const) {
      const ones = new Uint8Array(w * h).fill(1);
      expect(new Set(cellSums(ones, w, h, 9, 8))).toEqual(new Set([w * h]));
    }
  });

  it('cell sums equal the definition (Σ ox·oy·G over every pixel of every cell) at every size, small and large', () => {
    // Straight from the README's formula, one cell at a time: slow, and independent of how cellSums is written.
    const naive = (grey: Uint8Array, w: number, h: number) => {
      const out: number[] = [];
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 9; i++) {
          let sum = 0;
          for (let y = 0; y < h; y++) {
            const oy = Math.max(0, Math.min(8 * y + 8, (j + 1) * h) - Math.max(8 * y, j * h));
            for (let x = 0; oy && x < w; x++) sum += Math.max(0, Math.min(9 * x + 9, (i + 1) * w) - Math.max(9 * x, i * w)) * oy * grey[y * w + x]!;
          }
          out.push(sum);
        }
      }
      return out;
    };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (const [w, h] of [[1, 1], [3, 2], [8, 7], [9, 8], [10, 8], [9, 9], [17, 13], [64, 48], [100, 37], [256, 256], [255, 257]] as const) {
      const grey = Uint8Array.from({ length: w * h }, () => next() % 256);
      expect(cellSums(grey, w, h, 9, 8), `${w}×${h}`).toEqual(naive(grey, w, h));
    }
  });

  it('Hamming distance counts differing bits', () => {
    expect(hamming(0n, 0xffffffffffffffffn)).toBe(64);
    expect(hamming(0b1011n, 0b0001n)).toBe(2);
  });
});
