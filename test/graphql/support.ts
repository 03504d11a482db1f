/**
 * Shared setup for the GraphQL tests: the built-in API set, a synthetic CRD-like kind whose schema
 * has what built-ins lack (self-references, awkward property names, int-or-string, free-form
 * parts), and a helper that runs a document against a registry as a request would.
 */
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { graphql } from 'graphql';
import { ApiSet } from '../../src/apis/index.js';
import type { GraphQLContext } from '../../src/graphql/index.js';
import type { OpenApiSchema } from '../../src/meta/index.js';
import { builtin, builtinResourceTypes, type Registry, type ResourceType } from '../../src/registry/index.js';
import { tenancyResourceTypes } from '../../src/tenancy/index.js';
import { customResourceDefinitions } from '../../src/crd/index.js';
import { apisResourceTypes } from '../../src/apiexports/index.js';
import { admissionResourceTypes } from '../../src/admission/index.js';

/** What every workspace serves, as the server composes it. */
export const builtinTypes: readonly ResourceType[] = [...builtinResourceTypes, ...tenancyResourceTypes, customResourceDefinitions, ...apisResourceTypes, ...admissionResourceTypes];
export const builtinSet = (): ApiSet => new ApiSet(builtinTypes);

const PROPS = 'com.example.v1.Props';
const ref = (key: string): OpenApiSchema => ({ $ref: `#/components/schemas/${key}` });

/** A JSONSchemaProps-like component: it refers to itself through items and a list. */
const props: OpenApiSchema = {
  type: 'object',
  description: 'A schema of schemas.',
  properties: {
    type: { type: 'string' },
    items: ref(PROPS),
    allOf: { type: 'array', items: ref(PROPS) },
    properties: { type: 'object', additionalProperties: ref(PROPS) },
  },
};

const widget: OpenApiSchema = {
  type: 'object',
  description: 'A widget.',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    // Inline, as CRD schemas write it: the compiler still uses the shared ObjectMeta type.
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        'x-weird-key': { type: 'string' },
        x_weird_key: { type: 'string' },
        '2fa': { type: 'boolean' },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } as OpenApiSchema,
        replicas: { type: 'integer' },
        size: { type: 'integer', format: 'int32' },
        ratio: { type: 'number' },
        matrix: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        schema: ref(PROPS),
      },
    },
  },
};

export const widgets: ResourceType = builtin(
  {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    kind: 'Widget',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    schema: { name: 'com.example.v1.Widget', components: { 'com.example.v1.Widget': widget, [PROPS]: props } },
  },
  { validate: () => ({ errors: [], unknownFields: [] }) },
);

export const contextFor = (registry: Registry): GraphQLContext => ({ registry, cluster: 'root', warnings: [] });

/** Runs a document as the root cluster's request would. */
export async function run(
  schema: GraphQLSchema,
  registry: Registry,
  source: string,
  variableValues?: Record<string, unknown>,
): Promise<ExecutionResult> {
  return graphql({ schema, source, contextValue: contextFor(registry), ...(variableValues ? { variableValues } : {}) });
}
