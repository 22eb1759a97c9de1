import { describe, expect, test } from 'vitest';
import { parseNotebook } from '../../../src/core/notebook/parseNotebook';
import { serializeNotebook, withFrontMatter } from '../../../src/core/notebook/serializeNotebook';
import { analyzeNotebook, downstreamOf } from '../../../src/core/notebook/analyzeNotebook';
import type { CellBlock } from '../../../src/core/notebook/types';
import { rng } from '../../helpers/rng';

const CANONICAL = `---
title: Triage of vendor batch B
params:
  seed: 42
sources:
  defects_v2:
    path: ../sample-data/defects_v2.parquet
    sha256: ${'a'.repeat(64)}
---

# Triage

Some *prose* with a code sample:

\`\`\`python
print("not a cell")
\`\`\`

\`\`\`sql by_class
SELECT label, count(*) AS n
FROM defects_v2
GROUP BY label
\`\`\`

Between cells.

\`\`\`sql top
SELECT * FROM by_class ORDER BY n DESC LIMIT 3
\`\`\`
`;

describe('parseNotebook', () => {
  test('reads front matter, prose and cells', () => {
    const { notebook, diagnostics } = parseNotebook(CANONICAL);
    expect(diagnostics).toEqual([]);
    expect(notebook.frontMatter.title).toBe('Triage of vendor batch B');
    expect(notebook.frontMatter.params).toEqual({ seed: 42 });
    expect(notebook.frontMatter.sources).toEqual([{ name: 'defects_v2', path: '../sample-data/defects_v2.parquet', sha256: 'a'.repeat(64) }]);
    const cells = notebook.blocks.filter((b): b is CellBlock => b.type === 'cell');
    expect(cells.map((c) => [c.kind, c.name, c.line])).toEqual([
      ['sql', 'by_class', 19],
      ['sql', 'top', 27],
    ]);
    expect(cells[0]!.body).toBe('SELECT label, count(*) AS n\nFROM defects_v2\nGROUP BY label');
    // The python block stays prose.
    expect(notebook.blocks.filter((b) => b.type === 'prose').map((b) => b.type === 'prose' && b.text).join('')).toContain('print("not a cell")');
  });

  test('round trip is exact for a canonical file', () => {
    expect(serializeNotebook(parseNotebook(CANONICAL).notebook)).toBe(CANONICAL);
  });

  test('round trip keeps a file without front matter or final newline', () => {
    for (const text of ['# Just prose\n', '```sql a\nSELECT 1\n```\n', 'x\n\n```sql a\nSELECT 1\n```\ntrailing\n', '', 'no newline at end']) {
      expect(serializeNotebook(parseNotebook(text).notebook)).toBe(text);
    }
  });

  test('a closing fence longer than the opening one, or with trailing spaces, is kept as written (found by the fuzz test)', () => {
    for (const text of ['```sql a\nSELECT 1\n``````\n', '```sql a\nSELECT 1\n```  \n', '~~~sql a\nSELECT 1\n~~~~\n']) {
      const { notebook, diagnostics } = parseNotebook(text);
      expect(diagnostics).toEqual([]);
      expect(serializeNotebook(notebook)).toBe(text);
    }
  });

  test('a source may name the columns to load; a bad list is reported', () => {
    const text = '---\nsources:\n  batch:\n    path: ../sample-data/defects_v2.parquet\n    columns: [image_id, label]\n---\n';
    const { notebook, diagnostics } = parseNotebook(text);
    expect(diagnostics).toEqual([]);
    expect(notebook.frontMatter.sources).toEqual([{ name: 'batch', path: '../sample-data/defects_v2.parquet', columns: ['image_id', 'label'] }]);
    expect(serializeNotebook(withFrontMatter(notebook, { ...notebook.frontMatter }))).toBe(text);
    expect(parseNotebook('---\nsources:\n  batch:\n    path: x.parquet\n    columns: label\n---\n').diagnostics[0]!.message).toMatch(/columns must be a list of column names/);
  });

  test('dependencies, run order and downstream', () => {
    const text = '```sql c\nSELECT * FROM b JOIN a USING (k)\n```\n```sql a\nSELECT 1 AS k\n```\n```sql b\nSELECT * FROM "A"\n```\n```sql d\nSELECT 2\n```\n';
    const analysis = analyzeNotebook(parseNotebook(text).notebook);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.order).toEqual(['a', 'b', 'c', 'd']);
    expect(analysis.cells.get('c')!.cellDeps.sort()).toEqual(['a', 'b']);
    expect(downstreamOf(analysis, 'a')).toEqual(['a', 'b', 'c']);
    expect(downstreamOf(analysis, 'd')).toEqual(['d']);
  });

  test('names in strings and comments are not dependencies', () => {
    const text = "```sql a\nSELECT 1\n```\n```sql b\nSELECT 'a' AS x -- from a\n/* a */\n```\n";
    expect(analyzeNotebook(parseNotebook(text).notebook).cells.get('b')!.cellDeps).toEqual([]);
  });

  test('sources are read by name', () => {
    const text = '---\nsources:\n  "my data": data.csv\n---\n```sql a\nSELECT * FROM "my data"\n```\n';
    const { notebook } = parseNotebook(text);
    expect(analyzeNotebook(notebook).cells.get('a')!.sourceDeps).toEqual(['my data']);
  });

  test('withFrontMatter writes canonical YAML that parses back', () => {
    const { notebook } = parseNotebook(CANONICAL);
    const fm = { ...notebook.frontMatter, sources: [{ ...notebook.frontMatter.sources[0]!, sha256: 'b'.repeat(64) }] };
    const text = serializeNotebook(withFrontMatter(notebook, fm));
    expect(parseNotebook(text).notebook.frontMatter.sources[0]!.sha256).toBe('b'.repeat(64));
    expect(serializeNotebook(parseNotebook(text).notebook)).toBe(text);
  });
});

