/**
 * The registry: one implementation of resource semantics that both surfaces (REST, GraphQL)
 * call, so validation, defaulting, admission, resourceVersion and watch behaviour are identical
 * whichever way a request arrives. It is the generic store of apiserver's registry/generic, with
 * kind-specific rules in each ResourceType's strategy.
 */
import { randomUUID } from 'node:crypto';
import { cloneObject, deepEqual, isPlainObject, rfc3339, traceMethods, type KubeObject } from '../meta/index.js';
import { ALL_CLUSTERS, isConflict, isAlreadyExists, type ObjectKey, type Store } from '../storage/index.js';
import { applyConfiguration, defaultFieldManager, trackUpdate } from './apply/index.js';
import { ApiError, errors, fromStorage, isApiError, type ErrorTarget, type FieldError } from './errors.js';
import { applyPatch, type PatchType } from './patch/index.js';
import { show } from './patch/json.js';
import { objectMetaTypeErrors, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { parseListQuery, parseWatchStart, type ListQuery, type WatchQuery } from './query.js';
import { apiVersionOf, groupResource, hasSubresource, sharedObject, takesStrategicMerge, type Ephemeral, type ResourceType, type SubresourceAction, type SubresourceView } from './resource-type.js';
import { dropFields } from './schema-check.js';
import { listWithShared, withoutNamesakes } from './shared-objects.js';
import { servedList } from './stored-json.js';
import { mergedList, mergedWatch, ownVersion, type EventStream, type LocalReads, type ShardReads } from './shard-reads.js';
import { annotated, CLUSTER_ANNOTATION, RegistryWatch, withCluster } from './watch.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Who a request comes from (the authentication issue fills it for clients). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: readonly string[];
}

/** The group whose members the system trusts with everything, as in Kubernetes. */
export const SYSTEM_MASTERS = 'system:masters';

/** The identity Atoll's own controllers and bootstrap act as. */
export const SYSTEM_USER: UserInfo = { name: 'system:atoll:controllers', groups: [SYSTEM_MASTERS] };

/** True for requests from the system itself: some objects (e.g. LogicalClusters) only it may change. */
/** What a place narrows or widens a request to (a provider's view): which objects, which admission, which other shards. */
export type RequestScope = Pick<RequestContext, 'visible' | 'mutate' | 'otherShards'>;

export const isSystem = (ctx: RequestContext): boolean => ctx.user?.groups.includes(SYSTEM_MASTERS) ?? false;

/** Who and where a request is: the logical cluster, the user, and a sink for client-facing warnings. */
export interface RequestContext {
  /** A logical cluster, or ALL_CLUSTERS for a list or watch across every one (a provider's view). */
  cluster: string;
  /**
   * Which stored objects the caller may see (a provider sees only the consumers that bound its
   * export, and of claimed resources only what they accepted): lists and watches skip the others,
   * a get (and the writes that read first) answers NotFound for them.
   */
  visible?: (cluster: string, object: KubeObject) => boolean;
  /**
   * A mutating admission step of this request alone, after the registry's own (a write through a
   * provider's view gets the labels its permission claim's selector requires).
   */
  mutate?: AdmissionHook;
  /** Absent for unauthenticated requests. */
  user?: UserInfo;
  /** Warnings to return to the client (REST `Warning` headers, GraphQL `extensions.warnings`). */
  warnings?: string[];
  /** Annotations for the request's audit event (admission policies' auditAnnotations and Audit actions). */
  auditAnnotations?: Record<string, string>;
  /**
   * The same read on the installation's other shards: a list or watch across every cluster (a
   * provider's view) merges theirs with this shard's (shard-reads.ts).
   */
  otherShards?: ShardReads;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Unknown fields: Strict rejects, Warn (default) drops them with a warning, Ignore drops them. */
  fieldValidation?: FieldValidation;
  /** Who makes the change, recorded in managedFields; defaults from the user agent. */
  fieldManager?: string;
  userAgent?: string;
}

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Apply patches only: take over fields other managers own. */
  force?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** `status`, or a kind-specific subresource such as a Namespace's `finalize`. */
  subresource?: string;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** Finalizers the garbage collector acts on (apimachinery's metav1.FinalizerOrphanDependents & co.). */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  /**
   * What happens to dependents (objects whose ownerReferences name this one): Background (the
   * default) deletes the object now and the garbage collector deletes dependents afterwards;
   * Foreground keeps the object (finalizer `foregroundDeletion`) until dependents are gone;
   * Orphan keeps it (finalizer `orphan`) until the collector has removed their owner references.
   */
  propagationPolicy?: PropagationPolicy;
}

export interface DeleteResult {
  object: KubeObject;
  /** False while finalizers (or the kind itself) keep the object around with a deletionTimestamp. */
  deleted: boolean;
}

