/**
 * The verbs on a resource: REST shapes (query parameters, bodies, List and Status envelopes,
 * status codes) mapped onto registry calls. No resource semantics live here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../meta/index.js';
import {
  ApiError,
  apiVersionOf,
  errors,
  hasSubresource,
  patchTypeOf,
  readBody,
  sharedObject,
  acceptedPatchMediaTypes,
  unsupportedPatchMediaType,
  takesStrategicMerge,
  type DeleteOptions,
  type FieldValidation,
  type ListQuery,
  type PropagationPolicy,
  type Registry,
  type RequestContext,
  type ResourceType,
} from '../registry/index.js';
import { bodyFormat, MAX_BODY_BYTES, parseJson, parseYaml } from './body.js';
import { decodeKubeProtobuf, decodeKubeProtobufBody } from './protobuf/index.js';
import type { RequestInfo } from './request-info.js';
import { listBody } from './list-body.js';
import { sendChunks, sendObject, setWarnings } from './respond.js';
import { parseIncludeObject, toTable } from './table.js';
import { streamWatch } from './watch-stream.js';

export interface ResourceRequest {
  registry: Registry;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  ctx: RequestContext;
  t: ResourceType;
  info: Extract<RequestInfo, { kind: 'resource' }>;
  tableVersion: 'v1' | 'v1beta1' | undefined;
  /** Aborted when the server shuts down (ends watch streams). */
  shutdown?: AbortSignal;
}

export async function handleResource(r: ResourceRequest): Promise<void> {
  const { info, t } = r;
  if (t.namespaced && info.namespace === undefined && (info.name !== undefined || info.verb === 'create')) throw pathNotFound();
  if (!t.namespaced && info.namespace !== undefined) throw pathNotFound();
  if (info.subresource !== undefined) {
    if (!hasSubresource(t, info.subresource)) throw pathNotFound();
    const allowed = t.strategy.actions?.[info.subresource] ? ['create'] : ['get', 'update', 'patch'];
    if (!allowed.includes(info.verb)) {
      throw new ApiError('MethodNotAllowed', `${info.verb} is not supported on ${t.resource}/${info.subresource}`);
    }
  }
  switch (info.verb) {
    case 'get':
      return get(r);
    case 'list':
      return list(r);
    case 'watch':
      return watch(r);
    case 'create':
      return create(r);
    case 'update':
      return update(r);
    case 'patch':
      return patch(r);
    case 'delete':
      return remove(r);
    case 'deletecollection':
      return deleteCollection(r);
  }
}

const pathNotFound = (): ApiError => new ApiError('NotFound', 'the server could not find the requested resource', {});

function reply(r: ResourceRequest, code: number, body: unknown): void {
  setWarnings(r.res, r.ctx.warnings);
  sendObject(r.req, r.res, code, body);
}

function replyObject(r: ResourceRequest, code: number, object: KubeObject): void {
  if (r.tableVersion) {
    reply(r, code, toTable(r.t, [object], { version: r.tableVersion, include: parseIncludeObject(r.url.searchParams.get('includeObject')), resourceVersion: object.metadata.resourceVersion ?? '' }));
  } else {
    reply(r, code, object);
  }
}

// ---- query parameters ------------------------------------------------------------------------

function param(r: ResourceRequest, name: string): string | undefined {
  const v = r.url.searchParams.get(name);
  return v === null ? undefined : v;
}

function boolParam(r: ResourceRequest, name: string): boolean | undefined {
  const v = param(r, name);
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw errors.badRequest(`${name}: Invalid value: "${v}": must be true or false`);
}