describe('malformed notebooks: errors with line numbers, never a throw', () => {
  const cases: [string, string, number, RegExp][] = [
    ['bad YAML', '---\ntitle: [unclosed\nparams: 1\n---\n', 2, /front matter/],
    ['front matter never closed', '---\ntitle: x\n', 1, /never closed/],
    ['sources as a list', '---\nsources:\n  - a.csv\n---\n', 3, /sources must be a mapping/],
    ['bad sha', '---\nsources:\n  a:\n    path: a.csv\n    sha256: xyz\n---\n', 3, /sha256/],
    ['unknown kind', 'intro\n\n```profiel triage\nsource: x\n```\n', 3, /unknown cell kind "profiel"/],
    ['missing name', '```sql\nSELECT 1\n```\n', 1, /has no name/],
    ['bad name', '```sql 2fast\nSELECT 1\n```\n', 1, /must start with a letter/],
    ['duplicate names', '```sql a\nSELECT 1\n```\n\n```sql A\nSELECT 2\n```\n', 5, /duplicate cell name "A" \(first used on line 1\)/],
    ['unclosed cell', 'x\n```sql a\nSELECT 1\n', 2, /never closed/],
    ['empty sql', '```sql a\n```\n', 2, /empty/],
    ['two statements', '```sql a\nSELECT 1;\nDROP TABLE x\n```\n', 3, /one query/],
    ['name shadows a source', '---\nsources:\n  a: a.csv\n---\n```sql a\nSELECT 1\n```\n', 5, /already the name of a source/],
  ];
  for (const [label, text, line, pattern] of cases) {
    test(label, () => {
      const { notebook, diagnostics } = parseNotebook(text);
      const all = [...diagnostics, ...analyzeNotebook(notebook).diagnostics];
      const hit = all.find((d) => pattern.test(d.message));
      expect(hit, JSON.stringify(all)).toBeDefined();
      expect(hit!.line).toBe(line);
      expect(hit!.severity).toBe('error');
    });
  }

  test('a cycle names its cells and leaves them out of the run order', () => {
    const text = '```sql a\nSELECT * FROM c\n```\n```sql b\nSELECT * FROM a\n```\n```sql c\nSELECT * FROM b\n```\n```sql ok\nSELECT 1\n```\n';
    const analysis = analyzeNotebook(parseNotebook(text).notebook);
    expect(analysis.order).toEqual(['ok']);
    expect(analysis.diagnostics).toHaveLength(1);
    expect(analysis.diagnostics[0]!.line).toBe(1);
    expect(analysis.diagnostics[0]!.message).toBe('cells read each other in a cycle: a reads c, c reads b, b reads a');
  });

  test('a self-reference is not a cycle', () => {
    const analysis = analyzeNotebook(parseNotebook('```sql a\nSELECT a FROM (SELECT 1 AS a)\n```\n').notebook);
    expect(analysis.diagnostics).toEqual([]);
  });
});

