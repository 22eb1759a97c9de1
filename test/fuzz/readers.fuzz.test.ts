import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseNotebook } from '../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../src/core/notebook/analyzeNotebook';
import { serializeNotebook } from '../../src/core/notebook/serializeNotebook';
import { parseManifest } from '../../src/core/manifest/manifest';
import { rng } from '../helpers/rng';

const root = fileURLToPath(new URL('../../', import.meta.url));
const notebooks = readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.assay.md')).map((f) => readFileSync(join(root, 'notebooks', f), 'utf8'));
const manifest = readFileSync(join(root, 'sample-data/defects.manifest.json'), 'utf8');

const TOKENS = ['```', '~~~', '---', '\n', ':', '- ', '"', "'", '{', '}', '[', ']', '\t', ' ', '#', '\u0000', '\uFEFF', '\r\n', 'é', '😀', 'sql ', 'checks ', '&', '*a', '!!binary', '<script>', '\\', 'null', '1e999', '-0'];

/** One random edit: delete, insert a token, duplicate or drop a line, swap two lines, truncate. */
function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 7)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
    case 1:
      return text.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + text.slice(at);
    case 2: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const lines = text.split('\n');
      lines.splice(Math.floor(r() * lines.length), 1);
      return lines.join('\n');
    }
    case 4: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 5:
      return text.slice(0, at);
    default:
      return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2fff)) + text.slice(at);
  }
}

/** Runs `check` on mutations until `count` are done or `ms` have passed; returns how many ran. */
function fuzz(seed: number, count: number, ms: number, base: () => string, check: (text: string) => void): number {
  const r = rng(seed);
  const start = Date.now();
  let n = 0;
  while (n < count && Date.now() - start < ms) {
    let text = base();
    const edits = 1 + Math.floor(r() * 6);
    for (let k = 0; k < edits; k++) text = mutate(text, r);
    try {
      check(text);
    } catch (error) {
      throw new Error(`seed ${seed}, mutation ${n}: ${(error as Error).message}\n--- input ---\n${text.slice(0, 2000)}`);
    }
    n++;
  }
  return n;
}

describe('fuzzing the readers (seeded, bounded in time)', () => {
  test('the notebook parser and analyser never throw; what parses cleanly round-trips', () => {
    const r = rng(7);
    let clean = 0;
    const n = fuzz(20261121, 5000, 20_000, () => notebooks[Math.floor(r() * notebooks.length)]!, (text) => {
      const { notebook, diagnostics } = parseNotebook(text);
      const analysis = analyzeNotebook(notebook);
      for (const d of [...diagnostics, ...analysis.diagnostics]) {
        expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
        expect(typeof d.message).toBe('string');
      }
      // A clean parse of canonical text (LF, final newline) gives the same text back.
      if (diagnostics.length === 0 && !text.includes('\r') && !text.startsWith('\uFEFF') && text.endsWith('\n')) {
        expect(serializeNotebook(notebook)).toBe(text);
        clean++;
      }
    });
    console.log(`[fuzz] notebook mutations: ${n}, of which parsed cleanly and round-tripped: ${clean}`);
    expect(n).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  test('the manifest reader never throws, and what it accepts is well-formed', () => {
    const r = rng(11);
    const textual = fuzz(20261122, 5000, 15_000, () => manifest, (text) => {
      const { manifest: m, problems } = parseManifest(text);
      if (m) expect(problems).toEqual([]);
      else expect(problems.length).toBeGreaterThan(0);
    });
    // Structural mutations: any value in the tree replaced by one of another type.
    const values: unknown[] = [null, 0, -1, 1.5, '', 'x', [], {}, true, 'a'.repeat(64), ['x'], { path: '../x' }];
    let structural = 0;
    const start = Date.now();
    while (structural < 3000 && Date.now() - start < 10_000) {
      const doc = JSON.parse(manifest);
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, p: (string | number)[]) => {
        paths.push(p);
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
      };
      walk(doc, []);
      const p = paths[Math.floor(r() * paths.length)]!;
      if (p.length === 0) continue;
      let parent = doc;
      for (const k of p.slice(0, -1)) parent = parent[k];
      parent[p.at(-1)!] = values[Math.floor(r() * values.length)];
      const { manifest: m, problems } = parseManifest(JSON.stringify(doc));
      expect(m === null ? problems.length > 0 : problems.length === 0).toBe(true);
      structural++;
    }
    console.log(`[fuzz] manifest mutations: ${textual} textual, ${structural} structural`);
    expect(textual + structural).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});
