/**
 * The CRD controller, for every logical cluster through one wildcard watch: accepts a CRD's
 * names unless another CRD of the same group (or a built-in resource) already has them, then
 * marks it Established — which is when the catalog starts serving it. On deletion it marks the
 * CRD Terminating, deletes every object of the resource, and only then releases the finalizer.
 */
import {
  deleteEvery,
  describeError,
  getIfExists,
  listEverywhere,
  listPages,
  rewrite,
  silentLog,
  thisObject,
  WatchLoop,
  withoutFinalizer,
  WorkQueue,
  type ControllerLog,
  type Outcome,
} from '../controllers/index.js';
import { rfc3339, type KubeObject } from '../meta/index.js';
import { groupResource, SYSTEM_USER, type Registry, type RequestContext, type ResourceType } from '../registry/index.js';
import type { WatchEvent } from '../storage/index.js';
import { CRD_RESOURCE } from './catalog.js';
import { customResourceDefinitions } from './crd-kind.js';
import { CRD_CLEANUP_FINALIZER, crdSpecOf, crdStatusOf, type CrdCondition, type CrdNames, type CrdStatus } from './crd-types.js';
import { servedTypes } from './served-types.js';

export const CRD_CONTROLLER_MANAGER = 'atoll-crd-controller';

export interface CrdControllerOptions {
  registry: Registry;
  /** Resources served in every cluster, whose names a CRD cannot take. */
  base: readonly ResourceType[];
  log?: ControllerLog;
  concurrency?: number;
}

interface Item {
  cluster: string;
  name: string;
}

export class CrdController {
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  private readonly builtins: Set<string>;
  readonly synced: Promise<void>;