describe('property: generated canonical notebooks round-trip and keep their cells', () => {
  const words = ['label', 'crack', 'ü', 'data', '"quoted"', "it's", '#', '*', '`inline`', '---', '~~', 'SELECT', '|', '<b>x</b>'];
  for (let seed = 1; seed <= 300; seed++) {
    test.runIf(seed <= 300)(`seed ${seed}`, () => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const line = () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(words)).join(' ');
      let text = '';
      if (r() < 0.7) text += `---\ntitle: "T ${seed}"\nparams:\n  seed: ${Math.floor(r() * 1000)}\n---\n`;
      const names: string[] = [];
      const n = Math.floor(r() * 6);
      for (let k = 0; k < n; k++) {
        // A file whose first line is --- opens front matter by definition; generated prose avoids that.
        if (r() < 0.8) text += Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.2 ? '' : line()) + '\n').join('').replace(/^---\n/, text === '' ? 'x\n' : '---\n');
        const name = `c${k}_${Math.floor(r() * 100)}`;
        names.push(name);
        const fence = r() < 0.8 ? '```' : '~~~~';
        const body = Array.from({ length: 1 + Math.floor(r() * 4) }, () => `-- ${line()}`).join('\n') + `\nSELECT ${k} AS v${names.length > 1 && r() < 0.5 ? ` FROM ${pick(names.slice(0, -1))}` : ''}`;
        text += `${fence}sql ${name}\n${body}\n${fence}\n`;
      }
      const { notebook, diagnostics } = parseNotebook(text);
      expect(diagnostics).toEqual([]);
      expect(serializeNotebook(notebook)).toBe(text);
      expect(notebook.blocks.filter((b) => b.type === 'cell').map((b) => (b as CellBlock).name)).toEqual(names);
      const analysis = analyzeNotebook(notebook);
      expect(analysis.diagnostics).toEqual([]);
      expect(new Set(analysis.order)).toEqual(new Set(names.map((x) => x.toLowerCase())));
    });
  }
});

describe('fences inside bodies', () => {
  test('a body line that cannot close the fence keeps the fence as written (found by the fuzz test)', () => {
    const text = '```sql a\nSELECT 1\n```not a closing fence\n```\n';
    expect(serializeNotebook(parseNotebook(text).notebook)).toBe(text);
  });
  test('a body that holds a closing fence gets a longer fence when written', () => {
    const { notebook } = parseNotebook('```sql a\nSELECT 1\n```\n');
    const cell = notebook.blocks[0] as CellBlock;
    const text = serializeNotebook({ ...notebook, blocks: [{ ...cell, body: 'SELECT 1\n```\n-- still the body' }] });
    expect(text).toBe('````sql a\nSELECT 1\n```\n-- still the body\n````\n');
    expect((parseNotebook(text).notebook.blocks[0] as CellBlock).body).toBe('SELECT 1\n```\n-- still the body');
  });
});

test('YAML aliases that do not resolve are reported, not thrown (found by the fuzz test)', () => {
  const { diagnostics } = parseNotebook('---\ntitle: *nowhere\n---\n');
  expect(diagnostics[0]).toMatchObject({ line: 2, severity: 'error', message: expect.stringMatching(/^front matter: .*alias/i) });
  const analysis = analyzeNotebook(parseNotebook('```confusion c\nsource: *a\nreference: x\ncompared: y\n```\n').notebook);
  expect(analysis.diagnostics[0]!.message).toMatch(/confusion cell c: YAML: .*alias/i);
});
