/**
 * The policies' status controller (Kubernetes' policy type-checking controller): for every
 * ValidatingAdmissionPolicy, `status.observedGeneration` and
 * `status.typeChecking.expressionWarnings` — each expression checked against the schemas of the
 * kinds its matchConstraints select in the policy's workspace (type-check.ts). One watch across
 * all logical clusters (MutatingAdmissionPolicies have no status, as in Kubernetes); a policy is checked when it changes (policies change rarely, and
 * the check reads only the workspace's API set), not when the matched kinds' schemas change
 * later. Kubernetes sets no conditions on these objects, and neither does this controller.
 */
import { describeError, listEverywhere, rewrite, silentLog, WatchLoop, WorkQueue, type ControllerLog, type Outcome, type TypesFor } from '../../controllers/index.js';
import { SYSTEM_USER, groupResource, type Registry, type ResourceType } from '../../registry/index.js';
import type { WatchEvent } from '../../storage/index.js';
import type { Rule } from '../kinds/index.js';
import { validatingAdmissionPolicies } from '../kinds/policies.js';
import { ruleMatches } from '../matching.js';
import { expressionWarnings } from './type-check.js';

const MANAGER = 'atoll-policy-type-checker';

export interface PolicyStatusOptions {
  registry: Registry;
  typesFor: TypesFor;
  log?: ControllerLog;
}

/** The served kinds a policy's resourceRules select (any operation, no subresource). */
function matchedTypes(rules: readonly Rule[], types: readonly ResourceType[]): ResourceType[] {
  return types.filter((t) =>
    rules.some((r) =>
      ruleMatches({ ...r, resourceNames: [] }, { group: t.group, version: t.version, resource: t.resource, operation: r.operations?.[0] ?? '*', subresource: '', name: '', namespaced: t.namespaced }),
    ),
  );
}

interface Item {
  type: ResourceType;
  cluster: string;
  name: string;
}

export class PolicyStatusController {
  private readonly queue: WorkQueue<Item>;
  private readonly loops: WatchLoop[];
  readonly synced: Promise<void>;

  constructor(private readonly options: PolicyStatusOptions) {
    const log = options.log ?? silentLog;
    const store = options.registry.store;
    this.queue = new WorkQueue({
      name: 'admission_policy_status',
      concurrency: 4,
      handle: (item) => this.sync(item),
      onError: (item, err) => log.warn({ cluster: item.cluster, name: item.name, err: describeError(err) }, 'admission policy status failed; retrying'),
    });
    this.loops = [validatingAdmissionPolicies[0]].map((type) => {
      const t = type as ResourceType;
      const resource = groupResource(t);
      return new WatchLoop({
        store,
        name: `${t.resource}-status`,
        log,
        resource,
        resync: async () => (await listEverywhere(store, resource, { onItem: (key, o) => this.add(t, key.cluster, o.metadata.name ?? '') })).revision,
        onEvent: (e: WatchEvent) => {
          if (e.key && e.type !== 'DELETED') this.add(t, e.key.cluster, e.key.name);
        },
      });
    });
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
  }

  private add(type: ResourceType, cluster: string, name: string): void {
    this.queue.add(`${type.resource}/${cluster}/${name}`, { type, cluster, name });
  }

  private async sync({ type, cluster, name }: Item): Promise<Outcome> {
    const policy = await this.options.registry.store.get({ cluster, resource: groupResource(type), namespace: '', name });
    if (!policy) return 'done';
    const generation = policy.metadata.generation;
    const status = (policy.status ?? {}) as { observedGeneration?: number };
    if (generation !== undefined && status.observedGeneration === generation) return 'done';
    const rules = ((policy.spec as { matchConstraints?: { resourceRules?: Rule[] | null } } | undefined)?.matchConstraints?.resourceRules ?? []) as Rule[];
    const warnings = expressionWarnings(policy, matchedTypes(rules, await this.options.typesFor(cluster)));
    await rewrite(
      this.options.registry,
      { cluster, user: SYSTEM_USER },
      type,
      { namespace: undefined, name, ...(policy.metadata.uid ? { uid: policy.metadata.uid } : {}) },
      (o) => {
        if (o.metadata.generation !== generation) return undefined;
        const prev = (o.status ?? {}) as Record<string, unknown>;
        return { ...o, status: { ...prev, observedGeneration: generation, typeChecking: { expressionWarnings: warnings } } };
      },
      { subresource: 'status', fieldManager: MANAGER, read: policy },
    );
    return 'done';
  }
}
