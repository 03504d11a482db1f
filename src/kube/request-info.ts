/**
 * Parses a Kubernetes API path (below `/clusters/<cluster>`) into what is asked for, following
 * the apiserver's RequestInfoFactory: `/api/v1/namespaces/ns/configmaps/name/status`,
 * `/apis/group/version/...`, discovery and OpenAPI paths.
 */
export type ResourceVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type RequestInfo =
  | { kind: 'version' }
  | { kind: 'legacy-versions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'openapi-v3'; groupVersion?: string }
  | { kind: 'openapi-v2' }
  | {
      kind: 'resource';
      verb: ResourceVerb;
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { kind: 'unknown' };

/** Subresources of a namespace that are not resources inside it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export class BadPathError extends Error {
  override readonly name = 'BadPathError';
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadPathError(`malformed path segment "${segment}"`);
  }
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(decode);
  const [root, ...rest] = parts;
  if (root === 'version' && rest.length === 0) return { kind: 'version' };
  if (root === 'openapi') {
    if (rest[0] === 'v2' && rest.length === 1) return { kind: 'openapi-v2' };
    if (rest[0] === 'v3') {
      if (rest.length === 1) return { kind: 'openapi-v3' };
      return { kind: 'openapi-v3', groupVersion: rest.slice(1).join('/') };
    }
    return { kind: 'unknown' };
  }
  let group: string;
  let version: string | undefined;
  let tail: string[];
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'legacy-versions' };
    group = '';
    version = rest[0];
    tail = rest.slice(1);
  } else if (root === 'apis') {
    if (rest.length === 0) return { kind: 'groups' };
    group = rest[0] as string;
    if (rest.length === 1) return { kind: 'group', group };
    version = rest[1];
    tail = rest.slice(2);
  } else {
    return { kind: 'unknown' };
  }
  if (!version) return { kind: 'unknown' };
  if (tail.length === 0) return { kind: 'resources', group, version };

  let namespace: string | undefined;
  if (tail[0] === 'namespaces' && tail.length > 1) {
    namespace = tail[1];
    if (tail.length > 2 && !NAMESPACE_SUBRESOURCES.has(tail[2] as string)) tail = tail.slice(2);
  }
  if (tail.length > 3) return { kind: 'unknown' };
  const [resource, name, subresource] = tail as [string, string | undefined, string | undefined];
  const watch = query.get('watch');
  const verb = verbOf(method, name !== undefined, subresource !== undefined, watch === 'true' || watch === '1');
  if (!verb) return { kind: 'unknown' };
  const info: RequestInfo = { kind: 'resource', verb, group, version, resource };
  // `/api/v1/namespaces/x` names the namespace x itself.
  if (namespace !== undefined && !(resource === 'namespaces' && name === namespace)) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}

function verbOf(method: string, named: boolean, subresource: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      // A POST to a named object's subresource creates through it (`serviceaccounts/<name>/token`).
      return named && !subresource ? undefined : 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
