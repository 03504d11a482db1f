/**
 * kcp's required-groups authorizer: a LogicalCluster annotated
 * `authorization.kcp.io/required-groups` admits only users in the groups it names. The value is a
 * comma-separated list of alternatives, each a semicolon-separated list of groups all required
 * (`eng;oncall,admins`: both eng and oncall, or admins). As in kcp, service accounts and the
 * platform's own groups are not held back; a refused user gets the same 403 as for any workspace
 * it may not enter.
 *
 * The annotations are kept in memory from one watch on LogicalClusters across all logical
 * clusters, and only for clusters that carry one: a workspace without it costs nothing.
 */
import { listEverywhere, silentLog, WatchLoop, type ControllerLog } from '../../controllers/index.js';
import type { KubeObject } from '../../meta/index.js';
import type { UserInfo } from '../../registry/index.js';
import type { Store } from '../../storage/index.js';
import { LOGICAL_CLUSTER_RESOURCE } from '../../tenancy/index.js';
import { CLUSTER_NAME_EXTRA, type AuthUser } from '../authn/types.js';

export const REQUIRED_GROUPS_ANNOTATION = 'authorization.kcp.io/required-groups';
/** Groups kcp lets in whatever the annotation says (besides its always-allowed ones). */
const EXEMPT_GROUPS = ['system:kcp:workspace:bootstrapper', 'system:kcp:logical-cluster-admin'];

/** The alternatives an annotation value names, each a set of groups all required. */
export function parseRequiredGroups(value: string): string[][] {
  return value
    .split(',')
    .map((clause) => clause.split(';').map((g) => g.trim()).filter((g) => g !== ''))
    .filter((clause) => clause.length > 0);
}

export class RequiredGroups {
  private readonly clusters = new Map<string, string>();
  private loop: WatchLoop | undefined;

  constructor(private readonly options: { store: Store; log?: ControllerLog }) {}

  async start(): Promise<void> {
    const { store } = this.options;
    this.loop = new WatchLoop({
      store,
      name: 'required-groups',
      log: this.options.log ?? silentLog,
      resource: LOGICAL_CLUSTER_RESOURCE,
      resync: async () => {
        this.clusters.clear();
        return (await listEverywhere(store, LOGICAL_CLUSTER_RESOURCE, { onItem: (key, lc) => this.record(key.cluster, lc) })).revision;
      },
      onEvent: (e) => {
        if (!e.key) return;
        if (e.type === 'DELETED' || !e.object) this.clusters.delete(e.key.cluster);
        else this.record(e.key.cluster, e.object);
      },
    });
    await this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  private record(cluster: string, lc: KubeObject): void {
    const value = lc.metadata.annotations?.[REQUIRED_GROUPS_ANNOTATION];
    if (value === undefined) this.clusters.delete(cluster);
    else this.clusters.set(cluster, value);
  }

  /** Why the user may not enter the cluster, or undefined when the annotation lets it (or there is none). */
  refusal(cluster: string, user: UserInfo): string | undefined {
    const value = this.clusters.get(cluster);
    if (value === undefined) return undefined;
    // A service account (it names its logical cluster) is let through, as kcp does.
    if (((user as AuthUser).extra?.[CLUSTER_NAME_EXTRA] ?? []).length > 0) return undefined;
    const groups = new Set(user.groups);
    if (EXEMPT_GROUPS.some((g) => groups.has(g))) return undefined;
    if (parseRequiredGroups(value).some((clause) => clause.every((g) => groups.has(g)))) return undefined;
    return `subject is not a member of required groups: ${value}`;
  }
}
