/**
 * The APIBinding controller, for every logical cluster through one wildcard watch (and one on
 * APIExports, whose changes roll out to their bindings). A binding goes "" → Binding → Bound:
 * its export is resolved (`reference.export.path`, or the binding's own workspace), must have an
 * identity and schemas; each exported resource must not clash with a built-in, a CRD or another
 * binding in the consumer; then `status.boundResources` names the schema (name, UID, identity)
 * each resource is served from — which is what the binding catalog serves. Conditions, reasons
 * and messages are kcp's. A deleted binding first deletes the objects of its resources (as kcp
 * does), unless another binding of the workspace serves the same schema under the same identity.
 */
import type { ApiSet } from '../apis/index.js';
import { deleteEvery, describeError, getIfExists, rewrite, silentLog, thisObject, WatchLoop, withoutFinalizer, WorkQueue, type ControllerLog, type Outcome } from '../controllers/index.js';
import { deepEqual, type KubeObject } from '../meta/index.js';
import { groupResource, SYSTEM_USER, type Registry, type RequestContext, type ResourceType } from '../registry/index.js';
import type { ClusterResolver, OtherShards } from '../tenancy/index.js';
import type { WatchEvent } from '../storage/index.js';
import type { BindingCatalog } from './binding-catalog.js';
import { boundStorageResource } from './bound-types.js';
import { reconcileClaims } from './claims.js';
import { isSystemExport, servedByBuiltin } from './system-exports.js';
import { isTrue, mirrorReady, setCondition, type ConditionUpdate } from './conditions.js';
import { APIS_CONTROLLER_MANAGER } from './export-controller.js';
import { APIBINDING_FINALIZER, apiBindings, apiExports, apiResourceSchemas } from './kinds/index.js';
import {
  BINDING_RESOURCE,
  bindingSpecOf,
  bindingStatusOf,
  EXPORT_RESOURCE,
  exportSpecOf,
  exportStatusOf,
  schemaSpecOf,
  type APIBindingStatus,
  type BoundResource,
} from './types.js';

export interface BindingControllerOptions {
  registry: Registry;
  resolver: ClusterResolver;
  /** The consumer's whole API set: built-ins, CRDs and bound resources. */
  apiSet(cluster: string): Promise<ApiSet>;
  bindings: BindingCatalog;
  /** The installation's other shards: an export one of them holds is read from its replica. */
  others?: OtherShards;
  /** Told when an export gained or lost a bound consumer (its endpoint slices list it then). */
  onConsumersChanged?(exportCluster: string, exportName: string): void;
  log?: ControllerLog;
  concurrency?: number;
}

interface Item {
  cluster: string;
  name: string;
}

/** The outcome of resolving a binding's export: what to bind, or why not. */
type Resolution =
  | { ok: true; exportCluster: string; exp: KubeObject; identityHash: string; schemas: KubeObject[] }
  | { ok: false; condition: ConditionUpdate; retry: boolean; exportCluster?: string; exp?: KubeObject };

export class BindingController {
  private readonly queue: WorkQueue<Item>;
  private readonly loops: WatchLoop[];
  /**
   * The resourceVersion of each status this controller just wrote, by `<cluster>/<name>`: the
   * watch event of that write has nothing new to reconcile (the pass that wrote it saw it all).
   */
  private readonly written = new Map<string, string>();
  readonly synced: Promise<void>;

