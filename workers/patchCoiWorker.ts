/**
 * A build-time patch for DuckDB-WASM's threaded (coi) worker, duckdb-wasm issue #2256.
 *
 * The bindings copy query results and inputs through `Module.HEAPU8` / `Module.HEAPF64`, which
 * Emscripten refreshes only when this thread grows memory. When one of DuckDB's worker threads
 * grows the shared memory, those cached views keep the old length and copies beyond it come
 * back short or empty: an aggregate with no rows, a truncated result, "offset is out of
 * bounds". Emscripten's own GROWABLE_HEAP_* accessors check for growth on every use, so the
 * patch turns the module's view properties into getters over them. Nothing else changes.
 */

/** The text the patch anchors on: the declaration of the views in the Emscripten glue. */
const ANCHOR = 'var HEAP,HEAP8,HEAPU8,HEAP16,HEAPU16,HEAP32,HEAPU32,HEAPF32,HEAPF64;function updateMemoryViews(){var e=wasmMemory.buffer;';
const VIEWS: [string, string][] = [
  ['HEAP8', 'I8'],
  ['HEAPU8', 'U8'],
  ['HEAP16', 'I16'],
  ['HEAPU16', 'U16'],
  ['HEAP32', 'I32'],
  ['HEAPU32', 'U32'],
  ['HEAPF32', 'F32'],
  ['HEAPF64', 'F64'],
];
export const PATCH_MARK = '/* assay: growable module views (duckdb-wasm #2256) */';

/**
 * Patch the coi worker's source. Throws when the glue does not look as expected (a new
 * DuckDB-WASM version): the patch must then be re-checked, not silently skipped.
 */
export function patchCoiWorker(source: string): string {
  if (source.includes(PATCH_MARK)) return source;
  const at = source.indexOf(ANCHOR);
  if (at < 0 || source.indexOf(ANCHOR, at + 1) >= 0) throw new Error('duckdb-browser-coi.worker.js: the memory-view code is not where the #2256 patch expects it; re-check the patch for this DuckDB-WASM version');
  for (const [, suffix] of VIEWS) {
    if (!source.includes(`function GROWABLE_HEAP_${suffix}(){`)) throw new Error(`duckdb-browser-coi.worker.js: GROWABLE_HEAP_${suffix} is missing; re-check the #2256 patch`);
  }
  // Called at the end of updateMemoryViews: once the data properties exist, replace them
  // with getters (the glue keeps assigning them; the setter ignores that).
  // grow(0) first: another thread's growth reaches this thread's `memory.buffer` only at
  // V8's next interrupt check, while grow(0) makes it visible at once (as #2256 suggests).
  // The bindings read these properties a few times per call; the glue's hot paths use the
  // GROWABLE_HEAP_* functions directly and are unchanged.
  const define = `${PATCH_MARK}var __assayGrowable=!1;function __assayGrowableViews(){if(__assayGrowable)return;__assayGrowable=!0;${VIEWS.map(([name, suffix]) => `Object.defineProperty(Module,"${name}",{get(){return wasmMemory.grow(0),GROWABLE_HEAP_${suffix}()},set(){},configurable:!0,enumerable:!0});`).join('')}}`;
  const body = source.indexOf('}', at + ANCHOR.length);
  const patched = source.slice(0, at) + define + source.slice(at, body) + ';__assayGrowableViews()' + source.slice(body);
  // The upstream source map no longer lines up (and is not copied beside the patched file).
  return patched.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}