  constructor(private readonly options: CrdControllerOptions) {
    const log = options.log ?? silentLog;
    this.builtins = new Set(options.base.map(groupResource));
    this.queue = new WorkQueue<Item>({
      name: 'crd',
      concurrency: options.concurrency ?? 16,
      handle: (item) => this.reconcile(item),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'CRD reconcile failed; retrying'),
    });
    const consider = (cluster: string, name: string): void => this.queue.add(`${cluster}/${name}`, { cluster, name });
    this.loop = new WatchLoop({
      store: options.registry.store,
      name: 'crd-controller',
      log,
      resource: CRD_RESOURCE,
      resync: async () => (await listEverywhere(options.registry.store, CRD_RESOURCE, { onItem: (key) => consider(key.cluster, key.name) })).revision,
      onEvent: (e: WatchEvent) => {
        if (!e.key) return;
        consider(e.key.cluster, e.key.name);
        // A CRD going away may free names another one is waiting for.
        if (e.type === 'DELETED') this.requeueGroup(e.key.cluster, e.object);
      },
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private requeueGroup(cluster: string, deleted: KubeObject | undefined): void {
    if (!deleted) return;
    void this.crdsOf(cluster).then(
      (all) => {
        for (const o of all) {
          if (crdSpecOf(o).group === crdSpecOf(deleted).group) this.queue.add(`${cluster}/${o.metadata.name ?? ''}`, { cluster, name: o.metadata.name ?? '' });
        }
      },
      () => undefined,
    );
  }

  private async crdsOf(cluster: string): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for await (const page of listPages(this.options.registry, { cluster, user: SYSTEM_USER }, customResourceDefinitions, {})) out.push(...page);
    return out;
  }

  private async reconcile({ cluster, name }: Item): Promise<Outcome> {
    const { registry } = this.options;
    const ctx: RequestContext = { cluster, user: SYSTEM_USER };
    const crd = await getIfExists(registry, ctx, customResourceDefinitions, undefined, name);
    if (!crd) return 'done';
    if (crd.metadata.deletionTimestamp) return this.finalize(ctx, crd);
    const conflict = await this.nameConflict(cluster, crd);
    const names = crdSpecOf(crd).names;
    await this.writeStatus(ctx, crd, (status) => {
      const accepted = conflict === undefined;
      setCondition(status, {
        type: 'NamesAccepted',
        status: accepted ? 'True' : 'False',
        reason: accepted ? 'NoConflicts' : 'NameConflict',
        message: accepted ? 'no conflicts found' : conflict,
      });
      if (accepted) status.acceptedNames = { ...names };
      // Once established, a CRD stays served even if a later edit's names conflict (as in Kubernetes).
      const wasEstablished = status.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      if (accepted || !wasEstablished) {
        setCondition(status, {
          type: 'Established',
          status: accepted || wasEstablished ? 'True' : 'False',
          reason: accepted ? 'InitialNamesAccepted' : 'NotAccepted',
          message: accepted ? 'the initial names have been accepted' : 'not all names are accepted',
        });
      }
      const storage = crdSpecOf(crd).versions.find((v) => v.storage)?.name;
      if (accepted && storage && !(status.storedVersions ?? []).includes(storage)) status.storedVersions = [...(status.storedVersions ?? []), storage];
    });
    return 'done';
  }

  /** Why the CRD's names cannot be accepted, or undefined when they can. */
  private async nameConflict(cluster: string, crd: KubeObject): Promise<string | undefined> {
    const spec = crdSpecOf(crd);
    if (this.builtins.has(`${spec.names.plural}.${spec.group}`)) {
      return `"${spec.names.plural}" is already served by a built-in resource in group ${spec.group}`;
    }
    const mine = namesOf(spec.names);
    const kinds = [spec.names.kind, spec.names.listKind ?? `${spec.names.kind}List`];
    for (const other of await this.crdsOf(cluster)) {
      if (other.metadata.name === crd.metadata.name || crdSpecOf(other).group !== spec.group) continue;
      // Names belong to whichever CRD had them accepted first.
      const theirs = crdStatusOf(other).acceptedNames;
      if (!theirs?.plural || !theirs.kind) continue;
      const taken = namesOf(theirs as CrdNames);
      const clash = [...mine].find((n) => taken.has(n));
      if (clash) return `"${clash}" is already in use`;
      const theirKinds = [theirs.kind, theirs.listKind ?? `${theirs.kind}List`];
      const kindClash = kinds.find((k) => theirKinds.includes(k));
      if (kindClash) return `"${kindClash}" is already in use`;
    }
    return undefined;
  }

  private async writeStatus(ctx: RequestContext, crd: KubeObject, change: (status: CrdStatus) => void): Promise<void> {
    await rewrite(
      this.options.registry,
      ctx,
      customResourceDefinitions,
      thisObject(crd),
      (current) => {
        const before = JSON.stringify(current.status ?? {});
        const status = structuredClone(crdStatusOf(current));
        change(status);
        if (JSON.stringify(status) === before) return undefined;
        current.status = status as Record<string, unknown>;
        return current;
      },
      { subresource: 'status', fieldManager: CRD_CONTROLLER_MANAGER },
    );
  }

  /** Deletes every object of the resource, then lets the CRD go. */
  private async finalize(ctx: RequestContext, crd: KubeObject): Promise<Outcome> {
    if (!(crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return 'done';
    await this.writeStatus(ctx, crd, (status) =>
      setCondition(status, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }),
    );
    const owner = servedTypes(crdSpecOf(crd)).find((t) => t.storedAs?.owner);
    const left = owner ? await deleteEvery(this.options.registry, ctx, owner) : 0;
    if (left > 0) {
      await this.writeStatus(ctx, crd, (status) =>
        setCondition(status, {
          type: 'Terminating',
          status: 'True',
          reason: 'InstanceDeletionCheck',
          message: `could not confirm zero CustomResources remaining: ${left} objects still have finalizers`,
        }),
      );
      return 'retry';
    }
    await rewrite(this.options.registry, ctx, customResourceDefinitions, { namespace: undefined, name: crd.metadata.name ?? '' }, withoutFinalizer(CRD_CLEANUP_FINALIZER), {
      fieldManager: CRD_CONTROLLER_MANAGER,
    });
    return 'done';
  }
}

function namesOf(n: CrdNames): Set<string> {
  return new Set([n.plural, n.singular ?? n.kind.toLowerCase(), ...(n.shortNames ?? [])]);
}

/** Sets a condition, moving lastTransitionTime only when its status changes. */
function setCondition(status: CrdStatus, c: Omit<CrdCondition, 'lastTransitionTime'>): void {
  const conditions = status.conditions ?? [];
  const existing = conditions.find((x) => x.type === c.type);
  const lastTransitionTime = existing && existing.status === c.status ? existing.lastTransitionTime : rfc3339(new Date());
  const next: CrdCondition = { ...c, ...(lastTransitionTime ? { lastTransitionTime } : {}) };
  status.conditions = existing ? conditions.map((x) => (x.type === c.type ? next : x)) : [...conditions, next];
}
