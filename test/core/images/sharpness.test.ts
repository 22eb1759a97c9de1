import { describe, expect, it } from 'vitest';
import { laplacianVariance } from '../../../src/core/images/sharpness';
import { meanLuminance } from '../../../src/core/images/luminance';
import { greyOf, toGrey } from '../../../src/core/images/grey';

describe('sharpness: population variance of the 4-neighbour Laplacian over interior pixels', () => {
  it('a 4×4 checkerboard of 0 and 255: L = ±1020 on the four interior pixels, variance 1020²', () => {
    const grey = Uint8Array.from({ length: 16 }, (_, i) => ((i % 4) + Math.floor(i / 4)) % 2 ? 255 : 0);
    expect(laplacianVariance(grey, 4, 4)).toBe(1020 * 1020);
  });

  it('a vertical line: L = 100, −200, 100 → variance 20000', () => {
    const grey = Uint8Array.from({ length: 15 }, (_, i) => (i % 5 === 2 ? 100 : 0));
    expect(laplacianVariance(grey, 5, 3)).toBe(20000);
  });

  it('a ramp has zero Laplacian; a flat image zero variance; no interior gives null', () => {
    const ramp = Uint8Array.from({ length: 30 }, (_, i) => (i % 6) * 10 + Math.floor(i / 6) * 3);
    expect(laplacianVariance(ramp, 6, 5)).toBe(0);
    expect(laplacianVariance(new Uint8Array(9).fill(7), 3, 3)).toBe(0);
    expect(laplacianVariance(new Uint8Array(4), 2, 2)).toBeNull();
    expect(laplacianVariance(new Uint8Array(10), 10, 1)).toBeNull();
  });

  it('one bright pixel in a 3×4 image: interior (1,1),(1,2); L = −4·90 and 90 → mean −135, variance 50625', () => {
    const grey = new Uint8Array(12);
    grey[1 * 3 + 1] = 90;
    // (1,1): 0+0+0+0−360 = −360; (1,2): up neighbour 90 → 90. Mean −135, var = ((−225)² + 225²)/2.
    expect(laplacianVariance(grey, 3, 4)).toBe(50625);
  });
});

describe('grey and mean luminance', () => {
  it('grey = ⌊(299R + 587G + 114B + 500) / 1000⌋', () => {
    expect(greyOf(255, 0, 0)).toBe(76); // 76.245
    expect(greyOf(0, 255, 0)).toBe(150); // 149.685
    expect(greyOf(0, 0, 255)).toBe(29); // 29.07
    expect(greyOf(255, 255, 255)).toBe(255);
    expect(greyOf(0, 0, 250)).toBe(29); // exactly 28.5: half rounds up
    expect(greyOf(1, 0, 1)).toBe(0); // 0.413
    expect(greyOf(2, 1, 0)).toBe(1); // 1.185
  });

  it('toGrey equals the rule for every one of the 2^24 colours, as RGB and as RGBA', () => {
    // One 256 × 256 image per red value, green down and blue across; layouts 3 and 4 take different paths.
    for (let r = 0; r < 256; r++) {
      const rgb = new Uint8Array(65536 * 3);
      const rgba = new Uint8Array(65536 * 4);
      for (let i = 0; i < 65536; i++) {
        rgb[i * 3] = rgba[i * 4] = r;
        rgb[i * 3 + 1] = rgba[i * 4 + 1] = i >> 8;
        rgb[i * 3 + 2] = rgba[i * 4 + 2] = i & 255;
        rgba[i * 4 + 3] = (i * 31) & 255;
      }
      const a = toGrey({ width: 256, height: 256, layout: 3, data: rgb });
      const b = toGrey({ width: 256, height: 256, layout: 4, data: rgba });
      let bad = 0;
      for (let i = 0; i < 65536; i++) {
        const want = Math.floor((299 * r + 587 * (i >> 8) + 114 * (i & 255) + 500) / 1000);
        if (a[i] !== want || b[i] !== want) bad++;
      }
      expect(bad, `red ${r}`).toBe(0);
    }
  });

  it('layouts: grey and grey+alpha take the sample, RGBA ignores alpha', () => {
    expect([...toGrey({ width: 2, height: 1, layout: 2, data: Uint8Array.from([9, 0, 200, 255]) })]).toEqual([9, 200]);
    expect([...toGrey({ width: 1, height: 1, layout: 4, data: Uint8Array.from([255, 0, 0, 0]) })]).toEqual([76]);
    expect(meanLuminance(Uint8Array.from([0, 1, 2, 4]))).toBe(1.75);
  });
});
