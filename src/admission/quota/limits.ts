/**
 * What a quota limits and what a create charges: object counts, as Kubernetes' object-count
 * evaluators know them — `count/<resource>.<group>` for every served resource (`count/<resource>`
 * in the core group), and the legacy core names for the kinds served here.
 */
import type { KubeObject } from '../../meta/index.js';
import { groupResource, ownsStorage, quantityFrom, type ResourceType } from '../../registry/index.js';

/**
 * Kubernetes' legacy object-count names whose kind is served here (`pods`, `services`,
 * `replicationcontrollers` and `persistentvolumeclaims` are valid in a quota but nothing here
 * creates them, so they stay at 0).
 */
const LEGACY_COUNTS = new Set(['configmaps', 'secrets', 'resourcequotas']);

/**
 * Every object of a logical cluster, whatever its resource: kcp's total-object limit
 * (`core.kcp.io/max-total-objects`), which only the workspace quota can hold (a ResourceQuota
 * refuses the name: `*` is no resource).
 */
export const TOTAL_OBJECTS = 'count/*';

/** Where TOTAL_OBJECTS counts: in every resource. */
export const EVERY_RESOURCE = '*';

/**
 * The quota resource names one created object of type `t` adds 1 to. Events are left out of the
 * total, as kcp leaves them out of its limit: a full workspace still records what happens in it.
 */
export function chargedNames(t: Pick<ResourceType, 'group' | 'resource'>): string[] {
  const names = [`count/${groupResource(t)}`];
  if (t.group === '' && LEGACY_COUNTS.has(t.resource)) names.push(t.resource);
  if (t.resource !== 'events') names.push(TOTAL_OBJECTS);
  return names;
}

/** Where the objects of `t` are stored (the registry's key: a view stored as another resource counts there). */
export const storageResourceOf = (t: ResourceType): string => t.storedAs?.resource ?? groupResource(t);

/** The stored resources of an API set that the total counts: each once (through the type that owns it), events left out. */
export function totalResources(types: readonly ResourceType[]): string[] {
  const out = new Set<string>();
  for (const t of types) if (ownsStorage(t) && t.resource !== 'events') out.add(storageResourceOf(t));
  return [...out];
}

/** A quota as admission and the controller read it. */
export interface QuotaLimits {
  /** The ResourceQuota's name, or WORKSPACE_QUOTA for the workspace's own. */
  name: string;
  /** The ResourceQuota's namespace; undefined for the workspace quota (it counts every namespace and cluster-scoped objects). */
  namespace: string | undefined;
  /** Whole units per resource name, from `spec.hard`. */
  hard: ReadonlyMap<string, bigint>;
  /**
   * Scopes or a scope selector: every scope Kubernetes has (Terminating, BestEffort,
   * PriorityClass, CrossNamespacePodAffinity and their negations) is about pods, and an object-count
   * evaluator matches no scope at all, so such a quota counts nothing here.
   */
  scoped: boolean;
}

/** The name workspace quotas are refused under: `exceeded quota: workspace, …`. */
export const WORKSPACE_QUOTA = 'workspace';

/** Parses a resource list (`{"count/configmaps": "50"}`) into whole units; unparseable values are left out (validation refuses them). */
export function hardOf(list: unknown): Map<string, bigint> {
  const hard = new Map<string, bigint>();
  if (typeof list !== 'object' || list === null) return hard;
  for (const [name, raw] of Object.entries(list as Record<string, unknown>)) {
    const q = quantityFrom(raw);
    if (!q.ok) continue;
    // Counts are whole (validation says so); round down as Quantity.Value() would not matter here.
    hard.set(name, q.quantity.nanos / 1_000_000_000n);
  }
  return hard;
}

interface QuotaSpec {
  hard?: unknown;
  scopes?: unknown[] | null;
  scopeSelector?: { matchExpressions?: unknown[] | null } | null;
}

export function limitsOfResourceQuota(o: KubeObject): QuotaLimits {
  const spec = (o.spec ?? {}) as QuotaSpec;
  return {
    name: o.metadata.name ?? '',
    namespace: o.metadata.namespace ?? '',
    hard: hardOf(spec.hard),
    scoped: (spec.scopes ?? []).length > 0 || (spec.scopeSelector?.matchExpressions ?? []).length > 0,
  };
}

/** The names of `charged` this quota limits (none when it is scoped). */
export function restricted(q: QuotaLimits, charged: readonly string[]): string[] {
  return q.scoped ? [] : charged.filter((n) => q.hard.has(n));
}

/** Kubernetes' prettyPrint of a resource list: `a=1,b=2`, sorted by name. */
export function prettyPrint(list: ReadonlyMap<string, bigint>): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${String(list.get(k))}`)
    .join(',');
}

/** Kubernetes' refusal, word for word. */
export function exceededMessage(name: string, requested: ReadonlyMap<string, bigint>, used: ReadonlyMap<string, bigint>, hard: ReadonlyMap<string, bigint>): string {
  return `exceeded quota: ${name}, requested: ${prettyPrint(requested)}, used: ${prettyPrint(used)}, limited: ${prettyPrint(hard)}`;
}

/** Whether two limits are the same (an unchanged quota does not disturb the index). */
export function sameLimits(a: QuotaLimits, b: QuotaLimits): boolean {
  if (a.name !== b.name || a.namespace !== b.namespace || a.scoped !== b.scoped || a.hard.size !== b.hard.size) return false;
  for (const [k, v] of a.hard) if (b.hard.get(k) !== v) return false;
  return true;
}
