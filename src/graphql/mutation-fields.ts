/**
 * The write side of a compiled schema. Mutation fields must sit on the root Mutation type, which is
 * flat, so a kind's fields are named with its object type's name — `createV1ConfigMap`,
 * `applyRbacAuthorizationK8sIoV1Role` — rather than the bare kind: `Role` or `Event` (core v1 and
 * events.k8s.io/v1) exist in several groups and versions, and a name made from the kind alone
 * would change when a workspace gains a second one. Type names are already unique and stable, so
 * these are too. Fields are added kind by kind in the layout's order, `applyYaml` first.
 */
import type { FieldRef, ObjectRef } from '@pothos/core';
import type { DeleteResult, PropagationPolicy, ResourceType } from '../registry/index.js';
import { applyYamlField } from './apply-yaml.js';
import type { Builder, Obj, Types } from './builder.js';
import { applyField, createField, deleteField, patchField, updateField } from './kind-mutations.js';
import type { SchemaLayout } from './layout.js';
import { NameTable } from './name-table.js';
import type { InputRef, OpenApiTypes, OutputRef } from './openapi-types.js';
import { kindIdentity } from './type-plan.js';

export type MutationFields = PothosSchemaTypes.MutationFieldBuilder<Types, object>;
type MutationField = FieldRef<Types, unknown>;
type PolicyRef = ReturnType<typeof policyEnum>;

/** What a kind's mutation fields are typed with. */
export interface KindRefs {
  object: OutputRef;
  input: InputRef;
  deleted: ObjectRef<Types, DeleteResult>;
  policy: PolicyRef;
}

const POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

const VERBS = {
  create: createField,
  update: updateField,
  patch: patchField,
  delete: deleteField,
  apply: applyField,
} as const;

/** Adds `Mutation`: create/update/patch/delete/apply per kind of the layout, and `applyYaml`. */
export function addMutationFields(builder: Builder, layout: SchemaLayout, types: OpenApiTypes, names: NameTable): void {
  const policy = policyEnum(builder, names);
  const fieldNames = new NameTable();
  const fields: [string, (t: MutationFields) => MutationField][] = [
    [fieldNames.claim('applyYaml', 'applyYaml'), (t) => applyYamlField(t, layout.types)],
  ];
  for (const rt of layout.types) {
    const typeName = names.nameOf(kindIdentity(rt)) ?? rt.kind;
    const object = types.kindObject(rt);
    const refs: KindRefs = { object, input: types.kindInput(rt), deleted: deleteResultType(builder, rt, typeName, object, names), policy };
    for (const [verb, make] of Object.entries(VERBS)) {
      fields.push([fieldNames.claim(`${verb}:${kindIdentity(rt)}`, mutationName(verb, typeName)), (t) => make(t, rt, refs)]);
    }
  }
  builder.mutationType({ fields: (t) => Object.fromEntries(fields.map(([name, make]) => [name, make(t)])) });
}

/**
 * `create` + the kind's type name. Fallback type names (`a_b_io_v1_Foo`, settled by NameTable for
 * contrived collisions) start in lower case and get a `_` between, so they stay readable.
 */
export const mutationName = (verb: string, typeName: string): string => (/^[A-Z_]/.test(typeName) ? verb + typeName : `${verb}_${typeName}`);

function policyEnum(builder: Builder, names: NameTable) {
  return builder.enumType(names.claim('enum:PropagationPolicy', 'PropagationPolicy'), {
    description:
      'What a delete does to dependents (objects whose ownerReferences name the deleted one): Background deletes the object now and its dependents afterwards, Foreground keeps the object until its dependents are gone, Orphan keeps the dependents.',
    values: POLICIES,
  });
}

/** `V1ConfigMapDeleteResult { object, deleted }`: the object as deleted, or as it awaits its finalizers. */
function deleteResultType(builder: Builder, rt: ResourceType, typeName: string, object: OutputRef, names: NameTable): ObjectRef<Types, DeleteResult> {
  const name = names.claim(`deleteResult:${rt.group}/${rt.version}/${rt.kind}`, `${typeName}DeleteResult`, `${typeName}_DeleteResult`);
  return builder.objectRef<DeleteResult>(name).implement({
    description: `The outcome of deleting one ${rt.kind}.`,
    fields: (f) => ({
      object: f.field({ type: object, nullable: false, description: 'The object as it was deleted, or as it now waits (deletionTimestamp set).', resolve: deletedObject }),
      deleted: f.field({
        type: 'Boolean',
        nullable: false,
        description: 'True when the object is gone; false while finalizers (or the kind itself, e.g. a Namespace being emptied) keep it.',
        resolve: isDeleted,
      }),
    }),
  });
}

// Resolvers defined at module level: made inside deleteResultType they would keep its scope (the
// object type's ref, and through it the whole build) alive with the schema.
const deletedObject = (r: DeleteResult): Obj => r.object as Obj;
const isDeleted = (r: DeleteResult): boolean => r.deleted;
