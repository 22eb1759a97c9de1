/**
 * DuckDB's own lists of function names and keywords, for the editor's completion and
 * highlighting: asked of the engine that runs the notebook, so they are that DuckDB's.
 * Internal names (`__…`) and operators are left out.
 */
export const FUNCTION_NAMES_SQL = `SELECT DISTINCT function_name AS name FROM duckdb_functions()
WHERE NOT starts_with(function_name, '__') AND regexp_full_match(function_name, '[A-Za-z_][A-Za-z0-9_]*') ORDER BY name`;

export const KEYWORDS_SQL = `SELECT keyword_name AS name FROM duckdb_keywords() WHERE keyword_category = 'reserved' ORDER BY name`;
