import { quoteIdent } from '../sql/quote';
import type { Delta, Manifest, ManifestFile, ManifestVersion } from './manifest';

/**
 * SQL for the delta of a curated version against its parent, by key: keys only in the new
 * table are added, only in the parent removed, in both with any column different changed.
 * Rows are compared as their whole text (md5 of the row), so every column counts; when a key
 * repeats, the multiset of its rows is compared.
 */
export function deltaSql(parent: string, current: string, key: string): string {
  const rows = (t: string) =>
    `SELECT ${quoteIdent(key)} AS k, string_agg(md5(CAST(r AS VARCHAR)), ',' ORDER BY md5(CAST(r AS VARCHAR))) AS h FROM ${quoteIdent(t)} r WHERE ${quoteIdent(key)} IS NOT NULL GROUP BY 1`;
  return `WITH p AS (${rows(parent)}), c AS (${rows(current)})
SELECT count(*) FILTER (WHERE p.k IS NULL)::DOUBLE AS added,
       count(*) FILTER (WHERE c.k IS NULL)::DOUBLE AS removed,
       count(*) FILTER (WHERE p.k IS NOT NULL AND c.k IS NOT NULL AND p.h <> c.h)::DOUBLE AS changed,
       count(*) FILTER (WHERE p.k IS NOT NULL AND c.k IS NOT NULL AND p.h = c.h)::DOUBLE AS unchanged
FROM p FULL OUTER JOIN c ON p.k = c.k`;
}

/**
 * A new manifest: the parent's with one more version appended — its files (checksums, bytes,
 * rows), the parent's contract unless one is given, and the delta. The input is not changed.
 */
export function releaseManifest(
  manifest: Manifest,
  release: { version: string; parent: string; files: ManifestFile[]; delta: Omit<Delta, 'parent'>; created: string; contract?: ManifestVersion['contract'] },
): Manifest {
  if (manifest.versions.some((v) => v.version === release.version)) throw new Error(`version ${release.version} already exists in ${manifest.dataset}`);
  const parent = manifest.versions.find((v) => v.version === release.parent);
  if (!parent) throw new Error(`${manifest.dataset} has no version ${release.parent}`);
  const version: ManifestVersion = {
    version: release.version,
    parent: release.parent,
    created: release.created,
    ...(parent.taxonomy_version ? { taxonomy_version: parent.taxonomy_version } : {}),
    ...(parent.guideline_version ? { guideline_version: parent.guideline_version } : {}),
    files: release.files,
    ...(release.contract ?? parent.contract ? { contract: release.contract ?? parent.contract } : {}),
    delta: { parent: release.parent, ...release.delta },
  };
  return { ...manifest, versions: [...manifest.versions, version] };
}
