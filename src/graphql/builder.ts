/**
 * The Pothos schema types shared by the compiler's modules. Objects are the stored JSON objects
 * themselves (`Record<string, unknown>`); scalar outputs are `unknown` because the values come
 * from storage, and graphql-js's serializers (and ours, scalars.ts) check them at run time.
 */
import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context.js';
import { CUSTOM_SCALARS } from './scalars.js';

/** A Kubernetes object or one of its nested objects, as stored. */
export type Obj = Record<string, unknown>;

export interface AtollSchemaTypes {
  Context: GraphQLContext;
  DefaultFieldNullability: true;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    String: { Input: string; Output: unknown };
    Int: { Input: number; Output: unknown };
    Float: { Input: number; Output: unknown };
    Boolean: { Input: boolean; Output: unknown };
    Int64: { Input: number; Output: unknown };
    IntOrString: { Input: number | string; Output: unknown };
    StringMap: { Input: Record<string, string>; Output: unknown };
    JSON: { Input: unknown; Output: unknown };
  };
}

export type Builder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<AtollSchemaTypes>>;
export type Types = PothosSchemaTypes.ExtendDefaultTypes<AtollSchemaTypes>;

/**
 * A fresh builder with the custom scalars registered: one per compiled API set. Pothos 4 makes
 * fields nullable and input fields optional by default, which is what stored Kubernetes objects
 * (omitempty everywhere) and partial inputs (merge patch, apply) need.
 */
export function newBuilder(): Builder {
  const builder = new SchemaBuilder<AtollSchemaTypes>({});
  for (const scalar of CUSTOM_SCALARS) builder.addScalarType(scalar.name as 'JSON', scalar);
  return builder;
}
