/**
 * The APIExport controller, for every logical cluster through one wildcard watch: gives each
 * export an identity and its default endpoint slice, as kcp does.
 *
 * Identity: an export without `spec.identity.secretRef` gets Secret `kcp-system/<export>` with a
 * random `key` (32 bytes, unpadded base64url), and the reference is written into its spec. The
 * identity hash is the hex SHA-256 of that key text; it is set once in `status.identityHash` and
 * checked on every pass after (`IdentityValid`). Objects of exported resources are stored under
 * it, so an export whose identity another provider cannot produce cannot be impersonated.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describeError, getIfExists, rewrite, silentLog, thisObject, WatchLoop, WorkQueue, type ControllerLog, type Outcome } from '../controllers/index.js';
import type { KubeObject } from '../meta/index.js';
import { ignoreAlreadyExists, namespaces, secrets, SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import { logicalClusters, LOGICAL_CLUSTER_NAME, PATH_ANNOTATION } from '../tenancy/index.js';
import type { WatchEvent } from '../storage/index.js';
import { setCondition } from './conditions.js';
import { apiExportEndpointSlices, apiExports } from './kinds/index.js';
import { EXPORT_RESOURCE, exportSpecOf, exportStatusOf, type APIExportStatus } from './types.js';

export const APIS_CONTROLLER_MANAGER = 'atoll-apis-controller';
export const IDENTITY_NAMESPACE = 'kcp-system';
/** An export with this annotation gets no default endpoint slice. */
export const SKIP_ENDPOINT_SLICE = 'apiexports.apis.kcp.io/skip-endpointslice';

/** The identity hash of a key as stored in the secret's `data.key` (base64 of the key text). */
export const identityHashOf = (dataKey: string): string => createHash('sha256').update(Buffer.from(dataKey, 'base64')).digest('hex');

export interface ExportControllerOptions {
  registry: Registry;
  log?: ControllerLog;
}

interface Item {
  cluster: string;
  name: string;
}

export class ExportController {
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  readonly synced: Promise<void>;

  constructor(private readonly options: ExportControllerOptions) {
    const log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      name: 'apiexport',
      concurrency: 8,
      handle: (item) => this.reconcile(item),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'APIExport reconcile failed; retrying'),
    });
    const consider = (cluster: string, name: string): void => this.queue.add(`${cluster}/${name}`, { cluster, name });
    this.loop = new WatchLoop({
      store: options.registry.store,
      name: 'apiexport-controller',
      log,
      resource: EXPORT_RESOURCE,
      resync: async () => {
        const r = await options.registry.store.list({ cluster: '*', resource: EXPORT_RESOURCE });
        r.items.forEach((o, i) => consider(r.clusters?.[i] ?? '', o.metadata.name ?? ''));
        return r.revision;
      },
      onEvent: (e: WatchEvent) => {
        if (e.key && e.type !== 'DELETED') consider(e.key.cluster, e.key.name);
      },
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private async reconcile({ cluster, name }: Item): Promise<Outcome> {
    const { registry } = this.options;
    const ctx: RequestContext = { cluster, user: SYSTEM_USER };
    const exp = await getIfExists(registry, ctx, apiExports, undefined, name);
    if (!exp) return 'done';
    if (exp.metadata.deletionTimestamp) return 'done';
    const ref = exportSpecOf(exp).identity?.secretRef;
    if (!ref?.name) {
      await this.generateIdentity(ctx, exp);
      return 'done';
    }
    const verdict = await this.verifyIdentity(ctx, ref.namespace ?? IDENTITY_NAMESPACE, ref.name, exportStatusOf(exp));
    await rewrite(
      registry,
      ctx,
      apiExports,
      thisObject(exp),
      (current) => {
        const status = structuredClone(exportStatusOf(current));
        if (verdict.hash && !status.identityHash) status.identityHash = verdict.hash;
        status.conditions = setCondition(status.conditions, verdict.condition);
        if (JSON.stringify(status) === JSON.stringify(current.status ?? {})) return undefined;
        current.status = status as Record<string, unknown>;
        return current;
      },
      { subresource: 'status', fieldManager: APIS_CONTROLLER_MANAGER },
    );
    if (!exp.metadata.annotations?.[SKIP_ENDPOINT_SLICE]) await this.ensureEndpointSlice(ctx, exp);
    return verdict.hash ? 'done' : 'retry';
  }

  /** Creates the identity secret (keeping one that exists) and points the export at it. */
  private async generateIdentity(ctx: RequestContext, exp: KubeObject): Promise<void> {
    const { registry } = this.options;
    const name = exp.metadata.name ?? '';
    await createIfAbsent(() => registry.create(ctx, namespaces, undefined, { metadata: { name: IDENTITY_NAMESPACE } }));
    await createIfAbsent(() =>
      registry.create(ctx, secrets, IDENTITY_NAMESPACE, {
        metadata: { name, namespace: IDENTITY_NAMESPACE },
        stringData: { key: randomBytes(32).toString('base64url') },
      }),
    );
    await rewrite(
      registry,
      ctx,
      apiExports,
      thisObject(exp),
      (current) => {
        const spec = exportSpecOf(current);
        if (spec.identity?.secretRef?.name) return undefined;
        current.spec = { ...spec, identity: { secretRef: { namespace: IDENTITY_NAMESPACE, name } } };
        return current;
      },
      { fieldManager: APIS_CONTROLLER_MANAGER },
    );
  }

  private async verifyIdentity(ctx: RequestContext, namespace: string, secretName: string, status: APIExportStatus) {
    const failed = (message: string) => ({
      hash: undefined,
      condition: { type: 'IdentityValid', status: 'False' as const, severity: 'Error' as const, reason: 'IdentityVerificationFailed', message },
    });
    const secret = await getIfExists(this.options.registry, ctx, secrets, namespace, secretName);
    if (!secret) return failed(`secrets "${secretName}" not found`);
    const key = (secret.data as Record<string, string> | undefined)?.key;
    if (!key) return failed(`secret "${namespace}/${secretName}" has no "key"`);
    const hash = identityHashOf(key);
    if (status.identityHash && status.identityHash !== hash) {
      return failed(`hash mismatch: identity secret hash "${hash}" must match status.identityHash "${status.identityHash}"`);
    }
    return { hash, condition: { type: 'IdentityValid', status: 'True' as const } };
  }

  /** kcp's default slice: named as the export, owned by it (so it goes with it). */
  private async ensureEndpointSlice(ctx: RequestContext, exp: KubeObject): Promise<void> {
    const { registry } = this.options;
    const name = exp.metadata.name ?? '';
    const lc = await registry.get(ctx, logicalClusters, undefined, LOGICAL_CLUSTER_NAME).catch(() => undefined);
    const path = lc?.metadata.annotations?.[PATH_ANNOTATION] ?? ctx.cluster;
    await createIfAbsent(() =>
      registry.create(ctx, apiExportEndpointSlices, undefined, {
        metadata: {
          name,
          ownerReferences: [{ apiVersion: 'apis.kcp.io/v1alpha1', kind: 'APIExport', name, uid: exp.metadata.uid ?? '' }],
        },
        spec: { export: { path, name } },
      }),
    );
  }
}

async function createIfAbsent(create: () => Promise<unknown>): Promise<void> {
  await create().catch(ignoreAlreadyExists);
}
