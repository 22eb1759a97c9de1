import { labelOrder } from './labelOrder';
import { quoteIdent, quoteLiteral } from '../sql/quote';

/** Above this many classes a confusion matrix is refused: it would be unreadable and slow to draw. */
export const MAX_CLASSES = 500;

/** One group of the counts query: (group, reference label, compared label, count). */
export interface PairCount {
  group: string | null;
  reference: string | null;
  compared: string | null;
  n: number;
}

/**
 * SQL for the pair counts of a confusion matrix: one row per (group, reference, compared)
 * with labels as text and NULLs kept, so the rows excluded for a NULL side can be counted.
 * The whole table is reduced in DuckDB; at most classes² × groups rows come back.
 */
export function confusionCountsSql(source: string, reference: string, compared: string, by?: string): string {
  const group = by ? `CAST(${quoteIdent(by)} AS VARCHAR)` : 'NULL::VARCHAR';
  return `SELECT ${group} AS "group", CAST(${quoteIdent(reference)} AS VARCHAR) AS reference, CAST(${quoteIdent(compared)} AS VARCHAR) AS compared, count(*)::DOUBLE AS n
FROM ${quoteIdent(source)}
GROUP BY ALL`;
}

/** SQL that counts the distinct labels on both sides, to refuse a matrix too large to show. */
export function distinctLabelsSql(source: string, reference: string, compared: string): string {
  return `SELECT count(DISTINCT label)::DOUBLE AS k FROM (
  SELECT CAST(${quoteIdent(reference)} AS VARCHAR) AS label FROM ${quoteIdent(source)}
  UNION ALL SELECT CAST(${quoteIdent(compared)} AS VARCHAR) FROM ${quoteIdent(source)}
) WHERE label IS NOT NULL`;
}

/** SQL for the rows behind one matrix cell (the drill-down). */
export function confusionRowsSql(source: string, reference: string, compared: string, ref: string, cmp: string, by?: { column: string; value: string }): string {
  const where = [
    `CAST(${quoteIdent(reference)} AS VARCHAR) = ${quoteLiteral(ref)}`,
    `CAST(${quoteIdent(compared)} AS VARCHAR) = ${quoteLiteral(cmp)}`,
    ...(by ? [`CAST(${quoteIdent(by.column)} AS VARCHAR) = ${quoteLiteral(by.value)}`] : []),
  ];
  return `SELECT * FROM ${quoteIdent(source)} WHERE ${where.join(' AND ')}`;
}

export interface ConfusionMatrix {
  /** Row and column labels. */
  classes: string[];
  /** matrix[i][j]: rows whose reference is classes[i] and compared is classes[j]. */
  matrix: number[][];
  /** Rows left out because the reference or the compared label is NULL. */
  excluded_null: number;
}

/**
 * The confusion matrix of one group's pair counts. Classes are the union of both sides in
 * ascending order (`labelOrder`: numbers by value, then text by code unit), or `order` first when given
 * (for ordinal labels; classes not in it follow, sorted). A class seen on one side only
 * still gets its row and column.
 */
export function confusionMatrix(counts: readonly PairCount[], order?: readonly string[]): ConfusionMatrix {
  let excluded = 0;
  const seen = new Set<string>();
  for (const c of counts) {
    if (c.reference === null || c.compared === null) excluded += c.n;
    else seen.add(c.reference).add(c.compared);
  }
  const rest = [...seen].filter((c) => !order?.includes(c)).sort(labelOrder);
  const classes = [...(order ?? []), ...rest];
  const index = new Map(classes.map((c, i) => [c, i]));
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (const c of counts) {
    if (c.reference === null || c.compared === null) continue;
    matrix[index.get(c.reference)!]![index.get(c.compared)!]! += c.n;
  }
  return { classes, matrix, excluded_null: excluded };
}


/** Shares of a matrix by row (each row sums to 1), by column, or the counts unchanged. Empty rows stay 0. */
export function normalizeMatrix(matrix: readonly (readonly number[])[], by: 'none' | 'row' | 'column'): number[][] {
  if (by === 'none') return matrix.map((r) => [...r]);
  if (by === 'row') {
    return matrix.map((r) => {
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((v) => (s === 0 ? 0 : v / s));
    });
  }
  const colSums = matrix[0]?.map((_, j) => matrix.reduce((s, r) => s + r[j]!, 0)) ?? [];
  return matrix.map((r) => r.map((v, j) => (colSums[j] === 0 ? 0 : v / colSums[j]!)));
}