  constructor(private readonly options: BindingControllerOptions) {
    const log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      name: 'apibinding',
      // As the workspace controller: a binding's writes wait for a group commit, so many in flight fill each commit.
      concurrency: options.concurrency ?? 128,
      maxDelayMs: 10_000,
      handle: (item) => this.reconcile(item),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'APIBinding reconcile failed; retrying'),
    });
    const store = options.registry.store;
    const consider = (cluster: string, name: string): void => this.queue.add(`${cluster}/${name}`, { cluster, name });
    const everyBinding = async (pick: (o: KubeObject) => boolean): Promise<number> => {
      const r = await store.list({ cluster: '*', resource: BINDING_RESOURCE });
      r.items.forEach((o, i) => {
        if (pick(o)) consider(r.clusters?.[i] ?? '', o.metadata.name ?? '');
      });
      return r.revision;
    };
    this.loops = [
      new WatchLoop({
        store,
        name: 'apibinding-controller',
        log,
        resource: BINDING_RESOURCE,
        resync: () => everyBinding(() => true),
        onEvent: (e: WatchEvent) => {
          if (!e.key) return;
          const key = `${e.key.cluster}/${e.key.name}`;
          const own = this.written.get(key);
          if (own !== undefined) {
            this.written.delete(key);
            if (own === e.object?.metadata.resourceVersion) return;
          }
          if (e.type !== 'DELETED') consider(e.key.cluster, e.key.name);
        },
      }),
      // An export's change (new schemas, claims, its identity) rolls out to the bindings of it.
      new WatchLoop({
        store,
        name: 'apibinding-controller-exports',
        log,
        resource: EXPORT_RESOURCE,
        resync: async () => (await store.list({ cluster: '*', resource: EXPORT_RESOURCE, limit: 1 })).revision,
        onEvent: (e: WatchEvent) => {
          if (!e.key) return;
          const { cluster, name } = e.key;
          // Bindings of it, and bindings not yet resolved to any export (this may be the one they wait for).
          const ofIt = (o: KubeObject): boolean => {
            const exportCluster = bindingStatusOf(o).apiExportClusterName;
            return bindingSpecOf(o).reference?.export?.name === name && (exportCluster === undefined || exportCluster === cluster);
          };
          everyBinding(ofIt).catch((err: unknown) => log.warn({ err: describeError(err) }, 'listing APIBindings failed'));
        },
      }),
    ];
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
  }

  private async reconcile({ cluster, name }: Item): Promise<Outcome> {
    const { registry } = this.options;
    const ctx: RequestContext = { cluster, user: SYSTEM_USER };
    const binding = await getIfExists(registry, ctx, apiBindings, undefined, name);
    if (!binding) return 'done';
    if (binding.metadata.deletionTimestamp) return this.finalize(ctx, binding);
    const before = bindingStatusOf(binding);
    const status: APIBindingStatus = structuredClone(before);
    if (!status.phase) status.phase = 'Binding';
    const resolution = await this.resolve(cluster, binding);
    let outcome: Outcome = 'done';
    if (!resolution.ok) {
      status.conditions = setCondition(status.conditions, resolution.condition);
      if (resolution.exportCluster) status.apiExportClusterName = resolution.exportCluster;
      outcome = resolution.retry ? 'retry' : 'done';
      if (!isTrue(status.conditions, 'InitialBindingCompleted')) {
        status.conditions = setCondition(status.conditions, { ...resolution.condition, type: 'InitialBindingCompleted' });
      }
      status.conditions = setCondition(status.conditions, { ...resolution.condition, type: 'BindingUpToDate' });
    } else {
      status.apiExportClusterName = resolution.exportCluster;
      status.exportPermissionClaims = exportSpecOf(resolution.exp).permissionClaims ?? [];
      status.conditions = setCondition(status.conditions, { type: 'APIExportValid', status: 'True' });
      const conflict = await this.conflicts(cluster, name, resolution);
      if (conflict) {
        const c: ConditionUpdate = { type: 'BindingUpToDate', status: 'False', severity: 'Error', reason: 'NamingConflicts', message: `Unable to bind APIs: ${conflict}` };
        status.conditions = setCondition(status.conditions, c);
        if (!isTrue(status.conditions, 'InitialBindingCompleted')) status.conditions = setCondition(status.conditions, { ...c, type: 'InitialBindingCompleted' });
        outcome = 'retry';
      } else {
        status.boundResources = bound(status.boundResources ?? [], resolution);
        status.phase = 'Bound';
        status.conditions = setCondition(status.conditions, { type: 'InitialBindingCompleted', status: 'True' });
        status.conditions = setCondition(status.conditions, { type: 'BindingUpToDate', status: 'True' });
      }
      const claims = reconcileClaims(bindingSpecOf(binding).permissionClaims ?? [], status.exportPermissionClaims);
      status.appliedPermissionClaims = claims.applied;
      status.conditions = setCondition(status.conditions, claims.valid);
      status.conditions = setCondition(status.conditions, { type: 'PermissionClaimsApplied', status: 'True' });
    }
    status.conditions = mirrorReady(status.conditions ?? [], 'InitialBindingCompleted');
    if (!deepEqual(status, before)) {
      const wrote = await rewrite(
        registry,
        ctx,
        apiBindings,
        thisObject(binding),
        (current) => {
          current.status = status as Record<string, unknown>;
          return current;
        },
        { subresource: 'status', fieldManager: APIS_CONTROLLER_MANAGER, read: binding },
      );
      const rv = wrote?.metadata.resourceVersion;
      if (rv && outcome === 'done') this.written.set(`${cluster}/${name}`, rv);
      // Root's system exports have no view to list their consumers in (their bindings are no consumers there).
      const exportName = bindingSpecOf(binding).reference.export?.name ?? '';
      if (before.phase !== status.phase && status.apiExportClusterName && !isSystemExport(status.apiExportClusterName, exportName)) {
        this.options.onConsumersChanged?.(status.apiExportClusterName, exportName);
      }
    }
    return outcome;
  }

  /** The export a binding names, with its identity and schemas; or the condition saying what is wrong. */
  private async resolve(cluster: string, binding: KubeObject): Promise<Resolution> {
    const ref = bindingSpecOf(binding).reference?.export;
    const invalid = (reason: string, message: string, retry: boolean, severity: 'Error' | 'Warning' = 'Error'): Resolution => ({
      ok: false,
      retry,
      condition: { type: 'APIExportValid', status: 'False', severity, reason, message },
    });
    if (!ref?.name) return invalid('APIExportInvalidReference', 'Missing APIExport reference', false);
    const path = ref.path || cluster;
    const exportCluster = await this.options.resolver.resolve(path);
    const exportCtx: RequestContext = { cluster: exportCluster ?? '', user: SYSTEM_USER };
    const others = this.options.others;
    const exp = exportCluster
      ? ((await getIfExists(this.options.registry, exportCtx, apiExports, undefined, ref.name)) ?? others?.get('apiexports', exportCluster, ref.name))
      : undefined;
    if (!exportCluster || !exp) return invalid('APIExportNotFound', `APIExport ${path}|${ref.name} not found`, true);
    const identityHash = exportStatusOf(exp).identityHash;
    if (!identityHash) {
      return { ...invalid('MissingIdentityHash', `APIExport ${path}|${ref.name} is missing status.identityHash`, true, 'Warning'), exportCluster, exp };
    }
    const schemas: KubeObject[] = [];
    for (const r of exportSpecOf(exp).resources ?? []) {
      // Schemas never change (their spec is immutable): the watch-fed catalog's copy is as good as a read.
      const schema =
        this.options.bindings.schema(exportCluster, r.schema) ??
        (await getIfExists(this.options.registry, exportCtx, apiResourceSchemas, undefined, r.schema)) ??
        others?.get('apiresourceschemas', exportCluster, r.schema);
      if (!schema) {
        return {
          ...invalid('InternalError', `Invalid APIExport. Please contact the APIExport owner to resolve: APIResourceSchema "${r.schema}" not found`, true),
          exportCluster,
          exp,
        };
      }
      schemas.push(schema);
    }
    return { ok: true, exportCluster, exp, identityHash, schemas };
  }

  /**
   * Why the export's resources cannot be served in the consumer: a built-in, a CRD or another
   * binding already serves one of their names in the same group. Undefined when nothing clashes.
   */
  private async conflicts(cluster: string, bindingName: string, r: Extract<Resolution, { ok: true }>): Promise<string | undefined> {
    const schemas = r.schemas.filter((schema) => !servedByBuiltin(r.exportCluster, schema.metadata.name ?? ''));
    if (schemas.length === 0) return undefined;
    const set = await this.options.apiSet(cluster);
    const others = this.options.bindings.bindingsOf(cluster);
    for (const schema of schemas) {
      const spec = schemaSpecOf(schema);
      const mine = boundStorageResource(spec.group, spec.names.plural, r.identityHash);
      const names = nameSet(spec.names);
      for (const t of set.types) {
        if (t.group !== spec.group || t.storedAs?.resource === mine) continue;
        const clash = clashOf(names, t);
        if (!clash) continue;
        const owner = t.storedAs?.resource;
        if (owner && owner.includes(':')) {
          const other = [...(others?.values() ?? [])].find((b) => b.name !== bindingName && b.resources.some((x) => x.group === t.group && x.resource === t.resource));
          if (!other) continue; // This binding's own earlier schema of the resource.
          return `naming conflict with APIBinding "${other.name}" bound to APIExport ${other.exportCluster}:${other.exportName}: ${clash}`;
        }
        if (owner === groupResource(t) && t.sourceHash !== undefined) return `naming conflict with CustomResourceDefinition "${owner}": ${clash}`;
        return `naming conflict with built-in resource "${groupResource(t)}": ${clash}`;
      }
    }
    return undefined;
  }

  /** Deletes the binding's objects (unless another binding serves them), then lets the binding go. */
  private async finalize(ctx: RequestContext, binding: KubeObject): Promise<Outcome> {
    if (!(binding.metadata.finalizers ?? []).includes(APIBINDING_FINALIZER)) return 'done';
    const status = bindingStatusOf(binding);
    const exportCluster = status.apiExportClusterName;
    const others = [...(this.options.bindings.bindingsOf(ctx.cluster)?.values() ?? [])].filter((b) => b.name !== binding.metadata.name);
    let left = 0;
    for (const r of status.boundResources ?? []) {
      const adopted = others.some((b) => b.resources.some((x) => x.group === r.group && x.resource === r.resource && x.schema.UID === r.schema.UID && x.schema.identityHash === r.schema.identityHash));
      if (adopted || !exportCluster || servedByBuiltin(exportCluster, r.schema.name)) continue;
      const owner = this.options.bindings.typesOfBound(exportCluster, r)?.find((t) => t.storedAs?.owner);
      if (!owner) return 'retry';
      left += await deleteEvery(this.options.registry, ctx, owner);
    }
    if (left > 0) return 'retry';
    await rewrite(this.options.registry, ctx, apiBindings, { namespace: undefined, name: binding.metadata.name ?? '' }, withoutFinalizer(APIBINDING_FINALIZER), {
      fieldManager: APIS_CONTROLLER_MANAGER,
    });
    if (exportCluster) this.options.onConsumersChanged?.(exportCluster, bindingSpecOf(binding).reference.export?.name ?? '');
    return 'done';
  }
}

