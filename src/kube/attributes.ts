/**
 * The authorization attributes of a REST request, as the apiserver's RequestInfoFactory derives
 * them: resource requests name verb, group, resource, subresource, namespace and object name;
 * everything else (discovery, OpenAPI, /version, unknown paths) is a non-resource request whose
 * verb is the lower-cased HTTP method and whose path is the URL path below `/clusters/<x>`.
 */
import { nonResourceAttributes, resourceAttributes, selectedName, type Attributes } from '../auth/index.js';
import type { UserInfo } from '../registry/index.js';
import type { RequestInfo } from './request-info.js';

export function requestAttributes(user: UserInfo, info: RequestInfo, method: string, path: string, query: URLSearchParams): Attributes {
  if (info.kind !== 'resource') return nonResourceAttributes(user, method === 'HEAD' ? 'get' : method.toLowerCase(), path);
  let name = info.name;
  if (name === undefined && (info.verb === 'list' || info.verb === 'watch')) name = selectedName(query.get('fieldSelector'));
  // A namespace is its own namespace: `get namespaces/x` is checked in namespace x, as Kubernetes does.
  const namespace = info.group === '' && info.resource === 'namespaces' && info.name !== undefined ? info.name : info.namespace;
  return resourceAttributes(user, info.verb, {
    apiGroup: info.group,
    resource: info.resource,
    ...(info.subresource !== undefined ? { subresource: info.subresource } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  });
}
