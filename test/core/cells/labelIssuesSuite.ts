import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../../src/engine/Engine';
import { labelIssuesCell, labelIssuesCellRowsSql, type LabelIssuesResult } from '../../../src/core/cells/labelIssuesCell';
import { quoteIdent, quoteLiteral } from '../../../src/core/sql/quote';
import { clipDiagonal } from '../../../src/core/stats/confidentJoint';
import reference from '../../reference/label_issues_reference.json';

interface RefRun {
  filter_by: string;
  rank_by: string;
  frac_noise?: number;
  min_examples_per_class?: number;
  flagged: string[];
  flagged_scores: number[];
  /** Set when shuffled rows make cleanlab flag other rows among tied values (NumPy's unstable sort). */
  tie_dependent?: boolean;
  flagged_by_every_order?: string[];
  flagged_by_some_order?: string[];
}
interface RefCase {
  name: string;
  classes: string[];
  keys: string[];
  given: string[];
  probabilities: number[][];
  thresholds: number[];
  confident_joint_raw: number[][];
  confident_joint: number[][];
  joint: number[][];
  scores: Record<string, number[]>;
  runs: RefRun[];
}

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

/** A table with a column per class (p0, p1, …) and the same probabilities as a DOUBLE[] column, doubles parsed from their shortest text. */
async function loadTable(engine: Engine, name: string, classes: readonly string[], keys: readonly string[], given: readonly string[], probs: readonly (readonly number[])[]): Promise<void> {
  const d = (x: number) => `CAST(${quoteLiteral(String(x))} AS DOUBLE)`;
  const cols = classes.map((_, i) => `p${i} DOUBLE`).join(', ');
  await engine.query(`CREATE OR REPLACE TABLE ${quoteIdent(name)} (key VARCHAR, label VARCHAR, ${cols}, plist DOUBLE[])`);
  for (let s = 0; s < keys.length; s += 200) {
    const values = keys
      .slice(s, s + 200)
      .map((k, i) => {
        const p = probs[s + i]!;
        return `(${quoteLiteral(k)}, ${quoteLiteral(given[s + i]!)}, ${p.map(d).join(', ')}, [${p.map(d).join(', ')}])`;
      })
      .join(',\n');
    await engine.query(`INSERT INTO ${quoteIdent(name)} VALUES ${values}`);
  }
}

const columnsSpec = (classes: readonly string[]) => `{${classes.map((c, i) => `${JSON.stringify(c)}: p${i}`).join(', ')}}`;

async function run(engine: Engine, cell: string, body: string): Promise<LabelIssuesResult> {
  const { spec, diagnostics } = labelIssuesCell.parse(body);
  expect(diagnostics).toEqual([]);
  return (await labelIssuesCell.run(spec!, { name: cell, query: (sql) => engine.query(sql), params: {} })).result as unknown as LabelIssuesResult;
}

async function viewRows(engine: Engine, cell: string): Promise<{ key: string; issue_rank: number; suggested_label: string; label_quality: number; label: string }[]> {
  const t = await engine.query(`SELECT key, label, issue_rank::DOUBLE AS issue_rank, suggested_label, label_quality FROM ${quoteIdent(cell)} ORDER BY issue_rank`);
  return t.toArray().map((r) => r.toJSON() as { key: string; issue_rank: number; suggested_label: string; label_quality: number; label: string });
}

