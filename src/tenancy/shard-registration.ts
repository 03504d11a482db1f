/**
 * A shard announces itself: at every start it makes its Shard object in root say where it is
 * served (docs/shards.md). Labels and annotations an administrator set are kept; only the
 * addresses the process knows are brought up to date, so a restart on another port (or behind a
 * new front proxy) is seen by the scheduler and the proxy at once.
 */
import { deepEqual } from '../meta/index.js';
import { ignoreAlreadyExists, isApiError, SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import { shards, type ShardSpec } from './kinds/index.js';
import { ROOT_CLUSTER } from './root.js';

export async function registerShard(registry: Registry, name: string, spec: ShardSpec): Promise<void> {
  const ctx: RequestContext = { cluster: ROOT_CLUSTER, user: SYSTEM_USER };
  const wanted: ShardSpec = { ...spec, externalURL: spec.externalURL ?? spec.baseURL, virtualWorkspaceURL: spec.virtualWorkspaceURL ?? spec.baseURL };
  // Conflicts come from an administrator's edit between our read and write: read again and retry.
  for (let attempt = 0; ; attempt++) {
    const created = await registry.create(ctx, shards, undefined, { metadata: { name }, spec: { ...wanted } }).then(
      () => true,
      (e: unknown) => (ignoreAlreadyExists(e), false),
    );
    if (created) return;
    const stored = await registry.get(ctx, shards, undefined, name);
    if (deepEqual(stored.spec, wanted)) return;
    try {
      await registry.update(ctx, shards, undefined, name, { ...stored, spec: { ...wanted } });
      return;
    } catch (e) {
      if (!(isApiError(e) && e.reason === 'Conflict') || attempt >= 4) throw e;
    }
  }
}