export interface ListResponse {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A list as each object's JSON (`Registry.listJson`): what `list` answers, not parsed. */
export interface JsonListResponse extends Omit<ListResponse, 'items'> {
  /** Shared between readers of the same unchanged list: never change it. */
  items: readonly string[];
  /** Set for a whole current list: `listVersion` answers the same while the list is unchanged. */
  version?: string;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Validating admission: runs after the registry's own validation, before anything is written. */
export interface AdmissionRequest {
  operation: Operation;
  type: ResourceType;
  context: RequestContext;
  subresource?: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /**
   * The options the operation was asked with (create/update/patch: field manager, field
   * validation; delete: propagation policy, preconditions), for AdmissionReview's `options`.
   */
  options?: WriteOptions | DeleteOptions;
}
export type AdmissionHook = (request: AdmissionRequest) => void | Promise<void>;

export interface RegistryOptions {
  admission?: AdmissionHook[];
  now?: () => Date;
  /**
   * The key that must still exist when a create commits (the tenancy layer answers with the
   * logical cluster's LogicalCluster, so nothing is created in a purged workspace).
   */
  createRequires?: (key: ObjectKey) => ObjectKey | undefined;
  /** This shard's name: a write naming a composite resourceVersion (shard-reads.ts) compares its revision for it. Default root. */
  shard?: string;
}

/** Attempts for generateName collisions and for unconditional updates racing other writers. */
const MAX_ATTEMPTS = 8;
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class Registry {
  private readonly admission: AdmissionHook[];
  private readonly mutating: AdmissionHook[] = [];
  private readonly now: () => Date;
  private readonly createRequires: RegistryOptions['createRequires'];
  private readonly shard: string;

  constructor(
    readonly store: Store,
    options: RegistryOptions = {},
  ) {
    this.admission = options.admission ?? [];
    this.now = options.now ?? (() => new Date());
    this.createRequires = options.createRequires;
    this.shard = options.shard ?? 'root';
  }

  /** Adds an admission hook (later layers plug in: namespace lifecycle, workspaces, RBAC). */
  use(hook: AdmissionHook): void {
    this.admission.push(hook);
  }

  /**
   * Adds a mutating admission hook: it runs before validation and may change `object` (defaulting
   * that needs to read other objects, like a Workspace's type from its parent's).
   */
  useMutating(hook: AdmissionHook): void {
    this.mutating.push(hook);
  }

  private key(ctx: RequestContext, t: ResourceType, namespace: string | undefined, name: string): ObjectKey {
    return { cluster: ctx.cluster, resource: storageResource(t), namespace: t.namespaced ? (namespace ?? '') : '', name };
  }

  private timestamp(): string {
    return rfc3339(this.now());
  }

  async get(ctx: RequestContext, t: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    createOnly(t);
    const shared = sharedObject(t, name);
    if (shared) return withCluster(cloneObject(shared), ctx.cluster);
    const found = await this.store.get(this.key(ctx, t, namespace, name)).catch((e: unknown) => {
      throw fromStorage(e, t, name);
    });
    if (!found || (ctx.visible && !ctx.visible(ctx.cluster, found))) throw errors.notFound(t, name);
    return served(t, annotated(found, ctx.cluster));
  }

  async list(ctx: RequestContext, t: ResourceType, query: ListQuery = {}): Promise<ListResponse> {
    createOnly(t);
    const merged = acrossShards(ctx);
    if (merged) return mergedList(merged.reads, this.localReads(merged.ctx, t), t, query);
    const opts = parseListQuery(t, query);
    if (t.shared && !t.namespaced && ctx.cluster !== ALL_CLUSTERS) {
      const { shared, ...storedOnly } = t;
      const r = await listWithShared(shared, opts, query, (q) => this.list(ctx, storedOnly, q));
      return { ...r, items: r.items.map((o) => annotated(o, ctx.cluster)) };
    }
    try {
      const r = await this.store.list({ cluster: ctx.cluster, resource: storageResource(t), ...opts, ...(ctx.visible ? { visible: ctx.visible } : {}) });
      const clusters = r.clusters;
      const items = r.items.map((o, i) => annotated(o, clusters ? (clusters[i] as string) : ctx.cluster));
      const out: ListResponse = { items: t.storedAs ? items.map((o) => served(t, o)) : items, resourceVersion: String(r.revision) };
      if (r.continue) out.continue = r.continue;
      if (r.remainingItemCount !== undefined) out.remainingItemCount = r.remainingItemCount;
      return out;
    } catch (e) {
      throw fromStorage(e, t, '');
    }
  }

  /**
   * `list` as the objects' JSON, for a reader that only passes it on: each object's stored text,
   * with no parse and no re-serialization. Undefined when the objects must be read as objects —
   * selectors, a reader who sees only some objects, shared objects, kinds stored in another shape,
   * or a store that cannot hand out bytes —, for `list` to answer.
   */
  async listJson(ctx: RequestContext, t: ResourceType, query: ListQuery = {}): Promise<JsonListResponse | undefined> {
    createOnly(t);
    // Across shards the list is merged from objects (and its resourceVersion is composite).
    if (acrossShards(ctx)) return undefined;
    // A bad query is refused here as `list` would refuse it, not after the reader turns to `list`.
    const opts = parseListQuery(t, query);
    const listJson = this.store.listJson?.bind(this.store);
    if (!listJson || !this.servesStoredJson(ctx, t, query)) return undefined;
    try {
      const r = await listJson({ cluster: ctx.cluster, resource: storageResource(t), ...opts });
      const out: JsonListResponse = { items: servedList(r.items, r.clusters), resourceVersion: String(r.revision) };
      if (r.version !== undefined) out.version = r.version;
      if (r.continue) out.continue = r.continue;
      if (r.remainingItemCount !== undefined) out.remainingItemCount = r.remainingItemCount;
      return out;
    } catch (e) {
      throw fromStorage(e, t, '');
    }
  }

  /**
   * What `listJson` of the same list would carry as its `version` now (without reading the list),
   * or undefined when it would carry none: a result made from the list is still current while
   * this answers the version it was made from.
   */
  listVersion(ctx: RequestContext, t: ResourceType, query: ListQuery = {}): string | undefined {
    createOnly(t);
    if (!this.store.listVersion || !this.servesStoredJson(ctx, t, query)) return undefined;
    try {
      return this.store.listVersion({ cluster: ctx.cluster, resource: storageResource(t), ...parseListQuery(t, query) });
    } catch (e) {
      throw fromStorage(e, t, '');
    }
  }

  /** Whether a list is the objects as stored: no selectors, no partial view, no shared objects, no other stored shape. */
  private servesStoredJson(ctx: RequestContext, t: ResourceType, query: ListQuery): boolean {
    return !(query.labelSelector || query.fieldSelector || ctx.visible || acrossShards(ctx) || t.storedAs || (t.shared && !t.namespaced && ctx.cluster !== ALL_CLUSTERS));
  }

  /**
   * Watches with Kubernetes resourceVersion semantics: unset or "0" first sends the current
   * objects as ADDED, then changes; a revision resumes right after it (410 Expired if too old).
   */
  async watch(ctx: RequestContext, t: ResourceType, query: WatchQuery = {}): Promise<EventStream> {
    createOnly(t);
    const merged = acrossShards(ctx);
    if (merged) return mergedWatch(merged.reads, this.localReads(merged.ctx, t), t, query);
    const opts = parseListQuery(t, { ...query, limit: undefined, continue: undefined, resourceVersion: undefined });
    const from = query.sendInitialEvents ? undefined : parseWatchStart(query.resourceVersion);
    let initial: KubeObject[] = [];
    let fromRevision = from;
    if (from === undefined) {
      const listed = await this.list(ctx, t, { ...query, resourceVersion: undefined, limit: undefined, continue: undefined });
      initial = listed.items;
      fromRevision = Number(listed.resourceVersion);
    }
    const watched = this.store.watch({
      cluster: ctx.cluster,
      resource: storageResource(t),
      ...opts,
      ...(ctx.visible ? { visible: ctx.visible } : {}),
      fromRevision,
      bookmarks: query.allowWatchBookmarks ?? false,
    });
    // Stored namesakes of shared objects are never listed, so no event may speak of them either.
    const w = t.shared && !t.namespaced && ctx.cluster !== ALL_CLUSTERS ? withoutNamesakes(watched, t.shared) : watched;
    return new RegistryWatch(t, initial, w, query.sendInitialEvents ? String(fromRevision) : undefined, t.storedAs?.fromStored);
  }

  /** This shard's part of a read across shards. */
  private localReads(ctx: RequestContext, t: ResourceType): LocalReads {
    return { list: (q) => this.list(ctx, t, q), watch: (q) => this.watch(ctx, t, q) };
  }

  async create(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    if (t.ephemeral) return this.createEphemeral(ctx, t, t.ephemeral, namespace, body, options);
    return this.createObject(ctx, t, namespace, this.decode(t, body, namespace), options, false);
  }

  /**
   * A create of a kind that is never stored: decoded, validated (its schema; metadata rules are
   * for stored, named objects) and admitted like any create, then answered by the kind itself.
   */
  private async createEphemeral(
    ctx: RequestContext,
    t: ResourceType,
    ephemeral: Ephemeral,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions,
  ): Promise<KubeObject> {
    const object = this.decode(t, body, namespace);
    const dryRun = !!options.dryRun;
    t.strategy.prepareForCreate?.(object);
    for (const hook of this.mutating) await hook({ operation: 'CREATE', type: t, context: ctx, object, dryRun, options });
    const check = t.strategy.validate(object);
    this.settle(ctx, t, object, check.errors, check.unknownFields, options);
    await this.admit({ operation: 'CREATE', type: t, context: ctx, object, dryRun, options });
    return ephemeral.create(ctx, object, { dryRun });
  }

  /**
   * POST to an action subresource (`serviceaccounts/<name>/token`): the body is the action's kind,
   * the object the URL names must exist, and the action's answer is returned; nothing is written.
   */
  async createSubresource(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    sub: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    this.checkSubresource(t, name, sub, true);
    const action = t.strategy.actions?.[sub] as SubresourceAction;
    const input = this.decodeView(action, body, undefined);
    if (t.namespaced) agreeNamespace(input, namespace);
    const check = action.validate(input);
    this.settle(ctx, { group: action.group, resource: `${t.resource}/${sub}`, kind: action.kind }, input, check.errors, check.unknownFields, options);
    const parent = await this.get(ctx, t, namespace, name);
    const dryRun = !!options.dryRun;
    await this.admit({ operation: 'CREATE', type: t, context: ctx, subresource: sub, object: input, dryRun, options });
    return action.create(ctx, parent, input, { dryRun });
  }

  /** Creates a decoded object; `appliedFields` keeps managedFields computed by server-side apply. */
  private async createObject(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    object: KubeObject,
    options: WriteOptions,
    appliedFields: boolean,
  ): Promise<KubeObject> {
    const meta = object.metadata;
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    delete meta.uid;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    meta.creationTimestamp = this.timestamp();
    if (t.generation === false) delete meta.generation;
    else meta.generation = 1;
    if (t.hasStatus) delete object.status;
    // Strategies and mutating admission add to metadata's lists and maps (finalizers, annotations)
    // before validation: a wrong type there would crash them or be silently replaced.
    this.settle(ctx, t, object, objectMetaTypeErrors(meta), [], options);
    t.strategy.prepareForCreate?.(object);
    // Only a string prefix generates a name; validation (after admission's defaults) refuses any other.
    const generated = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
    if (generated) meta.name = this.generateName(t, meta.generateName as string);
    else if (sharedObject(t, meta.name ?? '')) throw errors.alreadyExists(t, meta.name as string);
    if (!appliedFields) {
      delete meta.managedFields;
      const entries = trackUpdate({ old: undefined, updated: object, manager: this.manager(options), apiVersion: apiVersionOf(t), now: meta.creationTimestamp, ...(t.schema ? { schema: t.schema } : {}) });
      if (entries.length > 0) meta.managedFields = entries;
    }
    // After field tracking: the server sets it, no manager owns it.
    setCluster(object, ctx);
    await this.admitCreate(ctx, t, object, options);

    for (let attempt = 1; ; attempt++) {
      meta.uid = randomUUID();
      if (options.dryRun) return object;
      try {
        const key = this.key(ctx, t, namespace, meta.name as string);
        const requires = this.createRequires?.(key);
        return served(t, await this.store.create(key, stored(t, object), requires ? { requires } : {}));
      } catch (e) {
        if (generated && isAlreadyExists(e) && attempt < MAX_ATTEMPTS) {
          meta.name = this.generateName(t, meta.generateName as string);
          // Admission sees the name it admits (a Workspace's URL is made from it).
          await this.admitCreate(ctx, t, object, options);
          continue;
        }
        throw fromStorage(e, t, meta.name as string);
      }
    }
  }

  /** A generated name, never one of the type's shared objects. */
  private generateName(t: ResourceType, prefix: string): string {
    for (;;) {
      const name = generateName(prefix);
      if (!sharedObject(t, name)) return name;
    }
  }

  /** Mutating admission, validation and validating admission of an object about to be created. */
  private async admitCreate(ctx: RequestContext, t: ResourceType, object: KubeObject, options: WriteOptions): Promise<void> {
    for (const hook of this.mutatingFor(ctx)) await hook({ operation: 'CREATE', type: t, context: ctx, object, dryRun: !!options.dryRun, options });
    this.validate(ctx, t, object, undefined, options);
    await this.admit({ operation: 'CREATE', type: t, context: ctx, object, dryRun: !!options.dryRun, options });
  }

  private mutatingFor(ctx: RequestContext): readonly AdmissionHook[] {
    return ctx.mutate ? [...this.mutating, ctx.mutate] : this.mutating;
  }

  private manager(options: WriteOptions): string {
    // An empty fieldManager counts as absent, as in Kubernetes.
    return options.fieldManager || defaultFieldManager(options.userAgent);
  }

  /** Replaces an object (PUT), or only its status with `subresource: 'status'`. */
  async update(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    createOnly(t);
    refuseShared(t, name);
    this.checkSubresource(t, name, options.subresource);
    const view = this.viewOf(t, options.subresource);
    const input = view ? this.decodeView(view, body, name) : this.decode(t, body, namespace);
    if (input.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${shownValue(input.metadata.name ?? '')}) does not match the name on the URL (${name})`);
    }
    const wanted = ownVersion(input.metadata.resourceVersion || undefined, this.shard);
    for (let attempt = 1; ; attempt++) {
      const old = await this.get(ctx, t, namespace, name);
      if (wanted !== undefined && wanted !== old.metadata.resourceVersion) {
        throw errors.conflict(t, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      try {
        return await this.writeUpdate(ctx, t, namespace, old, input, options, false);
      } catch (e) {
        // Someone wrote in between; an update that did not name a resourceVersion is retried.
        if (isApiError(e) && e.reason === 'Conflict' && e.details?.causes === undefined && wanted === undefined && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  /** Action subresources take only a create (`create: true`), the others anything but. */
  private checkSubresource(t: ResourceType, name: string, sub: string | undefined, create = false): void {
    if (sub === undefined) return;
    if (!hasSubresource(t, sub)) throw errors.notFound(t, `${name}/${sub}`);
    if (create !== (t.strategy.actions?.[sub] !== undefined)) throw methodNotAllowed();
  }

  private viewOf(t: ResourceType, sub: string | undefined): SubresourceView | undefined {
    return sub === undefined ? undefined : t.strategy.views?.[sub];
  }

  /** A subresource served as another kind (a Scale): the view of the stored object. */
  async getView(ctx: RequestContext, t: ResourceType, namespace: string | undefined, name: string, sub: string): Promise<KubeObject> {
    this.checkSubresource(t, name, sub);
    const object = await this.get(ctx, t, namespace, name);
    const view = this.viewOf(t, sub);
    return view ? view.read(object) : object;
  }

  /** Checks a view's envelope (apiVersion, kind, metadata) and returns a private copy. */
  private decodeView(view: Pick<SubresourceView, 'group' | 'version' | 'kind'>, body: unknown, name: string | undefined): KubeObject {
    const apiVersion = apiVersionOf(view);
    if (!isPlainObject(body)) throw errors.badRequest(`the request body must be a ${view.kind} object`);
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${shownValue(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (body.kind !== undefined && body.kind !== view.kind) {
      throw errors.badRequest(`the kind in the data (${shownValue(body.kind)}) does not match the expected kind (${view.kind})`);
    }
    if (body.metadata !== undefined && !isPlainObject(body.metadata)) throw errors.badRequest('metadata must be an object');
    const object = cloneObject({ ...body, apiVersion, kind: view.kind, metadata: body.metadata ?? {} }) as KubeObject;
    if (name !== undefined) object.metadata.name ??= name;
    return object;
  }

  /**
   * One attempt at replacing `old` with `input` (already decoded): the subresource's view, system
   * fields, managed fields, validation, admission, then a write conditional on `old`'s revision.
   */
  private async writeUpdate(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    old: KubeObject,
    input: KubeObject,
    options: UpdateOptions,
    appliedFields: boolean,
  ): Promise<KubeObject> {
    const sub = options.subresource;
    const custom = sub !== undefined && sub !== 'status' ? t.strategy.subresources?.[sub] : undefined;
    const view = this.viewOf(t, sub);
    const next = view
      ? view.write(cloneObject(input), cloneObject(old))
      : custom
        ? custom(cloneObject(input), cloneObject(old))
        : sub === 'status'
          ? this.statusUpdate(input, old)
          : this.mainUpdate(t, cloneObject(input), old);
    if (appliedFields && input.metadata.managedFields) next.metadata.managedFields = input.metadata.managedFields;
    else if (!appliedFields) this.trackManagedFields(t, next, old, options);
    setCluster(next, ctx);
    for (const hook of this.mutatingFor(ctx)) {
      await hook({ operation: 'UPDATE', type: t, context: ctx, object: next, oldObject: old, dryRun: !!options.dryRun, options, ...(sub ? { subresource: sub } : {}) });
    }
    this.validate(ctx, t, next, old, options);
    await this.admit({ operation: 'UPDATE', type: t, context: ctx, object: next, oldObject: old, dryRun: !!options.dryRun, options, ...(sub ? { subresource: sub } : {}) });
    if (deepEqual(next, old)) return old;
    if (options.dryRun) return next;
    const key = this.key(ctx, t, namespace, old.metadata.name as string);
    try {
      if (next.metadata.deletionTimestamp && !this.holds(t, next)) {
        // The last finalizer went away: the update completes the deletion.
        return served(t, await this.store.delete(key, { resourceVersion: old.metadata.resourceVersion }));
      }
      return served(t, await this.store.update(key, stored(t, next), { resourceVersion: old.metadata.resourceVersion }));
    } catch (e) {
      throw fromStorage(e, t, old.metadata.name as string);
    }
  }

  /** Update-operation ownership: only when something besides managedFields changed. */
  private trackManagedFields(t: ResourceType, next: KubeObject, old: KubeObject, options: UpdateOptions): void {
    // Clients may replace managedFields wholesale (or clear them with []); absent means keep.
    if (next.metadata.managedFields === undefined && old.metadata.managedFields !== undefined) {
      next.metadata.managedFields = old.metadata.managedFields;
    }
    const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
    if (deepEqual(strip(next), strip(old))) return;
    const entries = trackUpdate({
      old,
      updated: next,
      manager: this.manager(options),
      apiVersion: apiVersionOf(t),
      now: this.timestamp(),
      resetFields: resetFields(t, options.subresource),
      ...(options.subresource ? { subresource: options.subresource } : {}),
      ...(t.schema ? { schema: t.schema } : {}),
    });
    if (entries.length > 0) next.metadata.managedFields = entries;
    else delete next.metadata.managedFields;
  }

  /**
   * PATCH: JSON patch, merge patch, strategic merge patch, or server-side apply (which may create
   * the object). Patches are re-applied to the newest object when another writer got in between.
   */
  async patch(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType | 'apply',
    body: unknown,
    options: PatchOptions = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    createOnly(t);
    refuseShared(t, name);
    this.checkSubresource(t, name, options.subresource);
    const view = this.viewOf(t, options.subresource);
    if (type === 'apply') {
      if (view) throw new ApiError('UnsupportedMediaType', `apply patches are not supported on ${t.resource}/${options.subresource ?? ''}`);
      return this.apply(ctx, t, namespace, name, body, options);
    }
    for (let attempt = 1; ; attempt++) {
      const old = await this.get(ctx, t, namespace, name);
      const input = this.patchedInput(t, view, type, old, body, namespace, name);
      try {
        return { object: await this.writeUpdate(ctx, t, namespace, old, input, options, false), created: false };
      } catch (e) {
        if (isApiError(e) && e.reason === 'Conflict' && e.details?.causes === undefined && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  /** The decoded object a patch makes of `old` (or of its view, for a subresource served as another kind). */
  private patchedInput(
    t: ResourceType,
    view: SubresourceView | undefined,
    type: PatchType,
    old: KubeObject,
    body: unknown,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    if (view) {
      const input = this.decodeView(view, applyPatch(type, view.read(old), body, undefined), name);
      checkPatchedVersion(t, name, input, old, this.shard);
      return input;
    }
    const patched = applyPatch(type, old, body, takesStrategicMerge(t) ? t.schema : undefined);
    if (!isPlainObject(patched.metadata)) throw errors.badRequest('metadata must be an object');
    checkPatchedVersion(t, name, patched, old, this.shard);
    const input = this.decode(t, patched, namespace);
    if (input.metadata.name !== name) throw errors.badRequest(`metadata.name: Invalid value: "${input.metadata.name ?? ''}": field is immutable`);
    return input;
  }

  private async apply(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: PatchOptions,
  ): Promise<{ object: KubeObject; created: boolean }> {
    if (!isPlainObject(body)) throw errors.badRequest('an apply patch must be a YAML or JSON object');
    if (body.apiVersion === undefined || body.kind === undefined) {
      throw errors.badRequest('invalid object type: apiVersion and kind must be set in an apply patch');
    }
    const config = this.decode(t, body, namespace);
    if (config.metadata.name !== undefined && config.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${shownValue(config.metadata.name)}) does not match the name on the URL (${name})`);
    }
    config.metadata.name = name;
    const manager = this.manager(options);
    for (let attempt = 1; ; attempt++) {
      const live = await this.store.get(this.key(ctx, t, namespace, name)).catch((e: unknown) => {
        throw fromStorage(e, t, name);
      });
      const current = live ? served(t, live) : undefined;
      const applied = applyConfiguration({
        live: current,
        config,
        manager,
        force: options.force ?? false,
        schema: t.schema,
        apiVersion: apiVersionOf(t),
        kind: t.kind,
        now: this.timestamp(),
        resetFields: resetFields(t, options.subresource),
        ...(options.subresource ? { subresource: options.subresource } : {}),
      });
      try {
        if (!current) return { object: await this.createObject(ctx, t, namespace, applied, options, true), created: true };
        return { object: await this.writeUpdate(ctx, t, namespace, current, applied, options, true), created: false };
      } catch (e) {
        const raced = isApiError(e) && (e.reason === 'AlreadyExists' || (e.reason === 'Conflict' && e.details?.causes === undefined));
        if (raced && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  private mainUpdate(t: ResourceType, next: KubeObject, old: KubeObject): KubeObject {
    const meta = next.metadata;
    const o = old.metadata;
    meta.resourceVersion = o.resourceVersion;
    // System-owned metadata always comes from the stored object.
    meta.uid ??= o.uid;
    meta.creationTimestamp = o.creationTimestamp;
    if (o.generation === undefined) delete meta.generation;
    else meta.generation = o.generation;
    if (o.deletionTimestamp) meta.deletionTimestamp = o.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (t.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = old.status;
    }
    t.strategy.prepareForUpdate?.(next, old);
    if (t.generation !== false && !deepEqual(specOf(next), specOf(old))) meta.generation = (o.generation ?? 0) + 1;
    return next;
  }

  private statusUpdate(input: KubeObject, old: KubeObject): KubeObject {
    const next = cloneObject(old);
    if (input.status === undefined) delete next.status;
    else next.status = cloneObject(input.status);
    return next;
  }

  async delete(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<DeleteResult> {
    createOnly(t);
    if (sharedObject(t, name)) return this.deleteNamesake(ctx, t, name, options);
    const given = options.preconditions ?? {};
    const pre = given.resourceVersion === undefined ? given : { ...given, resourceVersion: ownVersion(given.resourceVersion, this.shard) };
    const key = this.key(ctx, t, namespace, name);
    for (let attempt = 1; ; attempt++) {
      const old = await this.get(ctx, t, namespace, name);
      if (pre.uid !== undefined && pre.uid !== old.metadata.uid) {
        throw errors.conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
      }
      if (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
        throw errors.conflict(
          t,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
        );
      }
      await this.admit({ operation: 'DELETE', type: t, context: ctx, oldObject: old, dryRun: !!options.dryRun, options });
      const gcFinalizer =
        options.propagationPolicy === 'Orphan' ? ORPHAN_FINALIZER : options.propagationPolicy === 'Foreground' ? FOREGROUND_FINALIZER : undefined;
      try {
        if (gcFinalizer || this.holds(t, old)) {
          if (old.metadata.deletionTimestamp) return { object: old, deleted: false };
          const next = cloneObject(old);
          if (gcFinalizer && !(next.metadata.finalizers ?? []).includes(gcFinalizer)) {
            next.metadata.finalizers = [...(next.metadata.finalizers ?? []), gcFinalizer];
          }
          next.metadata.deletionTimestamp = this.timestamp();
          next.metadata.deletionGracePeriodSeconds = 0;
          // As the apiserver's BeforeDelete: only a kind that keeps a generation moves it.
          if (old.metadata.generation) next.metadata.generation = old.metadata.generation + 1;
          t.strategy.markDeleting?.(next);
          if (options.dryRun) return { object: next, deleted: false };
          const object = await this.store.update(key, stored(t, next), { resourceVersion: old.metadata.resourceVersion });
          return { object: served(t, object), deleted: false };
        }
        if (options.dryRun) return { object: old, deleted: true };
        const object = await this.store.delete(key, { resourceVersion: old.metadata.resourceVersion });
        return { object: served(t, object), deleted: true };
      } catch (e) {
        if (isConflict(e) && attempt < MAX_ATTEMPTS) continue;
        throw fromStorage(e, t, name);
      }
    }
  }

  /**
   * A delete of a shared object's name removes the stored namesake, if any: an object from before
   * the name was shared, hidden by it and ignored by whatever reads the kind. It goes at once,
   * whatever its finalizers, since nothing can read or update it to release them. Without one,
   * the delete is refused like every other write of a shared object.
   */
  private async deleteNamesake(ctx: RequestContext, t: ResourceType, name: string, options: DeleteOptions): Promise<DeleteResult> {
    const key = this.key(ctx, t, undefined, name);
    try {
      const old = await this.store.get(key);
      if (!old) throw refusal(t, name);
      await this.admit({ operation: 'DELETE', type: t, context: ctx, oldObject: old, dryRun: !!options.dryRun, options });
      if (options.dryRun) return { object: served(t, old), deleted: true };
      const pre = options.preconditions ?? {};
      const object = await this.store.delete(key, { resourceVersion: pre.resourceVersion ?? old.metadata.resourceVersion, ...(pre.uid !== undefined ? { uid: pre.uid } : {}) });
      return { object: served(t, object), deleted: true };
    } catch (e) {
      throw fromStorage(e, t, name);
    }
  }

  /** Finalizers, or the kind itself, keep the object after a delete request. */
  private holds(t: ResourceType, o: KubeObject): boolean {
    return (o.metadata.finalizers ?? []).length > 0 || (t.strategy.holdsDeletion?.(o) ?? false);
  }

  /**
   * Checks the request body's envelope and returns a private copy of it with type meta set. The
   * namespace in the body must agree with the one the request addresses.
   */
  private decode(t: ResourceType, body: unknown, namespace: string | undefined): KubeObject {
    if (!isPlainObject(body)) throw errors.badRequest(`the request body must be a ${t.kind} object`);
    const apiVersion = apiVersionOf(t);
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${shownValue(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (body.kind !== undefined && body.kind !== t.kind) {
      throw errors.badRequest(`the kind in the data (${shownValue(body.kind)}) does not match the expected kind (${t.kind})`);
    }
    if (body.metadata !== undefined && !isPlainObject(body.metadata)) throw errors.badRequest('metadata must be an object');
    const object = cloneObject({ ...body, apiVersion, kind: t.kind, metadata: body.metadata ?? {} }) as KubeObject;
    if (t.namespaced) agreeNamespace(object, namespace);
    else delete object.metadata.namespace;
    return object;
  }

  /** Metadata and kind validation with the request's field-validation mode; throws Invalid. */
  private validate(ctx: RequestContext, t: ResourceType, object: KubeObject, old: KubeObject | undefined, options: WriteOptions): void {
    const metaCheck = validateObjectMeta(object.metadata, t);
    const kindCheck = t.strategy.validate(object, old);
    const errs: FieldError[] = [...metaCheck.errors, ...kindCheck.errors];
    if (old) {
      errs.push(...validateObjectMetaUpdate(object.metadata, old.metadata));
      errs.push(...(t.strategy.validateUpdate?.(object, old) ?? []));
    }
    this.settle(ctx, t, object, errs, [...metaCheck.unknownFields, ...kindCheck.unknownFields], options);
  }

  /** Throws Invalid for `errs`, then rejects, drops or warns about unknown fields per the request's mode. */
  private settle(ctx: RequestContext, target: ErrorTarget, object: KubeObject, errs: FieldError[], unknown: string[][], options: WriteOptions): void {
    if (errs.length > 0) {
      // The name may be among the fields refused: only a string one is quoted.
      const { name, generateName } = object.metadata as { name?: unknown; generateName?: unknown };
      throw errors.invalid(target, typeof name === 'string' ? name : typeof generateName === 'string' ? generateName : '', errs);
    }
    if (unknown.length === 0) return;
    const mode = options.fieldValidation ?? 'Warn';
    const names = unknown.map((p) => p.reduce((out, seg) => (/^\d+$/.test(seg) ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), ''));
    if (mode === 'Strict') {
      throw errors.badRequest(`strict decoding error: ${names.map((n) => `unknown field "${n}"`).join(', ')}`);
    }
    dropFields(object, unknown);
    if (mode === 'Warn') ctx.warnings?.push(...names.map((n) => `unknown field "${n}"`));
  }

  private async admit(request: AdmissionRequest): Promise<void> {
    for (const hook of this.admission) await hook(request);
  }
}

/** Ephemeral kinds are only ever created: every other verb is refused as the apiserver refuses it. */
function createOnly(t: ResourceType): void {
  if (t.ephemeral) throw methodNotAllowed();
}

/** Shared objects are the same in every logical cluster: no request may change them. */
function refuseShared(t: ResourceType, name: string): void {
  if (sharedObject(t, name)) throw refusal(t, name);
}

const refusal = (t: ResourceType, name: string): ApiError => errors.forbidden(t, name, t.shared?.readOnly(name) ?? 'it cannot be changed');

const methodNotAllowed = (): ApiError => new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

/** The body's namespace must be the request's (it is set from the request when absent). */
function agreeNamespace(object: KubeObject, namespace: string | undefined): void {
  if (!namespace) throw errors.badRequest('a namespace is required for this request');
  const meta = object.metadata;
  if (meta.namespace && meta.namespace !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  meta.namespace = namespace;
}

/** The read across every shard a context asks for, if any: with this shard's context for its own part. */
function acrossShards(ctx: RequestContext): { reads: ShardReads; ctx: RequestContext } | undefined {
  const reads = ctx.otherShards;
  if (!reads || reads.others.length === 0 || ctx.cluster !== ALL_CLUSTERS) return undefined;
  const { otherShards: _, ...here } = ctx;
  return { reads, ctx: here };
}

/** A patch that names a resourceVersion applies only to that version. */
function checkPatchedVersion(t: ResourceType, name: string, patched: KubeObject, old: KubeObject, shard: string): void {
  const wanted = ownVersion(patched.metadata.resourceVersion, shard);
  if (wanted !== undefined && wanted !== old.metadata.resourceVersion) {
    throw errors.conflict(t, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

/** The storage resource: a kind's own, or the one it shares (events.k8s.io → core events). */
function storageResource(t: ResourceType): string {
  return t.storedAs?.resource ?? groupResource(t);
}

/** Stores the object's logical cluster in it (kcp's `kcp.io/cluster`), whatever the client sent. */
function setCluster(o: KubeObject, ctx: RequestContext): void {
  if (ctx.cluster === ALL_CLUSTERS || o.metadata.annotations?.[CLUSTER_ANNOTATION] === ctx.cluster) return;
  o.metadata.annotations = { ...o.metadata.annotations, [CLUSTER_ANNOTATION]: ctx.cluster };
}

const served = (t: ResourceType, o: KubeObject): KubeObject => (t.storedAs ? t.storedAs.fromStored(o) : o);

const stored = (t: ResourceType, o: KubeObject): KubeObject => (t.storedAs ? t.storedAs.toStored(o) : o);

/** Fields the endpoint resets, so nobody is recorded as owning them: status on the main resource, the rest on /status. */
function resetFields(t: ResourceType, subresource: string | undefined): string[][] {
  if (!t.hasStatus) return [];
  return subresource === 'status' ? [['spec']] : subresource === undefined ? [['status']] : [];
}

/** What `generation` tracks: everything but type meta, metadata and status. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** A value the client sent, for a message: strings as they are, anything else as JSON (String() of `{"toString": ""}` throws). */
const shownValue = (v: unknown): string => (typeof v === 'string' ? v : show(v));

function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  // Like the apiserver, keep the result within 63 characters by trimming the prefix.
  return prefix.slice(0, 63 - suffix.length) + suffix;
}

traceMethods(Registry.prototype, ['get', 'list', 'listJson', 'create', 'update', 'patch', 'delete'], 'registry', traceAttributes);

/** What a registry span says of its call: the workspace and the resource. */
function traceAttributes(ctx: RequestContext, t: ResourceType): Record<string, string> {
  return { 'atoll.cluster': ctx.cluster, 'atoll.group': t.group, 'atoll.resource': t.resource };
}
