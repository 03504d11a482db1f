/**
 * Defaults must be valid where they apply (apiextensions-apiserver's ValidateDefaults): already
 * pruned (`must not have unknown fields`), valid against their node's schema (errors located
 * under `<node>.default`), and passing the node's CEL rules with the default as self and oldSelf.
 * Like Kubernetes, defaults below additionalProperties are not visited (Kubernetes forbids them
 * only inside metadata), and defaults inside an embedded resource's metadata are only checked
 * against their schema.
 */
import type { FieldError } from '../../registry/errors.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { entries, isSchema, propPath } from './check-structural.js';
import { META_FIELDS } from './embedded.js';
import { deepCopy, deepEqual } from './json.js';
import { buildNode } from './node.js';
import { pruneValue } from './prune.js';
import { validateValue } from './validate.js';

function check(s: JSONSchemaProps, p: string, insideMeta: boolean, resourceRoot: boolean, out: FieldError[]): void {
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (embedded) insideMeta = false;
  if (s.default !== undefined && s.default !== null) {
    const at = `${p}.default`;
    const node = buildNode(s, p, resourceRoot);
    if (!insideMeta) {
      const pruned = deepCopy(s.default);
      pruneValue(pruned, node, false);
      if (!deepEqual(pruned, s.default)) out.push({ type: 'FieldValueInvalid', field: at, value: s.default, detail: 'must not have unknown fields' });
    }
    out.push(...validateValue(node, s.default, s.default, at));
  }
  if (isSchema(s.items)) check(s.items, `${p}.items`, insideMeta, false, out);
  for (const [k, sub] of entries(s.properties)) {
    const meta = (resourceRoot || embedded) && META_FIELDS.has(k);
    // Top-level metadata, apiVersion and kind may not have defaults at all (reported elsewhere).
    if (meta && resourceRoot) continue;
    check(sub, propPath(p, k), insideMeta || meta, false, out);
  }
}

export function defaultErrors(schema: JSONSchemaProps, p: string): FieldError[] {
  const out: FieldError[] = [];
  check(schema, p, false, true, out);
  return out;
}
