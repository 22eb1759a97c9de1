import { quoteLiteral } from '../core/sql/quote';

/**
 * The one name the browser engine registers a file under while DuckDB itself reads it during
 * a load (CSV through `read_csv`); the only path its sealed DuckDB may open. Loads run one at
 * a time, so one name serves them all, and each load drops whatever else holds the name
 * before registering the user's file. It can never be a file on a disk (`/dev/null` is not a
 * directory), should the name ever reach one.
 */
export const INGEST_PATH = '/dev/null/assay-ingest/source.csv';

/**
 * The settings that seal a DuckDB for notebook SQL, in the order they must run.
 *
 * - `enable_external_access = false` turns off every file system and network access from SQL
 *   (read_text, read_csv of a path, glob, COPY … TO, ATTACH, EXPORT DATABASE, http(s) URLs,
 *   LOAD of an extension file) except the paths listed in `allowed_paths` before it.
 * - `allowed_paths` holds exactly INGEST_PATH where the engine reads registered files through
 *   DuckDB after sealing (the browser); the CLI's engines open every source before sealing
 *   and allow nothing.
 * - `allow_community_extensions = false` cannot be turned back on.
 * - `lock_configuration = true` last: no `SET` can undo any of the above afterwards.
 *
 * Measured on DuckDB 1.4.3 (WASM) and 1.5.5 (native); see the README's sandbox section.
 */
export function sandboxSettings(options: { allowedPaths: readonly string[] }): string[] {
  return [
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    'SET allow_community_extensions = false',
    `SET allowed_paths = [${options.allowedPaths.map(quoteLiteral).join(', ')}]`,
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  ];
}
