/**
 * OpenAPI v3 for an API set: the root index (`/openapi/v3`) and one document per group-version,
 * built once per API set fingerprint. kubectl reads them for `explain`, for client-side apply's
 * strategic patches, and to learn that PATCH accepts `fieldValidation` (so `create -f` and
 * `apply` validate server-side instead of failing).
 *
 * The index's `serverRelativeURL`s include the `/clusters/<...>` prefix because client-go
 * requests them as absolute paths, replacing the kubeconfig server's path.
 */
import { createHash } from 'node:crypto';
import { DerivedCache, type ApiSet } from '../apis/index.js';
import { REF_PREFIX, type OpenApiComponents, type OpenApiSchema } from '../meta/index.js';
import { acceptedPatchMediaTypes, apiVersionOf, subresourcesOf, takesStrategicMerge, type ResourceType, type SubresourceAction } from '../registry/index.js';
import { KUBE_VERSION } from './version.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

export interface Doc {
  body: { paths: Record<string, unknown>; components: { schemas: Record<string, OpenApiSchema> } };
  etag: string;
}

type Operation = Record<string, unknown>;

const q = (name: string, description: string, schema: OpenApiSchema = { type: 'string' }) => ({
  name,
  in: 'query',
  description,
  schema: { ...schema, uniqueItems: true },
});

