import type { Manifest, ManifestProblem } from './manifest';

/**
 * Problems in a manifest's version lineage: a version that is its own parent, and parent
 * chains that loop. A version's parent must exist (parseManifest checks that); these are the
 * shapes that still parse but make "in parent order" meaningless.
 */
export function lineageProblems(manifest: Pick<Manifest, 'versions'>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const parentOf = new Map(manifest.versions.map((v) => [v.version, v.parent ?? null]));
  const reported = new Set<string>();
  manifest.versions.forEach((v, i) => {
    if (v.parent === v.version) {
      problems.push({ path: `versions[${i}].parent`, message: `version ${v.version} is its own parent` });
      reported.add(v.version);
      return;
    }
    const seen = [v.version];
    for (let at = parentOf.get(v.version) ?? null; at !== null; at = parentOf.get(at) ?? null) {
      if (at === v.version) {
        const loop = [...seen, at];
        if (!loop.some((x) => reported.has(x))) problems.push({ path: `versions[${i}].parent`, message: `the parents loop: ${loop.join(' → ')}` });
        for (const x of loop) reported.add(x);
        break;
      }
      if (seen.includes(at)) break; // a loop further up, reported from one of its own versions
      seen.push(at);
    }
  });
  return problems;
}
