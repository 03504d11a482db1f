/**
 * kcp's `system:apibindings` initializer: a new workspace whose type chain names
 * `defaultAPIBindings` gets one APIBinding per export — named and shaped as kcp makes them,
 * accepting every claim the export makes — and is Ready only once all of them are bound.
 *
 * Machinery (DESIGN decision 5): one watch on LogicalClusters (which workspaces wait for this
 * initializer), one on APIBindings (a binding's progress wakes its workspace), one on APIExports
 * (a missing export that appears wakes the workspaces waiting for it, sooner than their backoff),
 * all across every logical cluster, and one work queue. A workspace costs memory only while it
 * waits for this initializer; workspaces of types without default bindings never enter here.
 */
import { describeError, hasReason, listEverywhere, rewrite, silentLog, WatchLoop, WorkQueue, type ControllerLog, type Outcome } from '../controllers/index.js';
import { finishInitializer } from '../controllers/tenancy/index.js';
import { deepEqual, type KubeObject } from '../meta/index.js';
import { SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import type { Store, WatchEvent } from '../storage/index.js';
import {
  APIBINDINGS_INITIALIZER,
  LOGICAL_CLUSTER_NAME,
  LOGICAL_CLUSTER_RESOURCE,
  lcStatusOf,
  logicalClusterKey,
  logicalClusters,
  parseTypeKey,
  TYPE_ANNOTATION,
  typeSpecOf,
  type ClusterResolver,
  type OtherShards,
  type WorkspaceTypeRules,
} from '../tenancy/index.js';
import { isTrue, setCondition, type ConditionUpdate } from './conditions.js';
import { APIS_CONTROLLER_MANAGER } from './export-controller.js';
import { base62Sha224 } from './hash.js';
import { apiBindings } from './kinds/index.js';
import {
  BINDING_RESOURCE,
  bindingSpecOf,
  bindingStatusOf,
  EXPORT_RESOURCE,
  exportSpecOf,
  type AcceptablePermissionClaim,
  type APIBindingSpec,
  type Condition,
  type PermissionClaimSelector,
} from './types.js';

/** The LogicalCluster condition this initializer reports on (kcp's type and reasons). */
export const BINDINGS_INITIALIZED = 'WorkspaceAPIBindingsInitialized';
export const MISSING_EXPORT = 'unable to complete initialization: unable to find at least 1 APIExport';

/** A subdomain name is at most 253 characters: the export's name keeps what the `-xxxxx` suffix leaves. */
const MAX_EXPORT_PREFIX = 253 - 1 - 5;

/**
 * kcp's name of a default binding: `<export[:247]>-<first 5 of Base62Sha224("<cluster>|<path>|<export>"), lower case>`,
 * stable for a workspace and export, so a pass that raced another finds its binding.
 */
export function defaultBindingName(cluster: string, exportPath: string, exportName: string): string {
  return `${exportName.slice(0, MAX_EXPORT_PREFIX)}-${base62Sha224(`${cluster}|${exportPath}|${exportName}`).slice(0, 5).toLowerCase()}`;
}

export interface ApiBinderInitializerOptions {
  registry: Registry;
  resolver: ClusterResolver;
  rules: WorkspaceTypeRules;
  /** The installation's other shards: a default binding's export may be held by one of them. */
  others?: OtherShards;
  log?: ControllerLog;
  /** Logical clusters initialized at once (default 16). */
  concurrency?: number;
}

/** One default binding to have: the export's path (never empty here) and name. */
interface Wanted {
  path: string;
  exportName: string;
}

const refKey = (path: string, name: string): string => `${path}|${name}`;

/** Initializing, not deleting, and waiting for this initializer. */
function waitsForUs(lc: KubeObject): boolean {
  const status = lcStatusOf(lc);
  return !lc.metadata.deletionTimestamp && status.phase === 'Initializing' && (status.initializers ?? []).includes(APIBINDINGS_INITIALIZER);
}

export class ApiBinderInitializer {
  private readonly store: Store;
  private readonly log: ControllerLog;
  private readonly queue: WorkQueue<string>;
  private readonly loops: WatchLoop[];
  /** Logical clusters waiting for this initializer: binding events in them wake their pass. */
  private pending = new Set<string>();
  /** Of those, the ones whose last pass found an export missing: export events wake them. */
  private readonly missingExport = new Set<string>();
  readonly synced: Promise<void>;

  constructor(private readonly options: ApiBinderInitializerOptions) {
    this.store = options.registry.store;
    this.log = options.log ?? silentLog;
    this.queue = new WorkQueue<string>({
      name: 'apibinder_initializer',
      concurrency: options.concurrency ?? 16,
      maxDelayMs: 30_000,
      handle: (cluster) => this.initialize(cluster),
      onError: (cluster, err) => this.log.warn({ cluster, err: describeError(err) }, 'default APIBindings initialization failed; retrying'),
    });
    const store = this.store;
    const revisionOf = async (resource: string): Promise<number> => (await store.list({ cluster: '*', resource, limit: 1 })).revision;
    this.loops = [
      new WatchLoop({
        store,
        name: 'apibinder-initializer',
        log: this.log,
        resource: LOGICAL_CLUSTER_RESOURCE,
        resync: async () => {
          const waiting = new Set<string>();
          const r = await listEverywhere(store, LOGICAL_CLUSTER_RESOURCE, {
            onItem: (key, lc) => {
              if (waitsForUs(lc)) waiting.add(key.cluster);
            },
          });
          this.pending = waiting;
          for (const cluster of waiting) this.queue.add(cluster, cluster);
          return r.revision;
        },
        onEvent: (e: WatchEvent) => {
          if (!e.key || !e.object) return;
          if (e.type !== 'DELETED' && waitsForUs(e.object)) {
            this.pending.add(e.key.cluster);
            this.queue.add(e.key.cluster, e.key.cluster);
          } else {
            this.forget(e.key.cluster);
          }
        },
      }),
      new WatchLoop({
        store,
        name: 'apibinder-initializer-bindings',
        log: this.log,
        resource: BINDING_RESOURCE,
        resync: async () => {
          this.wake(this.pending);
          return revisionOf(BINDING_RESOURCE);
        },
        onEvent: (e: WatchEvent) => {
          // What a waiting workspace needs to hear: a binding done, or one gone (to create again).
          const news = e.type === 'DELETED' || (e.object !== undefined && fullyBound(e.object));
          if (e.key && news && this.pending.has(e.key.cluster)) this.queue.add(e.key.cluster, e.key.cluster);
        },
      }),
      new WatchLoop({
        store,
        name: 'apibinder-initializer-exports',
        log: this.log,
        resource: EXPORT_RESOURCE,
        resync: async () => {
          this.wake(this.missingExport);
          return revisionOf(EXPORT_RESOURCE);
        },
        onEvent: (e: WatchEvent) => {
          if (e.type !== 'BOOKMARK') this.wake(this.missingExport);
        },
      }),
    ];
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
  }

  private wake(clusters: ReadonlySet<string>): void {
    for (const cluster of clusters) this.queue.add(cluster, cluster);
  }

  private forget(cluster: string): void {
    this.pending.delete(cluster);
    this.missingExport.delete(cluster);
  }

  private async initialize(cluster: string): Promise<Outcome> {
    const lc = await this.store.get(logicalClusterKey(cluster));
    if (!lc || !waitsForUs(lc)) {
      this.forget(cluster);
      return 'done';
    }
    const typeKey = lc.metadata.annotations?.[TYPE_ANNOTATION];
    const typeRef = typeKey ? parseTypeKey(typeKey) : undefined;
    const chain = typeRef ? await this.options.rules.chain(typeRef) : [];
    if (typeRef && chain.length === 0) {
      await this.report(cluster, {
        status: 'False',
        severity: 'Error',
        reason: 'WorkspaceInitializedWorkspaceTypeInvalid',
        message: `error getting WorkspaceType ${typeRef.path}|${typeRef.name}: workspacetypes.tenancy.kcp.io "${typeRef.name}" not found`,
      });
      return 'retry';
    }
    const wanted: Wanted[] = [];
    for (const t of chain) {
      for (const d of typeSpecOf(t.object).defaultAPIBindings ?? []) {
        // kcp: an empty path is the logical cluster (its name) that holds the type.
        const path = d.path || ((await this.options.resolver.resolve(t.ref.path)) ?? t.ref.path);
        if (!wanted.some((w) => w.path === path && w.exportName === d.export)) wanted.push({ path, exportName: d.export });
      }
    }

    const existing = (await this.store.list({ cluster, resource: BINDING_RESOURCE })).items;
    const byName = new Map(existing.map((b) => [b.metadata.name ?? '', b]));
    const byRef = new Map<string, KubeObject>();
    for (const b of existing) {
      const ref = bindingSpecOf(b).reference?.export;
      if (ref) byRef.set(refKey(ref.path ?? '', ref.name), b);
    }
    const errors: string[] = [];
    let created = false;
    let missing = false;
    const required: Wanted[] = [];
    for (const w of wanted) {
      const exp = await this.exportOf(w);
      if (!exp) {
        missing = true;
        errors.push(MISSING_EXPORT);
        continue;
      }
      required.push(w);
      const name = defaultBindingName(cluster, w.path, w.exportName);
      if (byName.has(name)) continue;
      try {
        await this.options.registry.create(this.system(cluster), apiBindings, undefined, { metadata: { name }, spec: bindingSpec(w, exp) }, { fieldManager: APIS_CONTROLLER_MANAGER });
        created = true;
      } catch (err) {
        if (!hasReason(err, 'AlreadyExists')) errors.push(describeError(err));
      }
    }
    if (missing) this.missingExport.add(cluster);
    else this.missingExport.delete(cluster);
    if (errors.length > 0) {
      this.log.debug({ cluster, errors }, 'default APIBindings not created yet; retrying');
      await this.report(cluster, { status: 'False', severity: 'Error', reason: 'WorkspaceInitializedAPIBindingErrors', message: `encountered errors: ${aggregate(errors)}` });
      return 'retry';
    }
    const incomplete: string[] = [];
    for (const w of required) {
      const b = byRef.get(refKey(w.path, w.exportName));
      if (!b) incomplete.push(`for APIExport ${w.path}|${w.exportName}`);
      else if (!fullyBound(b)) incomplete.push(b.metadata.name ?? '');
    }
    // Bindings created in this pass are being bound as it ends: saying so would be a write per workspace for a moment's news.
    if (incomplete.length > 0 && created) return 'done';
    if (incomplete.length > 0) {
      // The bindings' own events bring this workspace back: nothing waits on a timer.
      await this.report(cluster, {
        status: 'False',
        severity: 'Info',
        reason: 'WorkspaceInitializedWaitingOnAPIBindings',
        message: `APIBinding(s) not yet fully bound: ${incomplete.sort().join(', ')}`,
      });
      return 'done';
    }
    await finishInitializer(this.options.registry, cluster, APIBINDINGS_INITIALIZER, (status) => ({
      ...status,
      conditions: setCondition((status.conditions ?? []) as Condition[], { type: BINDINGS_INITIALIZED, status: 'True' }),
    }));
    this.forget(cluster);
    return 'done';
  }

  private system(cluster: string): RequestContext {
    return { cluster, user: SYSTEM_USER };
  }

  /** The export a default binding names, read from the store (the watch-fed catalog may not have it yet). */
  private async exportOf(w: Wanted): Promise<KubeObject | undefined> {
    const exportCluster = await this.options.resolver.resolve(w.path);
    if (!exportCluster) return undefined;
    return (await this.store.get({ cluster: exportCluster, resource: EXPORT_RESOURCE, namespace: '', name: w.exportName })) ?? this.options.others?.get('apiexports', exportCluster, w.exportName);
  }

  /** Sets the LogicalCluster's `WorkspaceAPIBindingsInitialized` condition (no write when it reads the same). */
  private async report(cluster: string, c: Omit<ConditionUpdate, 'type'>): Promise<void> {
    await rewrite(
      this.options.registry,
      this.system(cluster),
      logicalClusters,
      { namespace: undefined, name: LOGICAL_CLUSTER_NAME },
      (lc) => {
        const status = lcStatusOf(lc);
        const before = (status.conditions ?? []) as Condition[];
        const after = setCondition(structuredClone(before), { ...c, type: BINDINGS_INITIALIZED });
        if (deepEqual(after, before)) return undefined;
        lc.status = { ...status, conditions: after };
        return lc;
      },
      { subresource: 'status', fieldManager: APIS_CONTROLLER_MANAGER },
    );
  }
}

/** kcp's spec of a default binding: the export, and every claim it makes accepted as the export suggests. */
function bindingSpec(w: Wanted, exp: KubeObject): APIBindingSpec {
  const claims: AcceptablePermissionClaim[] = (exportSpecOf(exp).permissionClaims ?? []).map((c) => ({
    ...c,
    selector: selects(c.defaultSelector) ? (c.defaultSelector as PermissionClaimSelector) : { matchAll: true },
    state: 'Accepted',
  }));
  return { reference: { export: { path: w.path, name: w.exportName } }, ...(claims.length > 0 ? { permissionClaims: claims } : {}) };
}

/** A selector that selects something by itself (an empty one would not pass the binding's validation). */
function selects(s: PermissionClaimSelector | undefined): boolean {
  return s !== undefined && (s.matchAll === true || Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0);
}

/** Bound, and — when it accepted claims — with its claims applied. */
function fullyBound(b: KubeObject): boolean {
  const conditions = bindingStatusOf(b).conditions;
  if (!isTrue(conditions, 'InitialBindingCompleted')) return false;
  const accepted = (bindingSpecOf(b).permissionClaims ?? []).some((c) => c.state === 'Accepted');
  return !accepted || isTrue(conditions, 'PermissionClaimsApplied');
}

/** Kubernetes' error aggregate text: one message as it is, several (duplicates dropped) in brackets. */
function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}
