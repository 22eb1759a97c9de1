import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { PATCH_MARK, patchCoiWorker } from '../../workers/patchCoiWorker';

const original = readFileSync(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js'), 'utf8');

describe('the duckdb-wasm #2256 patch of the coi worker', () => {
  test('applies once to the installed DuckDB-WASM and only adds the getters', () => {
    const patched = patchCoiWorker(original);
    expect(patched.split(PATCH_MARK)).toHaveLength(2);
    expect(patchCoiWorker(patched)).toBe(patched);
    // Every view becomes a getter that first makes other threads' growth visible, then reads
    // through Emscripten's growth-checking accessor.
    for (const [name, suffix] of [['HEAPU8', 'U8'], ['HEAPF64', 'F64'], ['HEAP32', 'I32']]) {
      expect(patched).toContain(`Object.defineProperty(Module,"${name}",{get(){return wasmMemory.grow(0),GROWABLE_HEAP_${suffix}()},`);
    }
    expect(patched).toMatch(/Module\.HEAPF64=HEAPF64=new Float64Array\(e\);__assayGrowableViews\(\)\}/);
    // Apart from the insertions (and the dropped source-map comment) the file is unchanged.
    const inserted = patched.slice(patched.indexOf(PATCH_MARK), patched.indexOf('var HEAP,HEAP8'));
    expect(patched.replace(inserted, '').replace(';__assayGrowableViews()', '')).toBe(original.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    // The patched worker still parses as a script.
    expect(() => new Function(patched)).not.toThrow();
  });

  test('a worker that does not look as expected is refused, not passed through', () => {
    expect(() => patchCoiWorker(original.replace('function updateMemoryViews(){', 'function updateViews(){'))).toThrow(/re-check the patch/);
    expect(() => patchCoiWorker(original.replace('function GROWABLE_HEAP_F64(){', 'function HEAP_F64(){'))).toThrow(/GROWABLE_HEAP_F64 is missing/);
  });
});
