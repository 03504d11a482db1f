/**
 * OpenAPI v3 schemas → Pothos object and input types. Types are created once per identity (a
 * shared component, an inline object, a kind) and registered before their fields are planned, so
 * recursive schemas (a component that refers to itself, like JSONSchemaProps) close the loop
 * through the memo instead of recursing forever. Every field records the JSON property it reads
 * (`extensions.jsonKey`), which is how sanitized names are mapped back (input-values.ts).
 */
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { ResourceType } from '../registry/index.js';
import type { Builder, Obj, Types } from './builder.js';
import type { NameTable } from './name-table.js';
import { inputTypeName } from './names.js';
import { fieldPlans, kindPlan, type FieldPlan, type ObjectPlan } from './type-plan.js';
import { asList, asObject, asObjectList } from './values.js';

export type OutputRef = ObjectRef<Types, Obj>;
export type InputRef = InputObjectRef<Types, Obj>;
type ObjectFields = PothosSchemaTypes.ObjectFieldBuilder<Types, Obj>;
type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;

/** Extension on every generated field: the JSON property behind it. */
export const JSON_KEY = 'jsonKey';

export class OpenApiTypes {
  private readonly outputs = new Map<string, OutputRef>();
  private readonly inputs = new Map<string, InputRef>();

  constructor(
    private readonly builder: Builder,
    private readonly names: NameTable,
  ) {}

  /** The object type of a kind's objects (`V1ConfigMap`). */
  kindObject(t: ResourceType): OutputRef {
    return this.output(kindPlan(t, this.names));
  }

  /** The input type mirroring it (`V1ConfigMapInput`), for the mutations to come. */
  kindInput(t: ResourceType): InputRef {
    return this.input(kindPlan(t, this.names));
  }

  private output(plan: ObjectPlan): OutputRef {
    const known = this.outputs.get(plan.identity);
    if (known) return known;
    const ref = this.builder.objectRef<Obj>(plan.name);
    this.outputs.set(plan.identity, ref);
    const fields = fieldPlans(plan, this.names).map((f) => ({ f, ref: f.object ? this.output(f.object) : undefined }));
    ref.implement({
      ...(plan.shape.schema.description ? { description: plan.shape.schema.description } : {}),
      fields: (t) => Object.fromEntries(fields.map(({ f, ref: target }) => [f.name, outputField(t, f, target)])),
    });
    return ref;
  }

  private input(plan: ObjectPlan): InputRef {
    const known = this.inputs.get(plan.identity);
    if (known) return known;
    const identity = `input:${plan.identity}`;
    const ref: InputRef = this.builder.inputRef<Obj>(this.names.claim(identity, inputTypeName(plan.name), `${plan.fallback}_Input`));
    this.inputs.set(plan.identity, ref);
    const fields = fieldPlans(plan, this.names).map((f) => ({ f, ref: f.object ? this.input(f.object) : undefined }));
    this.builder.inputType(ref, {
      ...(plan.shape.schema.description ? { description: plan.shape.schema.description } : {}),
      fields: (t) => Object.fromEntries(fields.map(({ f, ref: target }) => [f.name, inputField(t, f, target)])),
    });
    return ref;
  }
}

function outputField(t: ObjectFields, f: FieldPlan, target: OutputRef | undefined) {
  const common = { ...(f.description ? { description: f.description } : {}), extensions: { [JSON_KEY]: f.key } };
  const shape = f.shape;
  if (shape.kind === 'scalar') return t.field({ ...common, type: shape.name, resolve: read(f.key) });
  if (shape.kind === 'object') return t.field({ ...common, type: required(target), resolve: readAs(f.key, asObject) });
  const nullable = { list: true, items: shape.nullableItems } as const;
  if (shape.of.kind === 'scalar') return t.field({ ...common, type: [shape.of.name], nullable, resolve: readAs(f.key, asList) });
  return t.field({ ...common, type: [required(target)], nullable, resolve: readAs(f.key, asObjectList) });
}

/**
 * Field resolvers, made out here so that each closes over its JSON key alone: a closure made in
 * outputField would share that call's scope, and with it the field's plan (its OpenAPI shape and
 * child plans), for as long as the schema lives.
 */
const read =
  (key: string) =>
  (parent: Obj): unknown =>
    parent[key];
const readAs =
  <T>(key: string, as: (value: unknown) => T) =>
  (parent: Obj): T =>
    as(parent[key]);

function inputField(t: InputFields, f: FieldPlan, target: InputRef | undefined) {
  const common = { ...(f.description ? { description: f.description } : {}), extensions: { [JSON_KEY]: f.key } };
  const shape = f.shape;
  if (shape.kind === 'scalar') return t.field({ ...common, type: shape.name });
  if (shape.kind === 'object') return t.field({ ...common, type: required(target) });
  const required_ = { list: false, items: !shape.nullableItems } as const;
  if (shape.of.kind === 'scalar') return t.field({ ...common, type: [shape.of.name], required: required_ });
  return t.field({ ...common, type: [required(target)], required: required_ });
}

function required<T>(ref: T | undefined): T {
  if (ref === undefined) throw new Error('object field planned without its type');
  return ref;
}
