import { stringify } from 'yaml';
import type { Contract } from './manifest';

/**
 * The body of a `checks` cell that enforces a schema contract on `source`: required columns
 * are not NULL, the key is unique, allowed values, ranges and patterns become rules. Types
 * are compared by the schema diff, not row by row.
 */
export function contractChecksBody(contract: Contract, source: string): string {
  const rules: Record<string, unknown>[] = [];
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
  if (contract.key) rules.push({ unique: contract.key, name: `${safe(contract.key)}_unique` });
  for (const [column, rule] of Object.entries(contract.columns)) {
    const n = safe(column);
    if (rule.required) rules.push({ not_null: column, name: `${n}_required` });
    if (rule.allowed) rules.push({ in_set: column, values: rule.allowed, name: `${n}_allowed` });
    if (rule.min !== undefined || rule.max !== undefined) rules.push({ between: column, ...(rule.min !== undefined ? { min: rule.min } : {}), ...(rule.max !== undefined ? { max: rule.max } : {}), name: `${n}_range` });
    if (rule.pattern) rules.push({ matches: column, pattern: rule.pattern, name: `${n}_pattern` });
  }
  const spec: Record<string, unknown> = { source };
  if (contract.key) spec.key = contract.key;
  spec.rules = rules;
  return stringify(spec, { lineWidth: 0 }).trimEnd();
}
