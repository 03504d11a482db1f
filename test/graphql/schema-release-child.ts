/**
 * Child of schema-release.test.ts, run with --expose-gc: compiles the benchmarks' 50-kind API set
 * (bench/graphql-schema.ts) while watching every Pothos SchemaBuilder through a WeakRef, keeps the
 * schemas, collects garbage, and prints what survived and the heap the schemas hold (JSON).
 */
import SchemaBuilder from '@pothos/core';
import { GraphQLUnionType, printSchema, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { ApiSet } from '../../src/apis/index.js';
import { compileSchema } from '../../src/graphql/index.js';
import { distinctKinds, generatedKinds, servedEverywhere } from '../../bench/graphql-schema.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const builders: WeakRef<object>[] = [];
const proto = SchemaBuilder.prototype as unknown as { toSchema: (...args: unknown[]) => unknown };
const toSchema = proto.toSchema;
proto.toSchema = function (this: object, ...args: unknown[]) {
  builders.push(new WeakRef(this));
  return toSchema.apply(this, args);
};

/** Heap after full collections; a WeakRef's target stays alive until the job that made it ends. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

const set = new ApiSet([...servedEverywhere, ...generatedKinds(50 - distinctKinds(servedEverywhere))]);
compileSchema(set);
const before = await settledHeap();
const kept = [compileSchema(set), compileSchema(set), compileSchema(set)];
const after = await settledHeap();
const first = kept[0] as GraphQLSchema;
// The union's type resolver is the one thing Pothos wrapped at run time: it must still answer.
const union = first.getType('KubeObject');
const resolved = union instanceof GraphQLUnionType ? union.resolveType?.({ apiVersion: 'v1', kind: 'ConfigMap' }, {}, {} as GraphQLResolveInfo, union) : undefined;
console.log(
  JSON.stringify({
    kinds: distinctKinds(set.types),
    builders: builders.length,
    alive: builders.filter((b) => b.deref() !== undefined).length,
    heapPerSchema: (after - before) / kept.length,
    sdlBytes: Buffer.byteLength(printSchema(first)),
    configMapOwner: resolved,
  }),
);