function intParam(r: ResourceRequest, name: string): number | undefined {
  const v = param(r, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

function dryRun(r: ResourceRequest): boolean {
  const values = r.url.searchParams.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function fieldValidation(r: ResourceRequest): FieldValidation | undefined {
  const v = param(r, 'fieldValidation');
  if (v === undefined || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

function fieldManager(r: ResourceRequest): string | undefined {
  const v = param(r, 'fieldManager');
  if (v === undefined) return undefined;
  if (v.length > 128 || /[^\x20-\x7e]/.test(v)) {
    throw errors.badRequest('fieldManager: Invalid value: must be at most 128 printable characters');
  }
  return v;
}

function listQuery(r: ResourceRequest): ListQuery {
  const q: ListQuery = {};
  if (r.info.namespace !== undefined) q.namespace = r.info.namespace;
  const label = param(r, 'labelSelector');
  if (label) q.labelSelector = label;
  const field = param(r, 'fieldSelector');
  if (field) q.fieldSelector = field;
  const limit = intParam(r, 'limit');
  if (limit !== undefined) q.limit = limit;
  const cont = param(r, 'continue');
  if (cont) q.continue = cont;
  const rv = param(r, 'resourceVersion');
  if (rv !== undefined) q.resourceVersion = rv;
  const match = param(r, 'resourceVersionMatch');
  if (match) q.resourceVersionMatch = match;
  return q;
}

async function decodeBody(r: ResourceRequest): Promise<unknown> {
  const format = bodyFormat(r.req.headers['content-type']);
  const body = await readBody(r.req, r.res, MAX_BODY_BYTES);
  if (format === 'yaml') return parseYaml(body);
  if (format === 'protobuf') return decodeKubeProtobuf(body);
  return parseJson(body);
}

// ---- verbs -----------------------------------------------------------------------------------

async function get(r: ResourceRequest): Promise<void> {
  const sub = r.info.subresource;
  if (sub !== undefined && r.t.strategy.views?.[sub]) {
    reply(r, 200, await r.registry.getView(r.ctx, r.t, r.info.namespace, r.info.name as string, sub));
    return;
  }
  replyObject(r, 200, await r.registry.get(r.ctx, r.t, r.info.namespace, r.info.name as string));
}

/** Replies with a write's result, as the subresource's kind when it is served as one (a Scale). */
function replyWritten(r: ResourceRequest, code: number, object: KubeObject): void {
  const view = r.info.subresource !== undefined ? r.t.strategy.views?.[r.info.subresource] : undefined;
  if (view) reply(r, code, view.read(object));
  else replyObject(r, code, object);
}

async function list(r: ResourceRequest): Promise<void> {
  const query = listQuery(r);
  // Without a Table the objects go out as stored: no parse, no re-serialization (issue 19).
  const json = r.tableVersion ? undefined : await r.registry.listJson(r.ctx, r.t, query);
  if (json) {
    setWarnings(r.res, r.ctx.warnings);
    sendChunks(r.req, r.res, 200, listBody(r.t, json), 'application/json');
    return;
  }
  const result = await r.registry.list(r.ctx, r.t, query);
  if (r.tableVersion) {
    const opts = { version: r.tableVersion, include: parseIncludeObject(param(r, 'includeObject') ?? null), resourceVersion: result.resourceVersion };
    reply(r, 200, toTable(r.t, result.items, { ...opts, ...(result.continue ? { continue: result.continue } : {}), ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}) }));
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) metadata.continue = result.continue;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  reply(r, 200, { kind: r.t.listKind, apiVersion: apiVersionOf(r.t), metadata, items: result.items });
}

async function watch(r: ResourceRequest): Promise<void> {
  const q = listQuery(r);
  if (r.info.name !== undefined) {
    // A watch on one object is a watch on the collection narrowed to its name.
    q.fieldSelector = q.fieldSelector ? `${q.fieldSelector},metadata.name=${r.info.name}` : `metadata.name=${r.info.name}`;
  }
  const sendInitialEvents = boolParam(r, 'sendInitialEvents');
  const bookmarks = boolParam(r, 'allowWatchBookmarks');
  const w = await r.registry.watch(r.ctx, r.t, {
    ...(q.namespace !== undefined ? { namespace: q.namespace } : {}),
    ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
    ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}),
    ...(q.resourceVersion !== undefined ? { resourceVersion: q.resourceVersion } : {}),
    ...(bookmarks ? { allowWatchBookmarks: true } : {}),
    ...(sendInitialEvents ? { sendInitialEvents: true } : {}),
  });
  const timeoutSeconds = intParam(r, 'timeoutSeconds');
  setWarnings(r.res, r.ctx.warnings);
  await streamWatch(r.req, r.res, r.t, w, {
    ...(r.tableVersion ? { table: { version: r.tableVersion, include: parseIncludeObject(param(r, 'includeObject') ?? null) } } : {}),
    ...(timeoutSeconds && timeoutSeconds > 0 ? { timeoutSeconds } : {}),
    ...(r.shutdown ? { shutdown: r.shutdown } : {}),
  });
}

async function create(r: ResourceRequest): Promise<void> {
  const body = await decodeBody(r);
  if (r.info.subresource !== undefined) {
    const answer = await r.registry.createSubresource(r.ctx, r.t, r.info.namespace, r.info.name as string, r.info.subresource, body, writeOptions(r));
    reply(r, 201, answer);
    return;
  }
  const created = await r.registry.create(r.ctx, r.t, r.info.namespace, body, writeOptions(r));
  replyObject(r, 201, created);
}

function writeOptions(r: ResourceRequest) {
  const opts: { dryRun: boolean; fieldValidation?: FieldValidation; fieldManager?: string; userAgent?: string } = { dryRun: dryRun(r) };
  const fv = fieldValidation(r);
  if (fv) opts.fieldValidation = fv;
  const fm = fieldManager(r);
  if (fm !== undefined) opts.fieldManager = fm;
  const ua = r.req.headers['user-agent'];
  if (ua) opts.userAgent = ua;
  return opts;
}

async function update(r: ResourceRequest): Promise<void> {
  const body = await decodeBody(r);
  const updated = await r.registry.update(r.ctx, r.t, r.info.namespace, r.info.name as string, body, {
    ...writeOptions(r),
    ...(r.info.subresource ? { subresource: r.info.subresource } : {}),
  });
  replyWritten(r, 200, updated);
}

async function patch(r: ResourceRequest): Promise<void> {
  const type = patchTypeOf(r.req.headers['content-type'] ?? '');
  const strategic = takesStrategicMerge(r.t);
  if (!type || (type === 'strategic' && !strategic)) throw unsupportedPatchMediaType(acceptedPatchMediaTypes(strategic));
  const raw = await readBody(r.req, r.res, MAX_BODY_BYTES);
  const body = type === 'apply' ? parseYaml(raw) : parseJson(raw);
  const force = boolParam(r, 'force');
  if (force !== undefined && type !== 'apply') throw errors.badRequest('force: Forbidden: may not be specified for non-apply patch');
  const opts = writeOptions(r);
  if (type === 'apply' && opts.fieldManager === undefined) {
    throw new ApiError('Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  }
  const { object, created } = await r.registry.patch(r.ctx, r.t, r.info.namespace, r.info.name as string, type, body, {
    ...opts,
    ...(force ? { force } : {}),
    ...(r.info.subresource ? { subresource: r.info.subresource } : {}),
  });
  replyWritten(r, created ? 201 : 200, object);
}

/** DeleteOptions from the body (kubectl sends one) and the query (curl users do). */
async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions & { orphanDependents?: boolean }> {
  const raw = await readBody(r.req, r.res, MAX_BODY_BYTES);
  const format = raw.length > 0 ? bodyFormat(r.req.headers['content-type']) : undefined;
  const body = format === 'yaml' ? parseYaml(raw) : format === 'protobuf' ? decodeKubeProtobufBody(raw) : format === 'json' ? parseJson(raw) : {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest('the request body must be a DeleteOptions object');
  const b = body as { propagationPolicy?: unknown; orphanDependents?: unknown; preconditions?: { uid?: unknown; resourceVersion?: unknown }; dryRun?: unknown; gracePeriodSeconds?: unknown };
  const opts: DeleteOptions & { orphanDependents?: boolean } = {};
  const policy = param(r, 'propagationPolicy') ?? (typeof b.propagationPolicy === 'string' ? b.propagationPolicy : undefined);
  const orphan = boolParam(r, 'orphanDependents') ?? (typeof b.orphanDependents === 'boolean' ? b.orphanDependents : undefined);
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    if (orphan !== undefined) throw errors.badRequest('orphanDependents and propagationPolicy may not both be set');
    opts.propagationPolicy = policy as PropagationPolicy;
  } else if (orphan !== undefined) {
    opts.propagationPolicy = orphan ? 'Orphan' : 'Background';
    opts.orphanDependents = orphan;
  }
  const grace = intParam(r, 'gracePeriodSeconds') ?? (typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : undefined);
  if (grace !== undefined && grace < 0) throw errors.badRequest('gracePeriodSeconds: Invalid value: must be >= 0');
  const pre = b.preconditions;
  if (pre && typeof pre === 'object') {
    opts.preconditions = {};
    if (typeof pre.uid === 'string') opts.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') opts.preconditions.resourceVersion = pre.resourceVersion;
  }
  const bodyDryRun = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  if (dryRun(r) || bodyDryRun) opts.dryRun = true;
  return opts;
}

function deletedStatus(t: ResourceType, o: KubeObject): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: o.metadata.name, group: t.group, kind: t.resource, uid: o.metadata.uid },
  };
}

