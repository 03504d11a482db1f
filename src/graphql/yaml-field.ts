/**
 * `yaml` on every kind's object type: the object as `kubectl get -o yaml` prints it, for UIs that
 * show or edit manifests (kubernetes-graphql-gateway has a query per kind for it; a field works in
 * lists and subscriptions too). It is printed from the object the field's parent resolved, which
 * its own field already authorized, so it shows nothing the caller could not select field by
 * field; like kubectl it leaves out `metadata.managedFields` (`--show-managed-fields=false`).
 *
 * kubectl's printer (go-yaml, YAML 1.1) sorts keys, writes a mapping's lists unindented and quotes
 * strings a YAML 1.1 reader would take for something else (`"yes"`, `"012"`, timestamps); the yaml
 * package does the same with these options, and never folds long strings.
 */
import { stringify } from 'yaml';
import type { Builder, Obj, Types } from './builder.js';
import type { SchemaLayout } from './layout.js';
import type { NameTable } from './name-table.js';
import type { OpenApiTypes } from './openapi-types.js';
import { kindPlan } from './type-plan.js';

const KUBECTL_STYLE = { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0 } as const;

/** The object as kubectl prints it. */
export function kubectlYaml(o: Obj): string {
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || !('managedFields' in meta)) return stringify(o, KUBECTL_STYLE);
  const { managedFields: _hidden, ...shown } = meta as Obj;
  return stringify({ ...o, metadata: shown }, KUBECTL_STYLE);
}

export function addYamlFields(builder: Builder, layout: SchemaLayout, types: OpenApiTypes, names: NameTable): void {
  for (const t of layout.types) {
    // A kind whose own schema has a `yaml` property keeps it.
    if ('yaml' in kindPlan(t, names).shape.properties) continue;
    builder.objectField(types.kindObject(t), 'yaml', yamlField);
  }
}

// At module level: a resolver made inside addYamlFields would keep the build's scope alive with the schema.
const yamlField = (f: PothosSchemaTypes.FieldBuilder<Types, Obj, 'Object'>) =>
  f.string({
    nullable: false,
    description: 'The object as `kubectl get -o yaml` prints it (keys sorted, without metadata.managedFields).',
    resolve: kubectlYaml,
  });
