/**
 * Home workspaces, as kcp has them: `GET /clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/~`
 * (what `kubectl ws` with no argument asks) answers the caller's own workspace, creating it on the
 * first request: a logical cluster of type `root:home` with no parent, named from the user name
 * (kcp's `HomeClusterName`, so a user's home has the same name as in kcp), reachable as
 * `/clusters/<name>` and `/clusters/user:<user>`, the user its cluster-admin. Until it is Ready the
 * answer is 429 with `Retry-After: 1`, which client-go retries by itself. A home nobody asked for
 * does not exist and costs nothing; one that exists costs what any workspace costs.
 */
import { ApiError, ignoreAlreadyExists, SYSTEM_USER, type Registry, type RequestContext, type UserInfo } from '../registry/index.js';
import type { KubeObject } from '../meta/index.js';
import { LOGICAL_CLUSTER_NAME, logicalClusterKey, logicalClusters, OWNER_ANNOTATION, PATH_ANNOTATION, TYPE_ANNOTATION, lcStatusOf } from './kinds/index.js';
import { workspaceUrl } from './admission.js';
import { ensureRootGrant, ROOT_CLUSTER } from './root.js';
import { HOME_PATH_PREFIX, homeClusterName } from './home-name.js';
import { bindWorkspaceOwner } from './owner-binding.js';
import type { WorkspaceTypeRules } from './types.js';

/** The name a client asks for to mean "my home". */
export const HOME_NAME = '~';
export const HOME_TYPE = { name: 'home', path: ROOT_CLUSTER };
/** kcp's role and binding letting a group have homes created (granted to every authenticated user). */
export const HOME_CREATE_ROLE = 'system:kcp:home-clusterworkspace-create';
export const HOME_CREATE_BINDING = 'system:kcp:configured-group:home-clusterworkspace-create';

export interface HomeWorkspacesOptions {
  registry: Registry;
  rules: WorkspaceTypeRules;
  baseUrl(): string;
}

export type HomeAnswer = { ready: true; workspace: KubeObject } | { ready: false };

export class HomeWorkspaces {
  constructor(private readonly options: HomeWorkspacesOptions) {}

  /**
   * The user's home, created when missing (the caller authorized `create workspaces/~` in root
   * first). Not ready yet: the caller answers 429 and the client asks again.
   */
  async home(user: UserInfo): Promise<HomeAnswer> {
    const cluster = homeClusterName(user.name);
    const ctx: RequestContext = { cluster, user: SYSTEM_USER };
    const stored = (): Promise<KubeObject | undefined> => this.options.registry.store.get(logicalClusterKey(cluster));
    let lc = await stored();
    if (!lc) {
      const { initializers, terminators } = await this.options.rules.lifecycle(HOME_TYPE);
      const annotations = {
        [PATH_ANNOTATION]: `${HOME_PATH_PREFIX}:${user.name}`,
        [TYPE_ANNOTATION]: `${HOME_TYPE.path}:${HOME_TYPE.name}`,
        [OWNER_ANNOTATION]: JSON.stringify({ username: user.name, ...(user.uid ? { uid: user.uid } : {}) }),
      };
      lc = await this.options.registry
        .create(ctx, logicalClusters, undefined, { metadata: { name: LOGICAL_CLUSTER_NAME, annotations }, spec: { initializers, terminators } })
        .catch(async (e: unknown) => {
          ignoreAlreadyExists(e);
          return (await stored()) as KubeObject;
        });
    }
    const status = lcStatusOf(lc);
    if (status.phase !== 'Ready') {
      // Made while the home initializes (its initializers take longer than this), and made again by a later ask if a crash came between.
      await bindWorkspaceOwner(this.options.registry, cluster, user.name);
      return { ready: false };
    }
    return {
      ready: true,
      workspace: {
        apiVersion: 'tenancy.kcp.io/v1alpha1',
        kind: 'Workspace',
        metadata: { name: LOGICAL_CLUSTER_NAME, ...(lc.metadata.creationTimestamp ? { creationTimestamp: lc.metadata.creationTimestamp } : {}) },
        spec: { cluster, URL: workspaceUrl(this.options.baseUrl(), cluster), type: { ...HOME_TYPE } },
        status: { phase: status.phase, conditions: status.conditions ?? [], initializers: status.initializers ?? [] },
      },
    };
  }

}

/** kcp's answer while a home is being made: 429, retried by client-go after `Retry-After`. */
export const homeNotReady = (): ApiError => new ApiError('TooManyRequests', 'Creating the home workspace', { retryAfterSeconds: 1 });

/** kcp's role letting every authenticated user have a home made (an administrator may narrow the binding's subjects). */
export async function ensureHomeCreatorRole(registry: Registry): Promise<void> {
  await ensureRootGrant(registry, {
    role: HOME_CREATE_ROLE,
    binding: HOME_CREATE_BINDING,
    rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspaces'], resourceNames: [HOME_NAME], verbs: ['get', 'create'] }],
  });
}
