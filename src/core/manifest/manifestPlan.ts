import { quoteIdent } from '../sql/quote';
import { versionSourceName, type Manifest, type ManifestFile } from './manifest';

/** How one version of a manifest becomes a source: one table per file, a view over several. */
export interface VersionPlan {
  version: string;
  source: string;
  files: { entry: ManifestFile; table: string }[];
  /**
   * SQL defining a view `name` as the union of the files (or of `tables`, the names they were
   * loaded under when those differ), or null for a single file.
   */
  unionSql(name?: string, tables?: readonly string[]): string | null;
}

/** The tables to load for each version (a single file loads straight into the source's name). */
export function manifestPlan(manifest: Manifest): VersionPlan[] {
  return manifest.versions.map((v) => {
    const source = versionSourceName(manifest, v.version);
    const files = v.files.map((entry, j) => ({ entry, table: v.files.length === 1 ? source : `${source}__part${j + 1}` }));
    const unionSql = (name = source, tables: readonly string[] = files.map((f) => f.table)) =>
      files.length === 1 ? null : `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS ${tables.map((t) => `SELECT * FROM ${quoteIdent(t)}`).join(' UNION ALL BY NAME ')}`;
    return { version: v.version, source, files, unionSql };
  });
}

/** The file of a picked set that a manifest entry means: same relative path, else same file name. */
export function matchFile<T extends { name: string; webkitRelativePath?: string }>(entry: ManifestFile, picked: readonly T[]): T | undefined {
  const base = entry.path.split('/').pop();
  return picked.find((f) => f.webkitRelativePath && (f.webkitRelativePath === entry.path || f.webkitRelativePath.endsWith(`/${entry.path}`))) ?? picked.find((f) => f.name === base);
}