const PARAMS = {
  dryRun: q('dryRun', 'When present, changes are validated and admitted but not persisted. The only valid value is All.'),
  fieldManager: q('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: q('fieldValidation', 'How unknown or duplicate fields are handled: Ignore, Warn (the default) or Strict.'),
  force: q('force', 'For apply patches: take ownership of fields other managers own.', { type: 'boolean' }),
  labelSelector: q('labelSelector', 'Restricts the list to objects whose labels match.'),
  fieldSelector: q('fieldSelector', 'Restricts the list to objects whose fields match.'),
  limit: q('limit', 'Maximum number of items to return; use continue for the rest.', { type: 'integer' }),
  continue: q('continue', 'Token from a previous page of a paginated list.'),
  resourceVersion: q('resourceVersion', 'Consistency requirement for reads and the start of watches.'),
  resourceVersionMatch: q('resourceVersionMatch', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  watch: q('watch', 'Stream changes instead of returning a list.', { type: 'boolean' }),
  allowWatchBookmarks: q('allowWatchBookmarks', 'Ask for BOOKMARK events in a watch.', { type: 'boolean' }),
  timeoutSeconds: q('timeoutSeconds', 'Ends a list or watch call after this many seconds.', { type: 'integer' }),
  sendInitialEvents: q('sendInitialEvents', 'With watch: send the current objects first, then a bookmark.', { type: 'boolean' }),
  gracePeriodSeconds: q('gracePeriodSeconds', 'Seconds before the object is deleted; 0 deletes at once.', { type: 'integer' }),
  propagationPolicy: q('propagationPolicy', 'Whether and how dependents are deleted: Orphan, Background or Foreground.'),
  pretty: q('pretty', 'Pretty-print the output (accepted and ignored).'),
};
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const ref = (name: string): OpenApiSchema => ({ $ref: `${REF_PREFIX}${name}` });
const json = (schema: OpenApiSchema) => ({ 'application/json': { schema }, 'application/yaml': { schema } });

function operations(t: ResourceType, schemaName: string, listName: string | undefined): Record<string, Record<string, unknown>> {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const base = apiVersionOf(t) === 'v1' && t.group === '' ? '/api/v1' : `/apis/${t.group}/${t.version}`;
  const scope = t.namespaced ? `${base}/namespaces/{namespace}/${t.resource}` : `${base}/${t.resource}`;
  const nsParam = t.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${t.kind}`);
  const op = (action: string, verb: string, extra: Operation, kind = gvk): Operation => ({
    tags: [apiVersionOf(t).replace(/[./]/g, '_')],
    description: `${verb} ${t.kind}`,
    operationId: `${action}${t.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': kind,
    ...extra,
  });
  const okObject = { '200': { description: 'OK', content: json(ref(schemaName)) } };
  const listSchema = listName ? ref(listName) : { type: 'object' as const };
  const writes = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  const listParams = [PARAMS.labelSelector, PARAMS.fieldSelector, PARAMS.limit, PARAMS.continue, PARAMS.resourceVersion, PARAMS.resourceVersionMatch, PARAMS.watch, PARAMS.allowWatchBookmarks, PARAMS.timeoutSeconds, PARAMS.sendInitialEvents];
  const deleteParams = [PARAMS.dryRun, PARAMS.gracePeriodSeconds, PARAMS.propagationPolicy];
  const patchBody = {
    required: true,
    content: Object.fromEntries(
      // kubectl's client-side apply sends a strategic merge patch when the document offers it.
      acceptedPatchMediaTypes(takesStrategicMerge(t)).map((c) => [c, { schema: ref(`${META}Patch`) }]),
    ),
  };
  const create = (what: string, name: string, kind = gvk): Operation => {
    const ok = { description: 'OK', content: json(ref(name)) };
    return op('post', what, { parameters: writes, requestBody: { required: true, content: json(ref(name)) }, responses: { '200': ok, '201': ok, '202': ok } }, kind);
  };
  // A kind that is never stored is only created.
  if (t.ephemeral) return { [scope]: { parameters: [...nsParam, PARAMS.pretty], post: create('create a', schemaName) } };
  const paths: Record<string, Record<string, unknown>> = {
    [scope]: {
      parameters: [...nsParam, PARAMS.pretty],
      get: op('list', 'list or watch objects of kind', { parameters: listParams, responses: { '200': { description: 'OK', content: json(listSchema) } } }),
      post: op('post', 'create a', { parameters: writes, requestBody: { required: true, content: json(ref(schemaName)) }, responses: { ...okObject, '201': okObject['200'], '202': okObject['200'] } }),
      delete: op('deletecollection', 'delete collection of', { parameters: [...deleteParams, ...listParams], responses: { '200': { description: 'OK', content: json(ref(`${META}Status`)) } } }),
    },
    [`${scope}/{name}`]: {
      parameters: [nameParam, ...nsParam, PARAMS.pretty],
      get: op('get', 'read the specified', { responses: okObject }),
      put: op('put', 'replace the specified', { parameters: writes, requestBody: { required: true, content: json(ref(schemaName)) }, responses: { ...okObject, '201': okObject['200'] } }),
      patch: op('patch', 'partially update the specified', { parameters: [...writes, PARAMS.force], requestBody: patchBody, responses: { ...okObject, '201': okObject['200'] } }),
      delete: op('delete', 'delete a', { parameters: deleteParams, requestBody: { content: json(ref(`${META}DeleteOptions`)) }, responses: { '200': { description: 'OK', content: json(ref(`${META}Status`)) }, '202': { description: 'Accepted', content: json(ref(`${META}Status`)) } } }),
    },
  };
  if (t.namespaced) {
    paths[`${base}/${t.resource}`] = {
      parameters: [PARAMS.pretty],
      get: op('list', 'list or watch objects of kind', { parameters: listParams, responses: { '200': { description: 'OK', content: json(listSchema) } } }),
    };
  }
  for (const [sub, action] of Object.entries(t.strategy.actions ?? {})) {
    const kind = { group: action.group, version: action.version, kind: action.kind };
    paths[`${scope}/{name}/${sub}`] = { parameters: [nameParam, ...nsParam, PARAMS.pretty], post: create(`create ${sub} of a`, actionSchemaName(action), kind) };
  }
  for (const sub of subresourcesOf(t).filter((s) => !t.strategy.actions?.[s])) {
    paths[`${scope}/{name}/${sub}`] = {
      parameters: [nameParam, ...nsParam, PARAMS.pretty],
      get: op('get', `read ${sub} of the specified`, { responses: okObject }),
      put: op('put', `replace ${sub} of the specified`, { parameters: writes, requestBody: { required: true, content: json(ref(schemaName)) }, responses: okObject }),
      patch: op('patch', `partially update ${sub} of the specified`, { parameters: [...writes, PARAMS.force], requestBody: patchBody, responses: okObject }),
    };
  }
  return paths;
}

/** Schemas reachable from `roots`, so each document carries exactly what it refers to. */
function reachable(roots: string[], components: OpenApiComponents): Record<string, OpenApiSchema> {
  const out: Record<string, OpenApiSchema> = {};
  const visit = (name: string): void => {
    if (out[name] || !components[name]) return;
    const schema = components[name] as OpenApiSchema;
    out[name] = schema;
    walk(schema);
  };
  const walk = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(walk);
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) visit(v.slice(REF_PREFIX.length));
      else walk(v);
    }
  };
  roots.forEach(visit);
  return out;
}

