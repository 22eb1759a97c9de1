/**
 * Deterministic generator of Assay's sample data: `npm run sample-data`.
 *
 * A defect-detection dataset (steel-surface images) in three versions — a baseline, a new
 * vendor batch and its next batch — and a long-format multi-annotator ratings table with gold items. Every quality
 * problem is seeded on purpose and listed in sample-data/README.md; tests check that Assay finds them.
 * The same seed writes the same bytes.
 */
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, Int32, List, TimestampMillisecond, Utf8, makeTable, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm';

const here = dirname(fileURLToPath(import.meta.url));

/** mulberry32: a tiny seeded PRNG, so the data is the same on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    weighted: <T>(xs: readonly T[], ws: readonly number[]): T => {
      const total = ws.reduce((s, w) => s + w, 0);
      let u = next() * total;
      for (let i = 0; i < xs.length; i++) if ((u -= ws[i]!) < 0) return xs[i]!;
      return xs[xs.length - 1]!;
    },
    normal: (mean: number, sd: number) => {
      const u = Math.max(next(), 1e-12);
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

export const TAXONOMY = ['crack', 'dent', 'ok', 'scratch', 'stain'] as const;
const SEVERITY_OF: Record<string, number[]> = { ok: [0], crack: [1, 2, 3], dent: [1, 2], scratch: [1, 2], stain: [1] };

interface Row {
  image_id: string;
  vendor_batch: string;
  captured_at: number;
  image_path: string;
  width: number;
  height: number;
  camera_id: string | null;
  lighting_lux: number | null;
  label: string | null;
  annotator_a: string | null;
  annotator_b: string | null;
  prediction: string;
  confidence: number;
  severity_a: number | null;
  severity_b: number | null;
  annotator_email: string | null;
  p_crack: number;
  p_dent: number;
  p_ok: number;
  p_scratch: number;
  p_stain: number;
}

/** Each row's true class, kept beside the rows and never written into the tables (see seeded_truth.csv). */
const truthOf = new WeakMap<object, string>();

/**
 * The model's class probabilities (rounded to 4 decimals), consistent with `prediction` (always
 * the argmax) and with the truth: where the model is right the predicted class gets the row's
 * `confidence`; where it is wrong it is unsure (0.40–0.60) and the true class comes second. So
 * labels that disagree with the truth stand out, as a calibrated model would show them. Drawn
 * from a stream of their own, so no other column changes.
 */
function probabilities(r: ReturnType<typeof rng>, truth: string, prediction: string, confidence: number): Record<`p_${(typeof TAXONOMY)[number]}`, number> {
  const top = prediction === truth ? confidence : 0.4 + 0.2 * r.next();
  const second = prediction === truth ? 0 : Math.min(top - 0.01, (1 - top) * (0.75 + 0.2 * r.next()));
  const rest = 1 - top - second;
  const w = TAXONOMY.map((c) => (c === prediction || (c === truth && prediction !== truth) ? 0 : 0.2 + r.next()));
  const total = w.reduce((a, b) => a + b, 0);
  const p = TAXONOMY.map((c, i) => Math.round((c === prediction ? top : c === truth ? second : (rest * w[i]!) / total) * 10_000) / 10_000);
  return { p_crack: p[0]!, p_dent: p[1]!, p_ok: p[2]!, p_scratch: p[3]!, p_stain: p[4]! };
}

/**
 * What sets a later batch of the vendor apart (v3): its ids, batch name and month, and the seeded
 * jump — a share of labels exported in upper case (`CRACK`), outside the taxonomy. None of it
 * draws from the generator, so v1 and v2 keep their bytes.
 */
interface BatchOptions {
  offset: number;
  batch: string;
  month: number;
  upperCaseShare: number;
}

