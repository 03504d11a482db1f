/**
 * The kinds every workspace serves before any CRD or binding (the server composes the same list in
 * src/server/server.ts): the groups an SDL may not use, and the rest of a workspace's GraphQL schema.
 */
import { apisResourceTypes } from '../apiexports/index.js';
import { customResourceDefinitions } from '../crd/index.js';
import { builtinResourceTypes, type ResourceType } from '../registry/index.js';
import { tenancyResourceTypes } from '../tenancy/index.js';

export const baseTypes = (): readonly ResourceType[] => [...builtinResourceTypes, ...tenancyResourceTypes, customResourceDefinitions, ...apisResourceTypes];