const actionSchemaName = (a: SubresourceAction): string => a.schema?.name ?? `${a.group || 'core'}.${a.version}.${a.kind}`;

/** A stand-in schema for a kind that has none, so explain and apply still find its GVK. */
function opaqueSchema(t: { group: string; version: string; kind: string }): OpenApiSchema {
  return {
    type: 'object',
    description: `${t.kind} (${apiVersionOf(t)}).`,
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }],
  };
}

function buildDocs(set: ApiSet): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const gv of set.groupVersions()) {
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, OpenApiSchema> = {};
    for (const t of set.typesOf(gv)) {
      const components = t.schema?.components ?? {};
      const schemaName = t.schema?.name ?? `${t.group || 'core'}.${t.version}.${t.kind}`;
      const listName = t.schema && components[`${t.schema.name}List`] ? `${t.schema.name}List` : undefined;
      if (t.schema) {
        Object.assign(schemas, reachable([schemaName, ...(listName ? [listName] : []), `${META}Status`, `${META}DeleteOptions`, `${META}Patch`], components));
      } else {
        schemas[schemaName] = opaqueSchema(t);
      }
      for (const action of Object.values(t.strategy.actions ?? {})) {
        if (action.schema) Object.assign(schemas, reachable([action.schema.name], action.schema.components));
        else schemas[actionSchemaName(action)] = opaqueSchema(action);
      }
      Object.assign(paths, operations(t, schemaName, listName));
    }
    schemas[`${META}Patch`] ??= { type: 'object', description: 'A patch body; its format follows the request Content-Type.' };
    const body = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}` },
      paths,
      components: { schemas },
    };
    const etag = createHash('sha512').update(JSON.stringify(body)).digest('hex').slice(0, 64).toUpperCase();
    docs.set(gv, { body, etag });
  }
  return docs;
}

const cache = new DerivedCache(buildDocs, undefined, 'openapi_v3');

const docPath = (gv: string): string => (gv === 'v1' ? 'api/v1' : `apis/${gv}`);

/** The `/openapi/v3` index for one workspace URL prefix. */
export function openApiIndex(set: ApiSet, prefix: string): object {
  const docs = cache.get(set);
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, doc] of docs) paths[docPath(gv)] = { serverRelativeURL: `${prefix}/openapi/v3/${docPath(gv)}?hash=${doc.etag}` };
  return { paths };
}

/** Every group-version's document, keyed `v1` or `<group>/<version>` (OpenAPI v2 merges them). */
export function openApiDocuments(set: ApiSet): ReadonlyMap<string, Doc> {
  return cache.get(set);
}

/** The document for `api/v1` or `apis/<group>/<version>`. */
export function openApiDocument(set: ApiSet, path: string): Doc | undefined {
  const gv = path === 'api/v1' ? 'v1' : path.startsWith('apis/') ? path.slice(5) : undefined;
  return gv === undefined ? undefined : cache.get(set).get(gv);
}
