import type { SourceFormat } from '../sourceFormat';

/** One data file of a dataset version. */
export interface ManifestFile {
  path: string;
  format: SourceFormat;
  sha256: string;
  bytes: number;
  rows: number;
}

/** What a column must hold. */
export interface ContractColumn {
  type?: string;
  required?: boolean;
  allowed?: (string | number)[];
  min?: number;
  max?: number;
  pattern?: string;
}

/** The schema contract of a version. */
export interface Contract {
  key?: string;
  label_columns?: string[];
  columns: Record<string, ContractColumn>;
}

/** Records added, removed and changed against the parent, by key. */
export interface Delta {
  parent: string;
  key: string;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface ManifestVersion {
  version: string;
  parent?: string | null;
  created?: string;
  taxonomy_version?: string;
  guideline_version?: string;
  files: ManifestFile[];
  contract?: Contract;
  delta?: Delta;
}

/** A dataset and its versions (schema: src/core/manifest/manifest.schema.json). */
export interface Manifest {
  manifest_version: 1;
  dataset: string;
  description?: string;
  versions: ManifestVersion[];
}

/** A problem in a manifest, at a JSON path such as `versions[1].files[0].sha256`. */
export interface ManifestProblem {
  path: string;
  message: string;
}

const FORMATS = ['parquet', 'csv', 'jsonl', 'arrow'];

/**
 * Parse and validate a manifest's text. Never throws: a manifest that cannot be used comes
 * back as null with every problem found, each at a JSON path.
 */
export function parseManifest(text: string): { manifest: Manifest | null; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { manifest: null, problems: [{ path: '$', message: `not valid JSON (${(error as Error).message})` }] };
  }
  const p = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(data)) return { manifest: null, problems: [{ path: '$', message: 'must be a JSON object' }] };
  if (data.manifest_version !== 1) p('manifest_version', 'must be 1');
  if (typeof data.dataset !== 'string' || data.dataset === '') p('dataset', 'must be a non-empty string');
  if (data.description !== undefined && typeof data.description !== 'string') p('description', 'must be a string');
  if (!Array.isArray(data.versions) || data.versions.length === 0) {
    p('versions', 'must be a non-empty list');
    return { manifest: null, problems };
  }
  const ids = new Set<string>();
  data.versions.forEach((v: unknown, i: number) => {
    const at = `versions[${i}]`;
    if (!isObject(v)) return p(at, 'must be an object');
    if (typeof v.version !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(v.version)) p(`${at}.version`, 'must be a name of letters, digits, _ . -');
    else if (ids.has(v.version)) p(`${at}.version`, `duplicate version ${v.version}`);
    else ids.add(v.version);
    if (v.parent !== undefined && v.parent !== null && typeof v.parent !== 'string') p(`${at}.parent`, 'must be a version name or null');
    for (const k of ['created', 'taxonomy_version', 'guideline_version'] as const) if (v[k] !== undefined && typeof v[k] !== 'string') p(`${at}.${k}`, 'must be a string');
    if (!Array.isArray(v.files) || v.files.length === 0) p(`${at}.files`, 'must be a non-empty list');
    else
      v.files.forEach((f: unknown, j: number) => {
        const fa = `${at}.files[${j}]`;
        if (!isObject(f)) return p(fa, 'must be an object');
        if (typeof f.path !== 'string' || f.path === '' || f.path.startsWith('/') || f.path.split('/').includes('..')) p(`${fa}.path`, 'must be a relative path inside the dataset folder');
        if (!FORMATS.includes(f.format as string)) p(`${fa}.format`, `must be one of ${FORMATS.join(', ')}`);
        if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) p(`${fa}.sha256`, 'must be 64 lowercase hex digits');
        if (!Number.isInteger(f.bytes) || (f.bytes as number) < 0) p(`${fa}.bytes`, 'must be a whole number of bytes');
        if (!Number.isInteger(f.rows) || (f.rows as number) < 0) p(`${fa}.rows`, 'must be a whole number of rows');
      });
    if (v.contract !== undefined) checkContract(v.contract, `${at}.contract`, p);
  });
  data.versions.forEach((v: unknown, i: number) => {
    if (isObject(v) && typeof v.parent === 'string' && !ids.has(v.parent)) p(`versions[${i}].parent`, `names ${v.parent}, which is not a version here`);
  });
  return { manifest: problems.length ? null : (data as unknown as Manifest), problems };
}