/** The bound resources after a pass: one entry per exported resource, storage versions accumulated. */
function bound(previous: readonly BoundResource[], r: Extract<Resolution, { ok: true }>): BoundResource[] {
  return r.schemas.map((schema) => {
    const spec = schemaSpecOf(schema);
    const before = previous.find((b) => b.group === spec.group && b.resource === spec.names.plural);
    const storage = spec.versions.find((v) => v.storage)?.name;
    const versions = new Set([...(before?.storageVersions ?? []), ...(storage ? [storage] : [])]);
    return {
      group: spec.group,
      resource: spec.names.plural,
      schema: { name: schema.metadata.name ?? '', UID: schema.metadata.uid ?? '', identityHash: r.identityHash },
      storageVersions: [...versions].sort(),
    };
  });
}

function nameSet(n: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[] }): Map<string, string> {
  const m = new Map<string, string>();
  m.set(n.plural, `spec.names.plural=${n.plural} is forbidden`);
  m.set(n.singular ?? n.kind.toLowerCase(), `spec.names.singular=${n.singular ?? n.kind.toLowerCase()} is forbidden`);
  for (const s of n.shortNames ?? []) m.set(s, `spec.names.shortNames=[${(n.shortNames ?? []).join(' ')}] is forbidden`);
  m.set(`kind:${n.kind}`, `spec.names.kind=${n.kind} is forbidden`);
  m.set(`kind:${n.listKind ?? `${n.kind}List`}`, `spec.names.listKind=${n.listKind ?? `${n.kind}List`} is forbidden`);
  return m;
}

/** What about a served type clashes with the names, or undefined. */
function clashOf(names: Map<string, string>, t: ResourceType): string | undefined {
  for (const n of [t.resource, t.singular, ...t.shortNames, `kind:${t.kind}`, `kind:${t.listKind}`]) {
    const why = names.get(n);
    if (why) return why;
  }
  return undefined;
}
