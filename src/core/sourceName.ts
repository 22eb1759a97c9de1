/**
 * A short SQL-friendly table name for a file: `defects v2 (final).parquet` -> `defects_v2_final`.
 * Names stay typeable in SQL cells; the quoting helper still protects whatever the user picks instead.
 */
export function sourceNameFor(fileName: string, taken: Iterable<string> = []): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/(\.(parquet|csv|tsv|jsonl|ndjson|json|arrow|arrows|ipc|feather|gz))+$/i, '');
  let name = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') name = 'source';
  if (/^[0-9]/.test(name)) name = `t_${name}`;
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(name)) return name;
  for (let i = 2; ; i++) if (!used.has(`${name}_${i}`)) return `${name}_${i}`;
}