// Worked by hand (classes a, b, c; key, given, p_a, p_b, p_c):
//   thresholds: a (0.8 + 0.6 + 0.1)/3 = 0.5; b (0.7 + 0.9 + 0.6 + 0.4 + 0.4499995)/5 = 0.6099999;
//   c (0.8 + 0.6 + 0.2 + 0.55)/4 = 0.5375.
//   Confident (p ≥ threshold − 1e-6): r1, r2 → a; r3 → b; r4 (0.7 ≥ 0.61), r5 → b; r6, r11, r12 → none;
//   r7, r8 → c; r9 → a (0.7 ≥ 0.5); r10 passes a (0.5) and c (0.55 ≥ 0.5375): two, so its argmax c.
//   Raw joint (given × suggested): a [2, 1, 0], b [0, 2, 0], c [1, 0, 3]. Label counts 3, 5, 4.
//   Calibrated: rows scaled to their counts: a [2, 1, 0], b [0, 5, 0], c [1, 0, 3]; total 12 = N.
//   Noise rates: a 1/3, b 0, c 1/4; overall 1 − 10/12 = 1/6.
//   Prune by noise rate: one row of a towards b (largest p_b − p_a: r3, 0.7) and one of c towards a
//   (largest p_a − p_c: r9, 0.5). By class: a keeps 2 of 3 → smallest p_a: r3; c keeps 3 of 4 → r9.
//   predicted_neq_given: argmax ≠ given for r3, r9, r11 (a 0.45 > b 0.40) and r12 (a 0.45 >
//   b 0.4499995), but r12 is kept: with 1e-6 added to its given b, b is the argmax.
//   Rank by self-confidence: r3 0.1, r9 0.2, r11 0.4; normalized margin (p_given − max other + 1)/2:
//   r3 0.15, r9 0.25, r11 0.475.
const HAND = {
  classes: ['a', 'b', 'c'],
  rows: [
    ['r01', 'a', 0.8, 0.1, 0.1],
    ['r02', 'a', 0.6, 0.3, 0.1],
    ['r03', 'a', 0.1, 0.8, 0.1],
    ['r04', 'b', 0.2, 0.7, 0.1],
    ['r05', 'b', 0.1, 0.9, 0.0],
    ['r06', 'b', 0.3, 0.6, 0.1],
    ['r07', 'c', 0.1, 0.1, 0.8],
    ['r08', 'c', 0.2, 0.2, 0.6],
    ['r09', 'c', 0.7, 0.1, 0.2],
    ['r10', 'c', 0.5, 0.0, 0.55],
    ['r11', 'b', 0.45, 0.4, 0.15],
    ['r12', 'b', 0.45, 0.4499995, 0.1000005],
  ] as [string, string, number, number, number][],
};

/**
 * The label_issues cell's tests, run on one engine: DuckDB-WASM under Node and native DuckDB
 * (labelIssuesCell.test.ts), DuckDB-WASM in a Web Worker in Chromium (labelIssuesCell.browser.test.ts).
 */
