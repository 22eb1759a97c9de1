/**
 * A small JSON Schema (2020-12) checker for the keywords results.schema.json uses: type,
 * required, properties, items, enum, const, pattern, $ref (to `#` and `#/…`), oneOf. oneOf is
 * checked as "at least one" (the per-kind result shapes overlap: every kind may add fields).
 * Returns the problems as `path: message`, none when the value conforms.
 */
type Schema = Record<string, unknown>;

export function validate(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref === '#' ? root : (schema.$ref.slice(2).split('/').reduce<unknown>((s, k) => (s as Schema)[k], root) as Schema);
    if (!target) return [`${path}: unresolved $ref ${schema.$ref}`];
    return validate(value, target, root, path);
  }
  const out: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const ok = types.some((t) => t === actual || (t === 'integer' && Number.isInteger(value)) || (t === 'number' && actual === 'number'));
    if (!ok) return [`${path}: is ${actual}, expected ${types.join(' or ')}`];
  }
  if ('const' in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) out.push(`${path}: is not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) out.push(`${path}: does not match ${schema.pattern}`);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in obj)) out.push(`${path}: lacks ${k}`);
    for (const [k, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) if (k in obj) out.push(...validate(obj[k], sub, root, `${path}.${k}`));
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...validate(v, schema.items as Schema, root, `${path}[${i}]`)));
  if (Array.isArray(schema.oneOf)) {
    const each = (schema.oneOf as Schema[]).map((s) => validate(value, s, root, path));
    if (!each.some((p) => p.length === 0)) out.push(`${path}: matches none of oneOf (${each.map((p) => p[0]).join(' | ')})`);
  }
  return out;
}
