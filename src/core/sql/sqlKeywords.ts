/**
 * DuckDB's keywords that can never be an unquoted table or view name: its `reserved` and
 * `type_function` categories (`duckdb_keywords()`, DuckDB 1.4; the grammar's ColId admits only
 * plain identifiers and the other two categories). A bare `select` or `join` in SQL is always
 * the keyword, so the reference scanner skips these words; a cell named `select` is read as
 * `"select"`. test/core/sql/sqlKeywords.test.ts compares this list with the engine's.
 */
export const NON_NAME_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create default deferrable desc ' +
    'describe distinct do else end except false fetch for foreign from group having in initially intersect into lambda lateral leading ' +
    'limit not null offset on only or order pivot pivot_longer pivot_wider placing primary qualify references returning select show some ' +
    'summarize symmetric table then to trailing true union unique unpivot using variadic when where window with ' +
    'anti asof at authorization binary by collation columns concurrently cross freeze full generated glob ilike inner is isnull join left ' +
    'like map natural notnull outer overlaps positional right semi similar struct tablesample try_cast unpack verbose'
  ).split(' '),
);
