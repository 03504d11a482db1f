/**
 * The quota link of the admission chain: a create is refused with 403 `exceeded quota: …` when it
 * would take a ResourceQuota of its namespace, or its workspace's quota, past a hard limit.
 * Only creates are charged: every name counted here is an object count, which an update never
 * moves, and no scope applies to these kinds (see limits.ts), so no update can carry an object
 * into a quota either.
 */
import { ALL_CLUSTERS } from '../../storage/index.js';
import { errors, SYSTEM_USER, type AdmissionRequest } from '../../registry/index.js';
import type { ValidatingStage } from '../types.js';
import { chargedNames, restricted, storageResourceOf } from './limits.js';
import type { Charge, QuotaLedger } from './ledger.js';
import type { QuotaIndex } from './quota-index.js';
import { guardWorkspaceQuota } from './workspace-quota.js';

export class QuotaStage implements ValidatingStage {
  readonly name = 'ResourceQuota';

  constructor(
    private readonly index: QuotaIndex,
    private readonly ledger: QuotaLedger,
  ) {}

  async admit(request: AdmissionRequest): Promise<void> {
    guardWorkspaceQuota(request);
    const { type: t, context, object } = request;
    if (request.operation !== 'CREATE' || request.subresource || !object || t.ephemeral || context.cluster === ALL_CLUSTERS) return;
    const names = chargedNames(t);
    const namespace = t.namespaced ? (object.metadata.namespace ?? '') : '';
    const charges: Charge[] = [];
    // Atoll's own controllers make what a workspace needs to work (its default namespace, the
    // owner's binding, service accounts): counted by the workspace quota, never refused by it —
    // else a type's small quota would keep its workspaces from initializing (kcp likewise
    // enforces its object limit only on Ready workspaces). ResourceQuotas apply to them, as in Kubernetes.
    const own = context.user?.name === SYSTEM_USER.name;
    for (const { limits } of this.index.affected(context.cluster, namespace)) {
      if (own && limits.namespace === undefined) continue;
      const limited = restricted(limits, names);
      if (limited.length > 0) charges.push({ limits, names: limited });
    }
    if (charges.length === 0) return;
    const name = object.metadata.name ?? '';
    const key = { cluster: context.cluster, resource: storageResourceOf(t), namespace, name };
    await this.ledger.charge(context.cluster, charges, key, request.dryRun, (message) => errors.forbidden(t, name, message));
  }
}
