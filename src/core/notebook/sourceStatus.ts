import type { SourceRef } from './types';

/** A source as opened, next to what the notebook pinned. */
export interface SourceStatus {
  name: string;
  path: string | null;
  sha256: string | null;
  rows: number | null;
  pinned_sha256: string | null;
  /** True when pinned and equal; false when pinned and different; null when not pinned or not opened. */
  matches: boolean | null;
  error?: string;
}

/** Compare what was opened with the pins. Mismatches are reported, never fatal: exploration goes on. */
export function sourceStatus(ref: SourceRef, opened: { sha256: string; rows: number; pinned_sha256?: string } | null, error?: string): SourceStatus {
  // A manifest source is pinned by the manifest's checksum unless the notebook pins its own.
  const pinned = ref.sha256 ?? opened?.pinned_sha256 ?? null;
  const sha = opened?.sha256 ?? null;
  return {
    name: ref.name,
    path: ref.path ?? ref.manifest ?? null,
    sha256: sha,
    rows: opened?.rows ?? null,
    pinned_sha256: pinned,
    matches: pinned && sha ? pinned === sha : null,
    ...(error ? { error } : {}),
  };
}

/** One sentence for a mismatch: which file, expected vs actual. */
export function describeMismatch(s: SourceStatus): string | null {
  if (s.matches !== false) return null;
  return `${s.name} (${s.path}): the data changed since the notebook was pinned — expected sha256 ${s.pinned_sha256!.slice(0, 12)}…, found ${s.sha256!.slice(0, 12)}…`;
}