function checkContract(c: unknown, at: string, p: (path: string, message: string) => void) {
  if (!isObject(c)) return p(at, 'must be an object');
  if (!isObject(c.columns)) return p(`${at}.columns`, 'must map column names to their rules');
  if (c.key !== undefined && (typeof c.key !== 'string' || !(c.key in c.columns))) p(`${at}.key`, 'must name one of the contract columns');
  if (c.label_columns !== undefined && (!Array.isArray(c.label_columns) || !c.label_columns.every((x) => typeof x === 'string'))) p(`${at}.label_columns`, 'must be a list of column names');
  for (const [name, rule] of Object.entries(c.columns)) {
    const ca = `${at}.columns.${name}`;
    if (!isObject(rule)) {
      p(ca, 'must be an object');
      continue;
    }
    if (rule.type !== undefined && typeof rule.type !== 'string') p(`${ca}.type`, 'must be a DuckDB type name');
    if (rule.required !== undefined && typeof rule.required !== 'boolean') p(`${ca}.required`, 'must be true or false');
    if (rule.allowed !== undefined && (!Array.isArray(rule.allowed) || !rule.allowed.every((x) => typeof x === 'string' || typeof x === 'number'))) p(`${ca}.allowed`, 'must be a list of values');
    for (const b of ['min', 'max'] as const) if (rule[b] !== undefined && typeof rule[b] !== 'number') p(`${ca}.${b}`, 'must be a number');
    if (rule.pattern !== undefined) {
      if (typeof rule.pattern !== 'string') p(`${ca}.pattern`, 'must be a regular expression');
      else {
        try {
          new RegExp(rule.pattern);
        } catch {
          p(`${ca}.pattern`, 'is not a valid regular expression');
        }
      }
    }
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** What verifying one file found. */
export interface FileCheck {
  version: string;
  path: string;
  status: 'ok' | 'checksum mismatch' | 'row count mismatch' | 'size mismatch' | 'missing' | 'unreadable';
  expected: { sha256: string; rows: number; bytes: number };
  actual: { sha256: string; rows: number; bytes: number } | null;
  message: string;
}

/** Compare one opened file with its manifest entry. The checksum is checked first: it decides. */
export function checkFile(version: string, entry: ManifestFile, actual: { sha256: string; rows: number; bytes: number } | null, error?: string): FileCheck {
  const expected = { sha256: entry.sha256, rows: entry.rows, bytes: entry.bytes };
  const base = { version, path: entry.path, expected, actual };
  if (!actual) return { ...base, status: error ? 'unreadable' : 'missing', message: error ? `${entry.path}: ${error}` : `${entry.path} is missing` };
  if (actual.sha256 !== entry.sha256) {
    return { ...base, status: 'checksum mismatch', message: `${entry.path}: checksum mismatch — expected ${entry.sha256.slice(0, 12)}…, found ${actual.sha256.slice(0, 12)}…` };
  }
  if (actual.bytes !== entry.bytes) return { ...base, status: 'size mismatch', message: `${entry.path}: ${actual.bytes} bytes, the manifest says ${entry.bytes}` };
  if (actual.rows !== entry.rows) return { ...base, status: 'row count mismatch', message: `${entry.path}: ${actual.rows} rows, the manifest says ${entry.rows}` };
  return { ...base, status: 'ok', message: `${entry.path}: verified` };
}

/** The SQL name of a manifest version: `defects_v2`. */
export function versionSourceName(manifest: Pick<Manifest, 'dataset'>, version: string): string {
  return `${manifest.dataset}_${version}`.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^([0-9])/, 't_$1');
}
