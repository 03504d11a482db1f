/**
 * How a shard asks another to decide for a logical cluster it holds (RemoteDecisions, docs/shards.md):
 * a SubjectAccessReview POSTed in that cluster on the holding shard, with the shards' token, naming
 * the user as this shard authenticated it (groups, uid and extras: the holder scopes a foreign
 * service account down as it would its own request). The holder answers with its RBAC alone.
 */
import type { AuthUser, ClusterAttributes, ClusterReviewer } from '../auth/index.js';
import type { ShardPeers } from './shard-peers.js';

/** A review that takes longer than this is a shard that cannot be asked now (refused, not kept). */
const REVIEW_TIMEOUT_MS = 5_000;

interface ReviewStatus {
  status?: { allowed?: boolean; reason?: string };
}

export function shardReviewer(peers: ShardPeers): ClusterReviewer {
  return {
    holderOf: (cluster) => peers.holderOf(cluster),
    review: async (shard, a) => {
      const reviewed = await peers
        .http(shard)
        .json<ReviewStatus>('POST', `/clusters/${encodeURIComponent(a.cluster)}/apis/authorization.k8s.io/v1/subjectaccessreviews`, {
          body: reviewOf(a),
          signal: AbortSignal.timeout(REVIEW_TIMEOUT_MS),
        });
      return { allowed: reviewed.status?.allowed === true, ...(reviewed.status?.reason ? { reason: reviewed.status.reason } : {}) };
    },
  };
}

function reviewOf(a: ClusterAttributes): Record<string, unknown> {
  const user = a.user as AuthUser;
  const what = a.resourceRequest
    ? { resourceAttributes: { verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, name: a.name, namespace: a.namespace } }
    : { nonResourceAttributes: { verb: a.verb, path: a.path } };
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: user.name, groups: user.groups, ...(user.uid ? { uid: user.uid } : {}), ...(user.extra ? { extra: user.extra } : {}), ...what },
  };
}
