/** Mean luminance: the mean of the grey values (0–255) over every pixel. */
export function meanLuminance(grey: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < grey.length; i++) sum += grey[i]!;
  return sum / grey.length;
}
