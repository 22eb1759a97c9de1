import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Deterministic bench data, written by native DuckDB: 12 columns, ~3 % NULLs, row groups of 1M.
 * Row r (r from `from` to `from + rows − 1`) is the same wherever it is written, so 20 files of
 * 5M rows from 0, 5M, 10M… hold exactly the rows of one 100M file.
 */
export async function writeBenchParquet(file: string, options: { rows: number; from?: number; shifted?: boolean }): Promise<void> {
  const from = options.from ?? 0;
  // The shifted copy (a "new batch" for drift) has brighter lighting and a different class mix.
  const lux = options.shifted ? '430 + 300' : '400 + 300';
  const cls = options.shifted ? 'sqrt(u6)' : 'u6 * u6';
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  // u(k): a fixed pseudo-random number in [0, 1) from the row number (no random(): same bytes every run).
  const u = (k: number) => `(((range * ${2654435761 + k * 40503} + ${k * 97}) % 4294967296) / 4294967296.0)`;
  try {
    await c.run(`COPY (
      SELECT range AS id,
        'img_' || lpad(range::VARCHAR, 9, '0') AS image_id,
        range // 3 AS item_id,
        'r' || ((range % 3) + 3 * ((range // 3) % 2))::VARCHAR AS rater,
        'vendor_' || (range % 4)::VARCHAR AS vendor,
        TIMESTAMP '2026-01-01' + to_seconds(range) AS captured_at,
        CASE WHEN ${u(1)} < 0.8 THEN 1024 ELSE 2048 END AS width,
        CASE WHEN ${u(2)} < 0.9 THEN 1024 ELSE 768 END AS height,
        CASE WHEN ${u(3)} < 0.03 THEN NULL ELSE round(${lux} * ${u(4)}, 1) END AS lux,
        round(0.5 + 0.5 * ${u(5)}, 3) AS confidence,
        'class_' || floor(${cls.replaceAll('u6', u(6))} * 8)::INTEGER::VARCHAR AS label,
        CASE WHEN ${u(7)} < 0.85 THEN 'class_' || floor(${cls.replaceAll('u6', u(6))} * 8)::INTEGER::VARCHAR ELSE 'class_' || floor(${u(8)} * 8)::INTEGER::VARCHAR END AS prediction
      FROM range(${from}, ${from + options.rows})
    ) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