async function remove(r: ResourceRequest): Promise<void> {
  const opts = await deleteOptions(r);
  const result = await r.registry.delete(r.ctx, r.t, r.info.namespace, r.info.name as string, opts);
  if (result.deleted) reply(r, 200, deletedStatus(r.t, result.object));
  // An object that waits for finalizers is answered 200 with it, as the apiserver does (and kcp
  // for a Workspace); 202 only for `orphanDependents: false`, the one case the apiserver keeps.
  else replyObject(r, opts.orphanDependents === false ? 202 : 200, result.object);
}

async function deleteCollection(r: ResourceRequest): Promise<void> {
  const opts = await deleteOptions(r);
  const q = listQuery(r);
  const deleted: KubeObject[] = [];
  // Page through the collection at one revision; objects created meanwhile are not touched.
  let cont: string | undefined;
  do {
    const page = await r.registry.list(r.ctx, r.t, { ...q, limit: 500, ...(cont ? { continue: cont } : {}) });
    for (const o of page.items) {
      // Shared objects (the bootstrap ClusterRoles) cannot be deleted; "all" means all the workspace's own.
      if (sharedObject(r.t, o.metadata.name ?? '')) continue;
      try {
        const d = await r.registry.delete(r.ctx, r.t, o.metadata.namespace, o.metadata.name as string, opts);
        deleted.push(d.object);
      } catch (e) {
        // Gone already (deleted concurrently): that is what was asked for.
        if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
      }
    }
    cont = page.continue;
  } while (cont);
  reply(r, 200, { kind: r.t.listKind, apiVersion: apiVersionOf(r.t), metadata: {}, items: deleted });
}