export function labelIssuesSuite(engineName: string, create: () => Promise<Engine>): void {
  describe(`label_issues cell on ${engineName}`, () => {
    let engine: Engine;
    const cases = (reference as { cases: RefCase[] }).cases;
    beforeAll(async () => {
      engine = await create();
      await loadTable(engine, 'hand', HAND.classes, HAND.rows.map((r) => r[0]), HAND.rows.map((r) => r[1]), HAND.rows.map((r) => r.slice(2) as number[]));
      for (const c of cases) await loadTable(engine, c.name, c.classes, c.keys, c.given, c.probabilities);
    }, 60_000);
    afterAll(() => engine.close());

    test('a small case worked by hand: thresholds, joint, noise rates, flagged rows and their order', async () => {
      const body = (extra: string) => `source: hand\nkey: key\nlabel: label\nprobabilities: {c: p2, a: p0, b: p1}\n${extra}`;
      const r = await run(engine, 'hand_issues', body(''));
      expect(r.classes).toEqual(['a', 'b', 'c']);
      expect(r.thresholds[0]).toBeCloseTo(0.5, 12);
      expect(r.thresholds[1]).toBeCloseTo(0.6099999, 12);
      expect(r.thresholds[2]).toBeCloseTo(0.5375, 12);
      expect(r.confident_joint_counts).toEqual([[2, 1, 0], [0, 2, 0], [1, 0, 3]]);
      expect(r.confident_joint).toEqual([[2, 1, 0], [0, 5, 0], [1, 0, 3]]);
      expect(r.per_class.map((c) => c.given)).toEqual([3, 5, 4]);
      expect(rel(r.per_class[0]!.noise_rate!, 1 / 3)).toBeLessThan(1e-12);
      expect(r.per_class[1]!.noise_rate).toBe(0);
      expect(rel(r.per_class[2]!.noise_rate!, 1 / 4)).toBeLessThan(1e-12);
      expect(rel(r.noise_rate!, 1 / 6)).toBeLessThan(1e-12);
      expect(r.flagged).toBe(2);
      expect(r.flagged_share).toBe(2 / 12);
      const rows = await viewRows(engine, 'hand_issues');
      expect(rows.map((x) => [x.key, x.label, x.suggested_label, x.issue_rank])).toEqual([['r03', 'a', 'b', 1], ['r09', 'c', 'a', 2]]);
      expect(rows.map((x) => x.label_quality)).toEqual([0.1, 0.2]);
      expect(r.top_flagged.map((x) => x.key)).toEqual(['r03', 'r09']);

      for (const method of ['prune_by_class', 'both', 'confident_learning']) {
        await run(engine, 'hand_m', body(`method: ${method}`));
        expect((await viewRows(engine, 'hand_m')).map((x) => x.key)).toEqual(['r03', 'r09']);
      }
      const neq = await run(engine, 'hand_neq', body('method: predicted_neq_given\nrank_by: normalized_margin'));
      expect(neq.flagged).toBe(3);
      const neqRows = await viewRows(engine, 'hand_neq');
      expect(neqRows.map((x) => x.key)).toEqual(['r03', 'r09', 'r11']);
      [0.15, 0.25, 0.475].forEach((v, i) => expect(rel(neqRows[i]!.label_quality, v)).toBeLessThan(1e-12));

      // The heatmap's drill-down: rows given c that the confident joint counts under c (r10 by its argmax).
      const spec = labelIssuesCell.parse(body('')).spec!;
      const drill = await engine.query(labelIssuesCellRowsSql(spec, 'hand_issues', 'c', 'c'));
      expect(drill.toArray().map((x) => x.key).sort()).toEqual(['r07', 'r08', 'r10']);
    });

    test('spec problems are diagnostics; bad inputs are refused with messages naming the problem; hostile names stay names', async () => {
      const diag = (body: string) => labelIssuesCell.parse(body).diagnostics.map((d) => d.message);
      expect(diag('source: t\nkey: k\nlabel: y\nprobabilities: plist')).toEqual(['probabilities: a list column needs `classes:` giving the order of its values']);
      expect(diag('source: t\nkey: k\nlabel: y\nprobabilities: {a: pa}')).toEqual(['probabilities: needs at least two classes']);
      expect(diag('source: t\nkey: k\nlabel: y\nprobabilities: {a: pa, b: pb}\nclasses: [a, c]')).toEqual(['classes: must list exactly the classes of `probabilities`']);
      expect(diag('source: t\nkey: k\nlabel: y\nprobabilities: {a: pa, b: pb}\nmethod: prune')[0]).toMatch(/^method: must be one of prune_by_noise_rate, /);
      const refuse = async (body: string) => labelIssuesCell.run(labelIssuesCell.parse(body).spec!, { name: 'bad', query: (sql) => engine.query(sql), params: {} }).then(() => 'ran', (e: Error) => e.message);
      const handBody = 'source: hand\nkey: key\nlabel: label\nprobabilities: {a: p0, b: p1}';
      expect(await refuse(handBody)).toBe('bad: label holds labels that are not classes: "c"');
      await engine.query(`CREATE OR REPLACE TABLE dup AS SELECT * FROM hand UNION ALL SELECT * FROM hand WHERE key = 'r01'`);
      expect(await refuse('source: dup\nkey: key\nlabel: label\nprobabilities: {a: p0, b: p1, c: p2}')).toBe('bad: key repeats: 1 row repeats a key already seen; the key must identify every row');
      // Counted by hand: r01 three times and r02 twice are 3 rows beyond the first of each key.
      await engine.query(`CREATE OR REPLACE TABLE dup3 AS SELECT * FROM hand UNION ALL SELECT * FROM hand WHERE key IN ('r01', 'r02') UNION ALL SELECT * FROM hand WHERE key = 'r01'`);
      expect(await refuse('source: dup3\nkey: key\nlabel: label\nprobabilities: {a: p0, b: p1, c: p2}')).toBe('bad: key repeats: 3 rows repeat keys already seen; the key must identify every row');
      await engine.query(`CREATE OR REPLACE TABLE ab AS SELECT * FROM hand WHERE label <> 'c'`);
      expect(await refuse('source: ab\nkey: key\nlabel: label\nprobabilities: plist\nclasses: [a, b]')).toBe('bad: 8 rows have a probability list whose length is not 2, the number of classes');
      await engine.query(`CREATE OR REPLACE TABLE wide AS SELECT key, label, p0 * 2 AS p0, p1, p2 FROM hand`);
      expect(await refuse('source: wide\nkey: key\nlabel: label\nprobabilities: {a: p0, b: p1, c: p2}')).toBe('bad: 3 rows have a probability outside [0, 1] or NaN');
      // A NULL probability leaves its row out, counted.
      await engine.query(`CREATE OR REPLACE TABLE holes AS SELECT key, label, CASE WHEN key = 'r06' THEN NULL ELSE p0 END AS p0, p1, p2 FROM hand`);
      expect((await run(engine, 'holes_issues', 'source: holes\nkey: key\nlabel: label\nprobabilities: {a: p0, b: p1, c: p2}')).excluded_null).toBe(1);
      // Hostile class and column names reach SQL only as literals and identifiers.
      const evil = `x'); DROP TABLE hand; --`;
      await engine.query(`CREATE OR REPLACE TABLE ${quoteIdent('evil "t"')} AS SELECT key AS ${quoteIdent('k"ey')}, CASE label WHEN 'a' THEN ${quoteLiteral(evil)} ELSE label END AS ${quoteIdent('la bel')}, p0 AS ${quoteIdent('p "a"')}, p1, p2 FROM hand`);
      const body = `source: 'evil "t"'\nkey: 'k"ey'\nlabel: la bel\nprobabilities: {${JSON.stringify(evil)}: 'p "a"', b: p1, c: p2}\nclasses: [${JSON.stringify(evil)}, b, c]`;
      const r = await run(engine, 'evil_issues', body);
      expect(r.classes[0]).toBe(evil);
      expect(r.confident_joint).toEqual([[2, 1, 0], [0, 5, 0], [1, 0, 3]]);
      expect(r.top_flagged.map((x) => [x.key, x.given, x.suggested])).toEqual([['r03', evil, 'b'], ['r09', 'c', evil]]);
      expect(Number((await engine.query('SELECT count(*) AS n FROM hand')).get(0)!.toJSON().n)).toBe(12);
    });

    test.each(cases.map((c) => [c.name, c] as const))('cleanlab 2.9.0 reference: %s', async (_n, c) => {
      for (const [i, refRun] of c.runs.entries()) {
        const list = i % 2 === 1; // every other run reads the DOUBLE[] column instead
        const probabilities = list ? `probabilities: plist\nclasses: [${c.classes.map((x) => JSON.stringify(x)).join(', ')}]` : `probabilities: ${columnsSpec(c.classes)}`;
        const extra = [
          refRun.frac_noise !== undefined ? `frac_noise: ${refRun.frac_noise}` : '',
          refRun.min_examples_per_class !== undefined ? `min_examples_per_class: ${refRun.min_examples_per_class}` : '',
        ].filter(Boolean);
        const body = [`source: ${c.name}`, 'key: key', 'label: label', probabilities, `method: ${refRun.filter_by}`, `rank_by: ${refRun.rank_by}`, ...extra].join('\n');
        const cell = `${c.name}_${i}`;
        const r = await run(engine, cell, body);
        const what = `${c.name} ${refRun.filter_by} ${refRun.rank_by} ${extra.join(' ')}`;
        expect(r.classes, what).toEqual(c.classes);
        r.thresholds.forEach((t, j) => expect(rel(t, c.thresholds[j]!), what).toBeLessThan(1e-9));
        // cleanlab's uncalibrated joint has its diagonal raised to at least 1 already.
        expect(clipDiagonal(r.confident_joint_counts), what).toEqual(c.confident_joint_raw);
        expect(r.confident_joint, what).toEqual(c.confident_joint);
        const trace = c.joint.reduce((s, row, j) => s + row[j]!, 0);
        expect(rel(r.noise_rate!, 1 - trace), what).toBeLessThan(1e-9);
        const rows = await viewRows(engine, cell);
        const keys = rows.map((x) => x.key);
        expect(r.flagged, what).toBe(keys.length);
        if (!refRun.tie_dependent) expect(r.flagged, what).toBe(refRun.flagged.length);
        // Every flagged row's score is cleanlab's score of that row.
        const index = new Map(c.keys.map((k, j) => [k, j]));
        rows.forEach((x) => expect(rel(x.label_quality, c.scores[refRun.rank_by]![index.get(x.key)!]!), `${what} ${x.key}`).toBeLessThan(1e-9));
        if (c.name === 'rounded_ties') {
          // At most 16 rows per class: NumPy sorts these by insertion, stably, so cleanlab breaks
          // ties by row order, as Assay does by key: the same rows in the same order.
          expect(keys, what).toEqual(refRun.flagged);
        } else if (refRun.tie_dependent) {
          // Tied values at a cut: cleanlab's pick among them depends on NumPy's quicksort. What no
          // row order changes is flagged, and nothing outside what some order flags.
          expect(keys.filter((k) => !refRun.flagged_by_some_order!.includes(k)), what).toEqual([]);
          expect(refRun.flagged_by_every_order!.filter((k) => !keys.includes(k)), what).toEqual([]);
        } else {
          expect([...keys].sort(), what).toEqual([...refRun.flagged].sort());
          // Ranked scores agree position by position.
          rows.forEach((x, j) => expect(rel(x.label_quality, refRun.flagged_scores[j]!), `${what} #${j}`).toBeLessThan(1e-9));
        }
      }
    }, 60_000);
  });
}
