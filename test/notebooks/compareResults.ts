/**
 * Differences between two JSON values, with numbers equal when within `rel` relative
 * tolerance (1e-9 by default): the same notebook on two engines, or today vs. the golden file.
 */
export function jsonDifferences(actual: unknown, expected: unknown, rel = 1e-9, path = '$'): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const scale = Math.max(Math.abs(actual), Math.abs(expected), 1e-300);
    return actual === expected || Math.abs(actual - expected) / scale <= rel ? [] : [`${path}: ${actual} != ${expected}`];
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const out = actual.length === expected.length ? [] : [`${path}: length ${actual.length} != ${expected.length}`];
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) out.push(...jsonDifferences(actual[i], expected[i], rel, `${path}[${i}]`));
    return out;
  }
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object' && !Array.isArray(actual) && !Array.isArray(expected)) {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    const out: string[] = [];
    for (const k of keys) {
      if (!(k in a)) out.push(`${path}.${k}: missing`);
      else if (!(k in e)) out.push(`${path}.${k}: unexpected`);
      else out.push(...jsonDifferences(a[k], e[k], rel, `${path}.${k}`));
    }
    return out;
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
}
