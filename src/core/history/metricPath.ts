/**
 * Paths into a cell's results, as a trend cell names its metrics:
 * `gates.unique_ids.failing_share`, `agreement.fleiss_kappa`, `drift.columns[lighting_lux].psi`.
 *
 * The first segment is the cell. Each further segment is a field of an object, or `field[key]`:
 * the item of the list `field` whose name — its first field, as `name`, `column` or `class`
 * is in every result — equals `key`, or else, for a whole number, the item at that 0-based
 * position (`summary.head[0].n`, a SQL cell's first row). A plain segment that is not a field of an object but
 * names an item of exactly one of its lists reaches into it, so a checks cell's rule reads as
 * `gates.unique_ids` (its `rules` list) as well as `gates.rules[unique_ids]`.
 */

export interface MetricPath {
  cell: string;
  steps: { field: string; key?: string }[];
}

/** Parse `cell.a.b[key].c`; a string says what is wrong. */
export function parseMetricPath(text: string): MetricPath | string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[^.[\]\s]+(?:\[[^\]]+\])?)+)$/.exec(text.trim());
  if (!m) return `"${text}" is not a metric path: cell.field, e.g. gates.unique_ids.failing_share or drift.columns[lighting_lux].psi`;
  const steps = [...m[2]!.matchAll(/\.([^.[\]\s]+)(?:\[([^\]]+)\])?/g)].map((s) => (s[2] !== undefined ? { field: s[1]!, key: s[2]!.trim() } : { field: s[1]! }));
  return { cell: m[1]!, steps };
}

/** The item of a list of records whose name (first field) is `key`. */
function named(list: unknown[], key: string): unknown {
  return list.find((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && String(Object.values(x as object)[0]) === key);
}

/** Follow a path's steps from a cell's result; undefined when a step names nothing there. */
export function resolveSteps(result: unknown, steps: MetricPath['steps']): unknown {
  let cur: unknown = result;
  for (const { field, key } of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) cur = named(cur, field);
    else if (field in (cur as object)) cur = (cur as Record<string, unknown>)[field];
    else {
      const lists = Object.values(cur as object).filter((v): v is unknown[] => Array.isArray(v));
      const hits = lists.map((l) => named(l, field)).filter((x) => x !== undefined);
      cur = hits.length === 1 ? hits[0] : undefined;
    }
    if (key !== undefined) cur = Array.isArray(cur) ? (named(cur, key) ?? (/^\d+$/.test(key) ? cur[Number(key)] : undefined)) : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A metric's number in a cell's result: null when it is absent, not a number or not finite. */
export function metricNumber(result: unknown, steps: MetricPath['steps']): number | null {
  const v = resolveSteps(result, steps);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
