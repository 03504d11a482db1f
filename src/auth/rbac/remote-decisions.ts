/**
 * Decisions made where a logical cluster lives (docs/shards.md, "Authorization across shards"):
 * `bind` on an APIExport, `use` of a WorkspaceType and an export's maximal permission policy are
 * decided by RBAC in the export's or type's workspace, which only the shard holding it has. For a
 * workspace on another shard, that shard is asked (a SubjectAccessReview, sent by the server's
 * ClusterReviewer with the shards' token), and the answer is kept as kube's webhook authorizer
 * keeps its own: allowed answers for `allowedTtlMs`, denied ones for `deniedTtlMs`, so a grant
 * revoked there is still honoured here until its answer expires. A shard that cannot be asked
 * refuses, never allows, and that refusal is not kept.
 */
import type { AuthUser } from '../authn/types.js';
import { DecisionCache } from './decision-cache.js';
import { forbiddenMessage, isAlwaysAllowed } from './evaluator.js';
import type { ClusterAttributes, Decision } from './types.js';

/** How this shard asks another (src/server wires it to the other shards' APIs). */
export interface ClusterReviewer {
  /** The shard holding the logical cluster when another shard does; undefined when this one does (or none). */
  holderOf(cluster: string): string | undefined;
  /** The holding shard's answer as its SubjectAccessReview gives it; rejects when it cannot be asked. */
  review(shard: string, attributes: ClusterAttributes): Promise<{ allowed: boolean; reason?: string }>;
}

export interface RemoteDecisionsOptions {
  reviewer: ClusterReviewer;
  /** How long an allowed answer is kept (default 5 minutes, as kube's webhook authorizer). */
  allowedTtlMs?: number;
  /** How long a denied answer is kept (default 30 s, as kube's webhook authorizer). */
  deniedTtlMs?: number;
  /** Most answers kept of each kind (default 10,000). */
  maxEntries?: number;
  /** Clock, in ms (tests). */
  now?: () => number;
}

export const DEFAULT_REMOTE_ALLOWED_TTL_MS = 5 * 60_000;
export const DEFAULT_REMOTE_DENIED_TTL_MS = 30_000;

/** A decision, and whether it is a refusal because the holding shard could not be asked. */
export interface RemoteDecision extends Decision {
  unavailable?: boolean;
}

export class RemoteDecisions {
  private readonly reviewer: ClusterReviewer;
  private readonly allowed: DecisionCache;
  private readonly denied: DecisionCache;
  /** One question in flight per key: a burst of requests asks once. */
  private readonly asking = new Map<string, Promise<RemoteDecision>>();

  constructor(options: RemoteDecisionsOptions) {
    this.reviewer = options.reviewer;
    const common = { maxEntries: options.maxEntries ?? 10_000, ...(options.now ? { now: options.now } : {}) };
    this.allowed = new DecisionCache({ ttlMs: options.allowedTtlMs ?? DEFAULT_REMOTE_ALLOWED_TTL_MS, ...common });
    this.denied = new DecisionCache({ ttlMs: options.deniedTtlMs ?? DEFAULT_REMOTE_DENIED_TTL_MS, ...common });
  }

  /** The other shard that decides for the cluster, or undefined when this one does. */
  holderOf(cluster: string): string | undefined {
    return this.reviewer.holderOf(cluster);
  }

  /** The kept answer, if there is one (for callers that cannot wait). */
  known(attributes: ClusterAttributes): Decision | undefined {
    if (isAlwaysAllowed(attributes.user)) return { allowed: true, reason: '' };
    const key = keyOf(attributes);
    return this.allowed.get(key, 0) ?? this.denied.get(key, 0);
  }

  /** The holding shard's decision: kept, or asked now. */
  async decide(shard: string, attributes: ClusterAttributes): Promise<RemoteDecision> {
    const kept = this.known(attributes);
    if (kept) return kept;
    const key = keyOf(attributes);
    let asking = this.asking.get(key);
    if (!asking) {
      asking = this.ask(shard, key, attributes).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async ask(shard: string, key: string, attributes: ClusterAttributes): Promise<RemoteDecision> {
    let answer: { allowed: boolean; reason?: string };
    try {
      answer = await this.reviewer.review(shard, attributes);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const reason = `${forbiddenMessage(attributes)}: shard "${shard}", which holds workspace "${attributes.cluster}", could not be asked: ${why}`;
      return { allowed: false, reason, unavailable: true };
    }
    // A SubjectAccessReview leaves the Forbidden sentence out of a denial; it is put back as RBAC words it here.
    const decision: Decision = answer.allowed
      ? { allowed: true, reason: answer.reason ?? '' }
      : { allowed: false, reason: answer.reason ? `${forbiddenMessage(attributes)}: ${answer.reason}` : forbiddenMessage(attributes) };
    (decision.allowed ? this.allowed : this.denied).set(key, 0, decision);
    return decision;
  }
}

/** Everything the holding shard decides on, the user's extras included (scopes, a service account's workspace). */
function keyOf(a: ClusterAttributes): string {
  const user = a.user as AuthUser;
  const extra = user.extra ? Object.entries(user.extra).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)) : [];
  const what = a.resourceRequest ? [a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name] : [a.verb, a.path];
  return JSON.stringify([a.cluster, user.name, user.uid ?? '', [...user.groups].sort(), extra, what]);
}
