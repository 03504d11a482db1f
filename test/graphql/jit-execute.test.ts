/**
 * Queries and mutations run compiled by graphql-jit (src/graphql/jit-execute.ts) and must answer
 * exactly as graphql-js's executor does: each document below runs both ways against the same
 * registry, and the results (data, and errors with their messages, paths, locations and
 * extensions) must be equal.
 */
import { execute, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { schemaFor } from '../../src/graphql/index.js';
import { jitExecute } from '../../src/graphql/jit-execute.js';
import { configMaps, namespaces } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinTypes, contextFor, widgets } from './support.js';

const fx = useRegistry();
const schema = schemaFor(new ApiSet([...builtinTypes, widgets]));

const plain = (r: ExecutionResult): unknown => JSON.parse(JSON.stringify(r));

const CASES: [document: string, variables?: Record<string, unknown>][] = [
  ['{ v1 { ConfigMap(name: "web", namespace: "default") { metadata { name namespace labels annotations uid } data } } }'],
  ['{ v1 { ConfigMap(name: "absent", namespace: "default") { metadata { name } } } }'],
  ['{ v1 { ConfigMaps(namespace: "default", limit: 1) { metadata { continue } items { metadata { name } data } } } }'],
  ['{ v1 { ConfigMaps(namespace: "default", labelSelector: "app in (a") { items { metadata { name } } } } }'],
  ['query ($n: String!) { v1 { a: ConfigMap(name: $n, namespace: "default") { ...M } b: Namespace(name: "default") { ...N } } } fragment M on V1ConfigMap { metadata { name } } fragment N on V1Namespace { status { phase } }', { n: 'web' }],
  ['query ($n: String!) { v1 { ConfigMap(name: $n, namespace: "default") { metadata { name } } } }', {}],
  ['query ($n: String!) { v1 { ConfigMap(name: $n, namespace: "default") { metadata { name } } } }', { n: 3 }],
  ['query ($s: Boolean!) { v1 { ConfigMap(name: "web", namespace: "default") { metadata { name @skip(if: $s) labels @include(if: $s) } } } }', { s: true }],
  ['query ($p: JSON!) { __typename }', { p: nested(600) }],
  ['{ __typename v1 { __typename } }'],
  ['{ __type(name: "V1ConfigMap") { name fields { name type { name kind ofType { name } } } } }'],
  ['{ example_com { v1 { Widget(name: "w", namespace: "default") { spec { port replicas size ratio matrix extra x_weird_key _2fa } } } } }'],
  ['{ v1 { ConfigMap(name: "web", namespace: "default") { metadata { name } namespaceObject { metadata { name } } owners { __typename } } } }'],
  ['mutation ($o: V1ConfigMapInput!) { createV1ConfigMap(namespace: "default", object: $o, dryRun: true) { metadata { name } data } }', { o: { metadata: { name: 'dry' }, data: { a: 'b' } } }],
  ['mutation ($o: V1ConfigMapInput!) { createV1ConfigMap(namespace: "default", object: $o) { metadata { name } } }', { o: { metadata: { name: 'web' } } }],
  ['mutation ($o: V1ConfigMapInput!) { createV1ConfigMap(namespace: "default", object: $o) { metadata { name } } }', { o: { metadata: { name: 'Not A Name' } } }],
  ['mutation { deleteV1ConfigMap(namespace: "default", name: "absent") { status } }'],
  ['query A { __typename } query B { v1 { __typename } }'],
];

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { v };
  return v;
}

describe('compiled execution (graphql-jit)', () => {
  it('answers as graphql-js does: data, errors, variables, fragments, directives, introspection, references, mutations', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'default' }, status: { phase: 'Active' } });
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'web', labels: { app: 'a' } }, data: { greeting: 'hello' } });
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'web2' } });
    await fx.reg.create(ctx, widgets, 'default', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { port: 'http', replicas: 2, size: 3, ratio: 0.5, matrix: [['a']], extra: { any: [1, { b: null }] }, x_weird_key: 'x', '2fa': true },
    });
    for (const [source, variableValues] of CASES) {
      const document = parse(source);
      const args = { schema, document, contextValue: contextFor(fx.reg), ...(variableValues ? { variableValues } : {}) };
      const expected = plain(await execute(args));
      const compiled = plain(await jitExecute({ ...args, contextValue: contextFor(fx.reg) }));
      expect({ source, result: compiled }).toEqual({ source, result: expected });
    }
  });
});