/** One version of the defects table. `drift` switches on the seeded differences of the vendor batch. */
function defects(seed: number, n: number, drift: boolean, later?: BatchOptions): Row[] {
  const r = rng(seed);
  const rp = rng(seed ^ 0x5eed);
  const batch = later?.batch ?? (drift ? 'vendorB-2026-10' : 'baseline-2026-03');
  const shares = drift ? [0.1, 0.1, 0.4, 0.3, 0.1] : [0.12, 0.13, 0.5, 0.15, 0.1];
  const start = Date.UTC(drift ? 2026 : 2026, later?.month ?? (drift ? 9 : 2), 1);
  const rows: Row[] = [];
  const offset = later?.offset ?? (drift ? 100_000 : 0);
  for (let i = 0; i < n; i++) {
    const truth = r.weighted(TAXONOMY, shares);
    // Annotator A is careful; B confuses crack and scratch, and misses faint stains.
    const a = r.next() < 0.95 ? truth : r.pick(TAXONOMY);
    let b = truth;
    const u = r.next();
    if (truth === 'crack' && u < 0.25) b = 'scratch';
    else if (truth === 'scratch' && u < 0.12) b = 'crack';
    else if (truth === 'stain' && u < 0.2) b = 'ok';
    else if (u < 0.04) b = r.pick(TAXONOMY);
    // The model is good on ok/dent, weaker on crack vs scratch.
    let prediction: string = truth;
    const v = r.next();
    if ((truth === 'crack' || truth === 'scratch') && v < 0.18) prediction = truth === 'crack' ? 'scratch' : 'crack';
    else if (v < 0.06) prediction = r.pick(TAXONOMY);
    const sevChoices = SEVERITY_OF[truth]!;
    const sevA = r.pick(sevChoices);
    const sevB = r.next() < 0.8 ? sevA : Math.max(0, Math.min(3, sevA + (r.next() < 0.5 ? -1 : 1)));
    // Resolution: the baseline is 1024x1024 with a few 1024x768; the vendor batch mixes in 2048x2048.
    const res = drift ? r.weighted([[1024, 1024], [2048, 2048], [1024, 768]], [0.6, 0.35, 0.05]) : r.weighted([[1024, 1024], [1024, 768]], [0.97, 0.03]);
    const id = `img_${String(offset + i).padStart(6, '0')}`;
    let label: string | null = a;
    // Off-taxonomy labels: typos, stray whitespace and case, an "unknown".
    const w = r.next();
    if (w < 0.004) label = 'scrach';
    else if (w < 0.008) label = 'Crack';
    else if (w < 0.011) label = 'dent ';
    else if (w < 0.013) label = 'unknown';
    else if (w < 0.016) label = null;
    else if (later && w < 0.016 + later.upperCaseShare) label = a.toUpperCase();
    const fields = {
      image_id: id,
      vendor_batch: batch,
      captured_at: start + i * 60_000 * r.int(1, 5),
      image_path: `images/${id}.png`,
      width: res[0]!,
      height: res[1]!,
      // Missing metadata: the vendor batch lost camera ids for a quarter of its rows.
      camera_id: r.next() < (drift ? 0.25 : 0.02) ? null : `cam-${r.int(1, drift ? 4 : 6)}`,
      // Lighting drifts upward in the vendor batch (new line lights).
      lighting_lux: r.next() < 0.01 ? null : Math.round(r.normal(drift ? 640 : 520, drift ? 70 : 60) * 10) / 10,
      label,
      annotator_a: a,
      annotator_b: r.next() < 0.01 ? null : b,
      prediction,
      // Confidence is the same distribution in both versions: no drift seeded.
      confidence: Math.round(Math.min(0.999, Math.max(0.2, r.normal(0.86, 0.08))) * 1000) / 1000,
      severity_a: truth === 'ok' ? 0 : sevA,
      severity_b: truth === 'ok' ? 0 : sevB,
      // Personal data that must be masked before a sample reaches reviewers.
      annotator_email: r.next() < 0.3 ? `annotator${r.int(1, 9)}@vendor${drift ? 'b' : 'a'}.example.com` : null,
    };
    const row: Row = { ...fields, ...probabilities(rp, truth, prediction, fields.confidence) };
    truthOf.set(row, truth);
    rows.push(row);
  }
  // Exact duplicates (whole row repeated) and key duplicates (same image_id, another label).
  const exact = drift ? 12 : 5;
  const copy = (base: Row, change: Partial<Row> = {}) => {
    const row = { ...base, ...change };
    truthOf.set(row, truthOf.get(base)!);
    return row;
  };
  for (let k = 0; k < exact; k++) rows.push(copy(rows[r.int(0, n - 1)]!));
  const keyDup = drift ? 8 : 3;
  for (let k = 0; k < keyDup; k++) {
    const base = rows[r.int(0, n - 1)]!;
    rows.push(copy(base, { label: base.label === 'crack' ? 'scratch' : 'crack', captured_at: base.captured_at + 3_600_000 }));
  }
  return rows;
}

interface Rating {
  item_id: string;
  rater: string;
  label: string;
  is_gold: boolean;
  gold_label: string | null;
}

