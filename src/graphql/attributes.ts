/**
 * The authorization attributes of a GraphQL field's registry call, derived as REST derives them
 * for the equivalent request (src/kube/attributes.ts), so both surfaces ask RBAC the same question.
 */
import { resourceAttributes, type Attributes } from '../auth/index.js';

import type { ResourceType, UserInfo } from '../registry/index.js';

/** What one registry call asks, in REST's terms. */
export interface Asked {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** The namespace argument; undefined (all namespaces) for lists and watches that omit it. */
  namespace?: string | undefined;
  /** The object named (get, update, patch, delete), or a list's or watch's `metadata.name=` selection. */
  name?: string | undefined;
  subresource?: string | undefined;
}

export type AuthorizedType = Pick<ResourceType, 'group' | 'resource' | 'namespaced'>;

export function fieldAttributes(user: UserInfo, type: AuthorizedType, asked: Asked): Attributes {
  const collection = asked.verb === 'list' || asked.verb === 'watch' || asked.verb === 'create';
  // A namespace is its own namespace (`get namespaces/x` is checked in x), except for collection
  // requests, which REST addresses without a name in the URL.
  const ownNamespace = type.group === '' && type.resource === 'namespaces' && !collection && asked.name !== undefined;
  const namespace = ownNamespace ? asked.name : type.namespaced ? asked.namespace : undefined;
  return resourceAttributes(user, asked.verb, {
    apiGroup: type.group,
    resource: type.resource,
    ...(asked.subresource ? { subresource: asked.subresource } : {}),
    ...(asked.name !== undefined && asked.verb !== 'create' ? { name: asked.name } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  });
}
