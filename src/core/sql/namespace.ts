import { quoteIdent, quoteLiteral } from './quote';

/**
 * Namespaces: each open notebook runs its SQL in a DuckDB schema of its own, so its sources
 * and cell views are invisible to every other notebook. The files the user opened are loaded
 * once into FILES_NAMESPACE and reach a notebook only as views (aliases) in its namespace.
 * Nothing lives in `main`, which DuckDB keeps on every search path.
 */

/** Where each opened file's table lives, once, whoever opened it. */
export const FILES_NAMESPACE = 'assay_files';

/** The start page's scratch SQL. */
export const SCRATCH_NAMESPACE = 'scratch';

/** The namespace of the notebook with this id: a plain lowercase identifier, unique per id. */
export function notebookNamespace(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return `nb_${slug || 'x'}_${hash(id)}`;
}

/**
 * The statements that make `namespace` the schema later statements run in (created on first
 * use). A namespace is a plain lowercase identifier, so it is one schema name on every engine.
 */
export function useNamespaceSql(namespace: string): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(namespace)) throw new Error(`not a namespace name: ${JSON.stringify(namespace)}`);
  return [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(namespace)}`, `SET schema = ${quoteLiteral(namespace)}`];
}

/** A file's table seen from a namespace: `CREATE OR REPLACE VIEW "name" AS SELECT * FROM assay_files."table"`. */
export function aliasSql(name: string, fileTable: string): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(FILES_NAMESPACE)}.${quoteIdent(fileTable)}`;
}

/** Drops a source's alias from a namespace (a source removed from the notebook). */
export function dropAliasSql(name: string): string {
  return `DROP VIEW IF EXISTS ${quoteIdent(name)}`;
}

/** 32-bit FNV-1a as 8 hex digits: ids that slug alike still get different namespaces. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