/** Long-format ratings: 300 items, mostly 3 raters of 5, some 2; 30 gold items; rater r5 is careless. */
function ratings(seed: number): Rating[] {
  const r = rng(seed);
  const raters = ['r1', 'r2', 'r3', 'r4', 'r5'];
  const out: Rating[] = [];
  for (let i = 0; i < 300; i++) {
    const truth = r.weighted(TAXONOMY, [0.15, 0.15, 0.4, 0.2, 0.1]);
    const gold = i % 10 === 0;
    const k = i % 17 === 5 ? 2 : 3;
    const chosen = [...raters].sort(() => r.next() - 0.5).slice(0, k).sort();
    for (const rater of chosen) {
      const accuracy = rater === 'r5' ? 0.65 : rater === 'r2' ? 0.85 : 0.93;
      const label = r.next() < accuracy ? truth : r.pick(TAXONOMY.filter((c) => c !== truth));
      out.push({ item_id: `item_${String(i).padStart(4, '0')}`, rater, label, is_gold: gold, gold_label: gold ? truth : null });
    }
  }
  return out;
}

/** The defects table as Arrow; `withList` adds `probs`, the five probabilities as one LIST<DOUBLE> in taxonomy order. */
function defectsTable(rows: Row[], withList = false) {
  const col = <K extends keyof Row>(k: K) => rows.map((x) => x[k]);
  const list = withList ? { probs: vectorFromArray(rows.map((x) => TAXONOMY.map((c) => x[`p_${c}`])), new List(new Field('item', new Float64(), true))) } : {};
  return makeTable({
    image_id: vectorFromArray(col('image_id'), new Utf8()),
    vendor_batch: vectorFromArray(col('vendor_batch'), new Utf8()),
    captured_at: vectorFromArray(col('captured_at'), new TimestampMillisecond('UTC')),
    image_path: vectorFromArray(col('image_path'), new Utf8()),
    width: vectorFromArray(col('width'), new Int32()),
    height: vectorFromArray(col('height'), new Int32()),
    camera_id: vectorFromArray(col('camera_id'), new Utf8()),
    lighting_lux: vectorFromArray(col('lighting_lux'), new Float64()),
    label: vectorFromArray(col('label'), new Utf8()),
    annotator_a: vectorFromArray(col('annotator_a'), new Utf8()),
    annotator_b: vectorFromArray(col('annotator_b'), new Utf8()),
    prediction: vectorFromArray(col('prediction'), new Utf8()),
    confidence: vectorFromArray(col('confidence'), new Float64()),
    severity_a: vectorFromArray(col('severity_a'), new Int32()),
    severity_b: vectorFromArray(col('severity_b'), new Int32()),
    annotator_email: vectorFromArray(col('annotator_email'), new Utf8()),
    ...Object.fromEntries(TAXONOMY.map((c) => [`p_${c}`, vectorFromArray(col(`p_${c}`), new Float64())])),
    ...list,
  } as never);
}

function ratingsTable(rows: Rating[]) {
  return makeTable({
    item_id: vectorFromArray(rows.map((x) => x.item_id), new Utf8()),
    rater: vectorFromArray(rows.map((x) => x.rater), new Utf8()),
    label: vectorFromArray(rows.map((x) => x.label), new Utf8()),
    is_gold: vectorFromArray(rows.map((x) => x.is_gold)),
    gold_label: vectorFromArray(rows.map((x) => x.gold_label), new Utf8()),
  } as never);
}

