import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of a file in sample-data/. */
export function samplePath(name: string): string {
  return fileURLToPath(new URL(`../../sample-data/${name}`, import.meta.url));
}

/**
 * The sample CSV copy parsed by hand in Node: an independent reference for numbers the
 * app shows (it has quoted fields but no embedded newlines).
 */
export function referenceRows(name = 'defects_v1.csv'): Record<string, string>[] {
  const lines = readFileSync(samplePath(name), 'utf8').trim().split('\n');
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') out.push(cur), (cur = '');
      else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i]!, v])));
}
