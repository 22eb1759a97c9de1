import { quoteIdent, quoteLiteral } from '../sql/quote';
import { hashBands } from './bands';

/** The problems an images cell finds, each a view `<cell>_<problem>`. */
export const IMAGE_PROBLEMS = ['size_mismatch', 'missing', 'extra', 'undecodable', 'exact_duplicates', 'near_duplicates'] as const;
export type ImageProblem = (typeof IMAGE_PROBLEMS)[number];

/** What the views read: the image table and, optionally, the metadata naming the files. */
export interface ImageViewInput {
  /** The measured files (see imageTable.ts). */
  files: string;
  metadata?: {
    source: string;
    /** The column holding each record's path within the folder. */
    image: string;
    key?: string;
    width?: string;
    height?: string;
  };
  near_duplicate_distance: number;
}

/** The problems a spec can find: those needing metadata only with it, size mismatches only with declared sizes. */
export function imageProblems(input: Pick<ImageViewInput, 'metadata'>): ImageProblem[] {
  const m = input.metadata;
  return IMAGE_PROBLEMS.filter((p) => (p === 'missing' || p === 'extra' ? !!m : p === 'size_mismatch' ? !!(m && (m.width || m.height)) : true));
}

/**
 * The metadata's rows with the path normalised as the folder's files are named: a leading
 * `./` dropped, backslashes turned to slashes. NULL paths are left out.
 */
function metadataSql(m: NonNullable<ImageViewInput['metadata']>): string {
  const p = quoteIdent(m.image);
  const key = m.key ? `CAST(${quoteIdent(m.key)} AS VARCHAR)` : 'NULL::VARCHAR';
  const w = m.width ? `TRY_CAST(${quoteIdent(m.width)} AS BIGINT)` : 'NULL::BIGINT';
  const h = m.height ? `TRY_CAST(${quoteIdent(m.height)} AS BIGINT)` : 'NULL::BIGINT';
  const norm = `regexp_replace(replace(CAST(${p} AS VARCHAR), '\\', '/'), '^(\\./)+', '')`;
  return `SELECT ${norm} AS path, ${key} AS key, ${w} AS declared_width, ${h} AS declared_height FROM ${quoteIdent(m.source)} WHERE ${p} IS NOT NULL`;
}

/** The cell's own view: every measured file, with its record's key when the metadata has one. */
export function filesViewSql(input: ImageViewInput): string {
  const m = input.metadata;
  const f = quoteIdent(input.files);
  if (!m?.key) return `SELECT f.* EXCLUDE (dhash_bits) FROM ${f} f`;
  return `SELECT k.key, f.* EXCLUDE (dhash_bits) FROM ${f} f LEFT JOIN (SELECT path, min(key) AS key FROM (${metadataSql(m)}) GROUP BY path) k ON k.path = f.path`;
}

/** The SELECT behind each problem's view. */
export function imageViewSql(input: ImageViewInput, problem: ImageProblem): string {
  const f = quoteIdent(input.files);
  const m = input.metadata;
  // A file's key: the metadata's for its path (the smallest, should two records name it).
  const keyJoin = (alias: string, k: string) => (m?.key ? ` LEFT JOIN (SELECT path, min(key) AS key FROM (${metadataSql(m)}) GROUP BY path) ${k} ON ${k}.path = ${alias}.path` : '');
  const keyOf = (k: string) => (m?.key ? `${k}.key` : 'NULL::VARCHAR');
  switch (problem) {
    case 'size_mismatch':
      return `SELECT md.key, md.path, md.declared_width, md.declared_height, f.width, f.height FROM (${metadataSql(m!)}) md JOIN ${f} f ON f.path = md.path
WHERE f.decode_error IS NULL AND ((md.declared_width IS NOT NULL AND md.declared_width <> f.width) OR (md.declared_height IS NOT NULL AND md.declared_height <> f.height))`;
    case 'missing':
      return `SELECT md.key, md.path FROM (${metadataSql(m!)}) md WHERE NOT EXISTS (SELECT 1 FROM ${f} f WHERE f.path = md.path)`;
    case 'extra':
      return `SELECT f.path, f.bytes, f.format FROM ${f} f WHERE NOT EXISTS (SELECT 1 FROM (${metadataSql(m!)}) md WHERE md.path = f.path)`;
    case 'undecodable':
      return `SELECT ${keyOf('k')} AS key, f.path, f.bytes, f.format, f.decode_error FROM ${f} f${keyJoin('f', 'k')} WHERE f.decode_error IS NOT NULL`;
    case 'exact_duplicates':
      return `SELECT f.sha256, f.path, ${keyOf('k')} AS key, count(*) OVER (PARTITION BY f.sha256) AS copies, f.bytes FROM ${f} f${keyJoin('f', 'k')}
QUALIFY count(*) OVER (PARTITION BY f.sha256) > 1`;
    case 'near_duplicates':
      return nearDuplicatesSql(input, keyJoin, keyOf);
  }
}

/**
 * Near-duplicate pairs: different files (different SHA-256) whose dHashes are at most d bits
 * apart. Each hash is cut into d + 1 bands (hashBands); pairs are the files that agree
 * exactly on some band — an equality join, never all pairs — and the exact Hamming distance
 * bit_count(xor(a, b)) then keeps those within d. Complete by the pigeonhole principle.
 */
function nearDuplicatesSql(input: ImageViewInput, keyJoin: (alias: string, k: string) => string, keyOf: (k: string) => string): string {
  const f = quoteIdent(input.files);
  const d = input.near_duplicate_distance;
  const bands = hashBands(d)
    .map((b, i) => {
      const shift = 64 - b.offset - b.length;
      const mask = (1n << BigInt(b.length)) - 1n;
      return `SELECT path, sha256, dhash_bits, ${i} AS band, (dhash_bits >> ${shift}) & ${mask.toString()}::UBIGINT AS v FROM ${f} WHERE dhash_bits IS NOT NULL`;
    })
    .join('\nUNION ALL ');
  return `WITH bands AS (${bands}),
candidates AS (SELECT DISTINCT a.path AS path_a, b.path AS path_b, a.dhash_bits AS ha, b.dhash_bits AS hb
  FROM bands a JOIN bands b ON a.band = b.band AND a.v = b.v AND a.path < b.path AND a.sha256 <> b.sha256),
pairs AS (SELECT path_a, path_b, bit_count(xor(ha, hb))::INTEGER AS distance FROM candidates WHERE bit_count(xor(ha, hb)) <= ${quoteLiteral(d)})
SELECT p.path_a, p.path_b, p.distance, ${keyOf('ka')} AS key_a, ${keyOf('kb')} AS key_b, fa.dhash AS dhash_a, fb.dhash AS dhash_b
FROM pairs p JOIN ${f} fa ON fa.path = p.path_a JOIN ${f} fb ON fb.path = p.path_b${keyJoin('fa', 'ka')}${keyJoin('fb', 'kb')}`;
}

/** How each view is ordered when its first rows are shown. */
export const IMAGE_VIEW_ORDER: Record<ImageProblem, string> = {
  size_mismatch: 'path',
  missing: 'path',
  extra: 'path',
  undecodable: 'path',
  exact_duplicates: 'sha256, path',
  near_duplicates: 'distance, path_a, path_b',
};