function writeParquet(path: string, table: ReturnType<typeof makeTable>) {
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, 'stream'));
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).setMaxRowGroupSize(1024).build();
  writeFileSync(path, parquet.writeParquet(wasmTable, props));
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' && v > 1e12 ? new Date(v).toISOString() : String(v);
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** JSON Lines with timestamps written in a +02:00 offset, so ingest must normalise them to UTC. */
function writeJsonLines(path: string, rows: Row[]) {
  const lines = rows.map((row) => {
    const local = new Date(row.captured_at + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    return JSON.stringify({ ...row, captured_at: local });
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

function writeCsv(path: string, rows: object[]) {
  const keys = Object.keys(rows[0]!);
  const lines = [keys.join(','), ...rows.map((row) => keys.map((k) => csvValue((row as Record<string, unknown>)[k])).join(','))];
  writeFileSync(path, lines.join('\n') + '\n');
}

/**
 * The generator's record of vendor batch B's true classes, one row per image_id (its first
 * row): `mislabeled` is true where the final label is a taxonomy class other than the truth.
 * Kept out of the defects tables and the manifest; it is there to score label-error finders.
 */
function writeSeededTruth(path: string, rows: Row[]) {
  const seen = new Set<string>();
  const out: object[] = [];
  for (const row of rows) {
    if (seen.has(row.image_id)) continue;
    seen.add(row.image_id);
    const truth = truthOf.get(row)!;
    const mislabeled = row.label !== null && (TAXONOMY as readonly string[]).includes(row.label) && row.label !== truth;
    out.push({ image_id: row.image_id, true_label: truth, mislabeled });
  }
  writeCsv(path, out);
}

/** The dataset's manifest: both versions with their files' checksums, and the schema contract. */
function manifest(outDir: string, v1Rows: number, v2Rows: number, v3Rows: number) {
  const file = (path: string, format: string, rows: number) => {
    const bytes = readFileSync(join(outDir, path));
    return { path, format, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, rows };
  };
  const contract = {
    key: 'image_id',
    label_columns: ['label', 'annotator_a', 'annotator_b', 'prediction'],
    columns: {
      image_id: { type: 'VARCHAR', required: true, pattern: '^img_[0-9]{6}$' },
      vendor_batch: { type: 'VARCHAR', required: true },
      captured_at: { type: 'TIMESTAMP', required: true },
      image_path: { type: 'VARCHAR', required: true, pattern: '^images/img_[0-9]{6}\\.png$' },
      width: { type: 'INTEGER', required: true, allowed: [1024] },
      height: { type: 'INTEGER', required: true, allowed: [1024] },
      camera_id: { type: 'VARCHAR', required: true },
      lighting_lux: { type: 'DOUBLE', min: 300, max: 900 },
      label: { type: 'VARCHAR', required: true, allowed: [...TAXONOMY] },
      prediction: { type: 'VARCHAR', allowed: [...TAXONOMY] },
      severity_a: { type: 'INTEGER', min: 0, max: 3 },
    },
  };
  return {
    $schema: '../src/core/manifest/manifest.schema.json',
    manifest_version: 1,
    dataset: 'defects',
    description: 'Steel-surface defect images: the baseline batch, vendor B’s batch and its next batch (generated sample data).',
    versions: [
      { version: 'v1', parent: null, created: '2026-03-15', taxonomy_version: 'tax-3', guideline_version: 'g-2.1', files: [file('defects_v1.parquet', 'parquet', v1Rows)], contract },
      { version: 'v2', parent: 'v1', created: '2026-10-20', taxonomy_version: 'tax-3', guideline_version: 'g-2.2', files: [file('defects_v2.parquet', 'parquet', v2Rows)], contract },
      { version: 'v3', parent: 'v2', created: '2026-11-20', taxonomy_version: 'tax-3', guideline_version: 'g-2.2', files: [file('defects_v3.parquet', 'parquet', v3Rows)], contract },
    ],
  };
}

export function generate(outDir = here) {
  mkdirSync(outDir, { recursive: true });
  const v1 = defects(20260301, 3000, false);
  const v2 = defects(20261001, 2500, true);
  const v3 = defects(20261110, 2400, true, { offset: 200_000, batch: 'vendorB-2026-11', month: 10, upperCaseShare: 0.05 });
  writeParquet(join(outDir, 'defects_v1.parquet'), defectsTable(v1));
  writeParquet(join(outDir, 'defects_v2.parquet'), defectsTable(v2, true));
  writeParquet(join(outDir, 'defects_v3.parquet'), defectsTable(v3));
  writeCsv(join(outDir, 'defects_v1.csv'), v1);
  writeCsv(join(outDir, 'defects_v2.csv'), v2);
  writeSeededTruth(join(outDir, 'seeded_truth.csv'), v2);
  const rt = ratings(20261101);
  writeParquet(join(outDir, 'ratings.parquet'), ratingsTable(rt));
  writeCsv(join(outDir, 'ratings.csv'), rt);
  writeJsonLines(join(outDir, 'defects_v1.jsonl'), v1);
  writeFileSync(join(outDir, 'ratings.arrow'), tableToIPC(ratingsTable(rt), 'file'));
  writeFileSync(join(outDir, 'defects.manifest.json'), JSON.stringify(manifest(outDir, v1.length, v2.length, v3.length), null, 2) + '\n');
  return { v1: v1.length, v2: v2.length, v3: v3.length, ratings: rt.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(generate());
}
