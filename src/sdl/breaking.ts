/**
 * Changes between two versions of a kind's schema that stored objects may not survive: a version
 * or the whole resource gone, a different scope, and, per version, narrower types — a field
 * removed (its values pruned), a type changed, a new required field without a default, an enum,
 * bound, length, pattern or format that stored values may break, nullable or int-or-string or
 * preserved unknown fields taken away, a list made a set or map. Widening changes pass.
 */
import type { APIResourceSchemaSpec } from '../apiexports/index.js';
import type { JSONSchemaProps } from '../crd/index.js';

type Bound = 'minimum' | 'minLength' | 'minItems' | 'minProperties';
type Ceiling = 'maximum' | 'maxLength' | 'maxItems' | 'maxProperties';
const LOWER: Bound[] = ['minimum', 'minLength', 'minItems', 'minProperties'];
const UPPER: Ceiling[] = ['maximum', 'maxLength', 'maxItems', 'maxProperties'];

const where = (path: string): string => path || '(root)';

function schemaBreaks(a: JSONSchemaProps, b: JSONSchemaProps, path: string, out: string[]): void {
  const at = where(path);
  if (a.type !== b.type && !(b['x-kubernetes-preserve-unknown-fields'] && b.type === undefined)) {
    if (!(a['x-kubernetes-int-or-string'] && b['x-kubernetes-int-or-string'])) out.push(`${at}: type ${a.type ?? 'any'} became ${b.type ?? 'any'}`);
  }
  if (a['x-kubernetes-int-or-string'] && !b['x-kubernetes-int-or-string']) out.push(`${at}: is no longer int-or-string`);
  if (a.nullable && !b.nullable) out.push(`${at}: is no longer nullable`);
  if (a['x-kubernetes-preserve-unknown-fields'] && !b['x-kubernetes-preserve-unknown-fields']) out.push(`${at}: unknown fields are no longer preserved (stored ones would be pruned)`);
  if (b.enum && (!a.enum || a.enum.some((v) => !b.enum?.some((w) => JSON.stringify(w) === JSON.stringify(v))))) out.push(`${at}: enum narrowed to ${JSON.stringify(b.enum)}`);
  for (const k of LOWER) {
    const x = a[k];
    const y = b[k];
    if (y !== undefined && (x === undefined || y > x || (k === 'minimum' && y === x && b.exclusiveMinimum && !a.exclusiveMinimum))) out.push(`${at}: ${k} raised to ${y}`);
  }
  for (const k of UPPER) {
    const x = a[k];
    const y = b[k];
    if (y !== undefined && (x === undefined || y < x || (k === 'maximum' && y === x && b.exclusiveMaximum && !a.exclusiveMaximum))) out.push(`${at}: ${k} lowered to ${y}`);
  }
  if (b.pattern !== undefined && b.pattern !== a.pattern) out.push(`${at}: pattern ${JSON.stringify(b.pattern)} is new`);
  if (b.format !== undefined && b.format !== a.format) out.push(`${at}: format ${b.format} is new`);
  if (b.multipleOf !== undefined && b.multipleOf !== a.multipleOf) out.push(`${at}: multipleOf ${b.multipleOf} is new`);
  const la = a['x-kubernetes-list-type'] ?? 'atomic';
  const lb = b['x-kubernetes-list-type'] ?? 'atomic';
  if (a.type === 'array' && la !== lb && lb !== 'atomic') out.push(`${at}: list type ${la} became ${lb} (stored duplicates would be refused)`);
  const required = new Set(a.required ?? []);
  for (const r of b.required ?? []) {
    if (!required.has(r) && b.properties?.[r]?.default === undefined) out.push(`${where(`${path}.${r}`)}: new required field without a default`);
  }
  for (const [name, sub] of Object.entries(a.properties ?? {})) {
    const next = b.properties?.[name];
    if (next) schemaBreaks(sub, next, `${path}.${name}`, out);
    else if (!b['x-kubernetes-preserve-unknown-fields'] && b.additionalProperties === undefined) out.push(`${path}.${name}: field removed (stored values would be pruned)`);
  }
  if (a.items && b.items) schemaBreaks(a.items, b.items, `${path}[]`, out);
  if (typeof a.additionalProperties === 'object' && typeof b.additionalProperties === 'object') schemaBreaks(a.additionalProperties, b.additionalProperties, `${path}{}`, out);
}

/** Why objects stored under `before` could break under `after` (undefined: the resource is gone). */
export function breakingChanges(before: APIResourceSchemaSpec, after: APIResourceSchemaSpec | undefined): string[] {
  if (!after) return ['the resource is removed from the export'];
  const out: string[] = [];
  if (before.scope !== after.scope) out.push(`scope ${before.scope} became ${after.scope}`);
  for (const v of before.versions) {
    const next = after.versions.find((x) => x.name === v.name);
    if (!next) {
      out.push(`version ${v.name} is removed`);
      continue;
    }
    const reasons: string[] = [];
    schemaBreaks(v.schema, next.schema, '', reasons);
    out.push(...reasons.map((r) => `${v.name} ${r}`));
  }
  return out;
}
