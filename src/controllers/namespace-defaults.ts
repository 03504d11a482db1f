/**
 * What Kubernetes' (and kcp's) controller manager puts in every namespace, and the legacy token
 * controller's work, in one controller:
 *
 * - the `default` ServiceAccount (the serviceaccounts controller);
 * - the `kube-root-ca.crt` ConfigMap whose `ca.crt` is the CA that signs the serving certificate
 *   (the root CA certificate publisher), kept equal to it;
 * - Secrets of type `kubernetes.io/service-account-token` naming a ServiceAccount get `token`,
 *   `ca.crt` and `namespace` (the tokens controller); one naming no existing account is deleted,
 *   and so are an account's token Secrets when the account goes, as that controller does.
 *
 * Both namespace objects are made in one pass of one queue item, so a new namespace (every new
 * workspace's `default`) costs one group commit for the two; both are made again when deleted.
 * Machinery (DESIGN decision 5): one list-then-watch over every logical cluster and resource, one
 * work queue; a namespace costs memory only while its item is pending.
 */
import type { KubeObject } from '../meta/index.js';
import { configMaps, groupResource, namespaces, secrets, serviceAccounts, SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import type { WatchEvent } from '../storage/index.js';
import { listEverywhere } from './cluster-list.js';
import { describeError, silentLog, type ControllerLog } from './log.js';
import { getIfExists, hasReason, listPages, rewrite, thisObject } from './registry-client.js';
import { WatchLoop } from './watch-loop.js';
import { WorkQueue, type Outcome } from './work-queue.js';
import { fillTokenSecret, isTokenSecret, SA_NAME_ANNOTATION, SA_UID_ANNOTATION, type IssueToken } from './token-secrets.js';

export { SERVICE_ACCOUNT_TOKEN_TYPE, type IssueToken } from './token-secrets.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** The description the root CA publisher gives the ConfigMap. */
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface NamespaceDefaultsOptions {
  registry: Registry;
  /** PEM of the CA that signs the serving certificate; without one (plain HTTP) no ConfigMap is published. */
  caCert?: string | undefined;
  /** Signs a token for a service account (src/auth's ServiceAccountTokens, lifetime as a legacy token's). */
  issueToken: IssueToken;
  log?: ControllerLog;
  /** Items worked on at once (default 64: each waits mostly on group commits). */
  concurrency?: number;
}

type Item =
  /** `fresh`: the namespace was just created, so its objects are created without looking first. */
  | { kind: 'namespace'; cluster: string; namespace: string; fresh?: boolean }
  | { kind: 'secret'; cluster: string; namespace: string; name: string }
  | { kind: 'account-gone'; cluster: string; namespace: string; name: string; uid: string };

const NAMESPACES = groupResource(namespaces);
const SERVICE_ACCOUNTS = groupResource(serviceAccounts);
const CONFIG_MAPS = groupResource(configMaps);
const SECRETS = groupResource(secrets);

const keyOf = (item: Item): string => `${item.kind}/${item.cluster}/${item.namespace}/${'name' in item ? item.name : ''}`;
const system = (cluster: string): RequestContext => ({ cluster, user: SYSTEM_USER });

export class NamespaceDefaultsController {
  private readonly registry: Registry;
  private readonly log: ControllerLog;
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  private readonly caData: Record<string, string> | undefined;
  readonly synced: Promise<void>;

  constructor(private readonly options: NamespaceDefaultsOptions) {
    this.registry = options.registry;
    this.log = options.log ?? silentLog;
    this.caData = options.caCert ? { 'ca.crt': options.caCert } : undefined;
    this.queue = new WorkQueue<Item>({
      name: 'namespace_defaults',
      concurrency: options.concurrency ?? 64,
      handle: (item) => this.sync(item),
      onError: (item, err) => this.log.warn({ ...item, err: describeError(err) }, 'namespace defaults failed; retrying'),
    });
    this.loop = new WatchLoop({
      store: this.registry.store,
      name: 'namespace-defaults',
      log: this.log,
      resync: () => this.resync(),
      onEvent: (e) => this.onEvent(e),
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private add(item: Item): void {
    this.queue.add(keyOf(item), item);
  }

  private async resync(): Promise<number> {
    const listed = await listEverywhere(this.registry.store, NAMESPACES, {
      onItem: (key, ns) => {
        if (!ns.metadata.deletionTimestamp) this.add({ kind: 'namespace', cluster: key.cluster, namespace: key.name });
      },
    });
    // Token Secrets at the same revision, so the watch that follows misses nothing.
    await listEverywhere(this.registry.store, SECRETS, {
      revision: listed.revision,
      onItem: (key, secret) => {
        if (isTokenSecret(secret)) this.add({ kind: 'secret', cluster: key.cluster, namespace: key.namespace, name: key.name });
      },
    });
    return listed.revision;
  }

  private onEvent(e: WatchEvent): void {
    const { key, object } = e;
    if (!key || !object) return;
    const { cluster, namespace, name } = key;
    switch (key.resource) {
      case NAMESPACES:
        if (e.type === 'ADDED' && !object.metadata.deletionTimestamp) this.add({ kind: 'namespace', cluster, namespace: name, fresh: true });
        return;
      case SERVICE_ACCOUNTS:
        if (e.type !== 'DELETED') return;
        if (name === DEFAULT_SERVICE_ACCOUNT) this.add({ kind: 'namespace', cluster, namespace });
        this.add({ kind: 'account-gone', cluster, namespace, name, uid: object.metadata.uid ?? '' });
        return;
      case CONFIG_MAPS:
        // Ours changed or went: put it back. Our own creates come back as ADDED and are passed by.
        if (name === ROOT_CA_CONFIGMAP && e.type !== 'ADDED' && this.caData) this.add({ kind: 'namespace', cluster, namespace });
        return;
      case SECRETS:
        if (e.type !== 'DELETED' && isTokenSecret(object)) this.add({ kind: 'secret', cluster, namespace, name });
        return;
    }
  }

  private async sync(item: Item): Promise<Outcome> {
    if (item.kind === 'namespace') await this.syncNamespace(item.cluster, item.namespace, item.fresh === true);
    else if (item.kind === 'secret') await this.syncSecret(item.cluster, item.namespace, item.name);
    else await this.deleteTokensOf(item.cluster, item.namespace, item.name, item.uid);
    return 'done';
  }

  private async syncNamespace(cluster: string, namespace: string, fresh: boolean): Promise<void> {
    const ctx = system(cluster);
    // A fresh namespace's creates find out themselves (admission) whether it is gone or terminating.
    if (!fresh) {
      const ns = await getIfExists(this.registry, ctx, namespaces, undefined, namespace);
      if (!ns || ns.metadata.deletionTimestamp) return;
    }
    // Together, so that a new namespace gets both in one group commit.
    await Promise.all([this.ensureAccount(ctx, namespace, fresh), this.ensureRootCa(ctx, namespace, fresh)]);
  }

  private async ensureAccount(ctx: RequestContext, namespace: string, fresh: boolean): Promise<void> {
    if (!fresh && (await getIfExists(this.registry, ctx, serviceAccounts, namespace, DEFAULT_SERVICE_ACCOUNT))) return;
    await this.createIgnoringRaces(ctx, namespace, () =>
      this.registry.create(ctx, serviceAccounts, namespace, { metadata: { name: DEFAULT_SERVICE_ACCOUNT } }),
    );
  }

  private async ensureRootCa(ctx: RequestContext, namespace: string, fresh: boolean): Promise<void> {
    const data = this.caData;
    if (!data) return;
    const create = async (): Promise<boolean> => {
      const cm = { metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data };
      return this.createIgnoringRaces(ctx, namespace, () => this.registry.create(ctx, configMaps, namespace, cm));
    };
    if (fresh && (await create())) return;
    const current = await getIfExists(this.registry, ctx, configMaps, namespace, ROOT_CA_CONFIGMAP);
    if (!current) {
      await create();
      return;
    }
    // As the publisher: the data is exactly the CA (other keys go); binaryData is dropped.
    await rewrite(
      this.registry,
      ctx,
      configMaps,
      thisObject(current),
      (cm) => {
        const same = JSON.stringify(cm.data ?? {}) === JSON.stringify(data) && cm.binaryData === undefined;
        if (same) return undefined;
        delete cm.binaryData;
        return { ...cm, data: { ...data } };
      },
      { read: current },
    );
  }

  /**
   * A create whose namespace went (or began terminating) is not a failure; false when the object
   * exists already (someone made it first, or a fresh namespace's item ran twice).
   */
  private async createIgnoringRaces(ctx: RequestContext, namespace: string, create: () => Promise<KubeObject>): Promise<boolean> {
    try {
      await create();
    } catch (err) {
      if (hasReason(err, 'AlreadyExists')) return false;
      if (hasReason(err, 'NotFound') || hasReason(err, 'Forbidden')) {
        this.log.debug({ cluster: ctx.cluster, namespace, err: describeError(err) }, 'namespace default not created');
        return true;
      }
      throw err;
    }
    return true;
  }

  private async syncSecret(cluster: string, namespace: string, name: string): Promise<void> {
    const ctx = system(cluster);
    const secret = await getIfExists(this.registry, ctx, secrets, namespace, name);
    if (!secret || secret.metadata.deletionTimestamp || !isTokenSecret(secret)) return;
    const annotations = secret.metadata.annotations ?? {};
    const account = await getIfExists(this.registry, ctx, serviceAccounts, namespace, annotations[SA_NAME_ANNOTATION] ?? '');
    const uid = annotations[SA_UID_ANNOTATION];
    if (!account || (uid && account.metadata.uid !== uid)) {
      await this.deleteSecret(ctx, secret);
      return;
    }
    const filled = await fillTokenSecret(secret, account, { cluster, caCert: this.options.caCert, issueToken: this.options.issueToken });
    if (!filled) return;
    try {
      // On the copy read (its resourceVersion is the precondition): a newer copy has its own event.
      await this.registry.update(ctx, secrets, namespace, name, filled);
    } catch (err) {
      if (!hasReason(err, 'Conflict') && !hasReason(err, 'NotFound')) throw err;
    }
  }

  /** The token Secrets of a deleted ServiceAccount go with it (only that incarnation's). */
  private async deleteTokensOf(cluster: string, namespace: string, name: string, uid: string): Promise<void> {
    const ctx = system(cluster);
    try {
      for await (const page of listPages(this.registry, ctx, secrets, { namespace, fieldSelector: 'type=kubernetes.io/service-account-token' })) {
        for (const secret of page) {
          const a = secret.metadata.annotations ?? {};
          if (a[SA_NAME_ANNOTATION] !== name || (a[SA_UID_ANNOTATION] !== undefined && a[SA_UID_ANNOTATION] !== uid)) continue;
          await this.deleteSecret(ctx, secret);
        }
      }
    } catch (err) {
      if (!hasReason(err, 'NotFound')) throw err;
    }
  }

  private async deleteSecret(ctx: RequestContext, secret: KubeObject): Promise<void> {
    const { namespace, name, uid } = thisObject(secret);
    try {
      await this.registry.delete(ctx, secrets, namespace, name, { preconditions: { uid } });
      this.log.info({ cluster: ctx.cluster, namespace, name }, 'deleted a service account token secret whose service account does not exist');
    } catch (err) {
      if (!hasReason(err, 'NotFound') && !hasReason(err, 'Conflict')) throw err;
    }
  }
}
