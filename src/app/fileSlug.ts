/** A file-name stem from a notebook title: `Triage of batch B` -> `triage-of-batch-b`. */
export function fileSlug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'notebook';
}
