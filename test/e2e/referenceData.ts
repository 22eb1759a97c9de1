import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSimpleCsv } from '../helpers/simpleCsv';

/** Path of a file in sample-data/. */
export function samplePath(name: string): string {
  return fileURLToPath(new URL(`../../sample-data/${name}`, import.meta.url));
}

/** The sample CSV copy parsed by hand in Node: an independent reference for numbers the app shows. */
export function referenceRows(name = 'defects_v1.csv'): Record<string, string>[] {
  return parseSimpleCsv(readFileSync(samplePath(name), 'utf8'));
}
