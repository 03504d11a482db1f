/**
 * A shard announces itself: at every start it makes its Shard object in root say where it is
 * served (docs/shards.md). Labels and annotations an administrator set are kept; only the
 * addresses the process knows are brought up to date, so a restart on another port (or behind a
 * new front proxy) is seen by the scheduler and the proxy at once. The root shard writes through
 * its own registry; another shard through the root shard's API (`ShardObjects` hides which).
 */
import { deepEqual, type KubeObject } from '../meta/index.js';
import { ignoreAlreadyExists, isApiError, SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import { shards, type ShardSpec } from './kinds/index.js';
import { ROOT_CLUSTER } from './root.js';

/** Root's Shard objects, wherever they are written from. */
export interface ShardObjects {
  /** Creates the Shard; false when one of that name exists. */
  create(o: KubeObject): Promise<boolean>;
  get(name: string): Promise<KubeObject>;
  /** Writes the Shard (its resourceVersion must be current); false on a conflict. */
  update(o: KubeObject): Promise<boolean>;
}

/** Root's Shards through the root shard's own registry. */
export function registryShards(registry: Registry): ShardObjects {
  const ctx: RequestContext = { cluster: ROOT_CLUSTER, user: SYSTEM_USER };
  return {
    create: (o) => registry.create(ctx, shards, undefined, o).then(
      () => true,
      (e: unknown) => (ignoreAlreadyExists(e), false),
    ),
    get: (name) => registry.get(ctx, shards, undefined, name),
    update: (o) => registry.update(ctx, shards, undefined, o.metadata.name ?? '', o).then(
      () => true,
      (e: unknown) => {
        if (isApiError(e) && e.reason === 'Conflict') return false;
        throw e;
      },
    ),
  };
}

export async function registerShard(objects: ShardObjects, name: string, spec: ShardSpec): Promise<void> {
  const wanted: ShardSpec = { ...spec, externalURL: spec.externalURL ?? spec.baseURL, virtualWorkspaceURL: spec.virtualWorkspaceURL ?? spec.baseURL };
  if (await objects.create({ metadata: { name }, spec: { ...wanted } })) return;
  // Conflicts come from an administrator's edit between our read and write: read again and retry.
  for (let attempt = 0; ; attempt++) {
    const stored = await objects.get(name);
    if (deepEqual(stored.spec, wanted)) return;
    if (await objects.update({ ...stored, spec: { ...wanted } })) return;
    if (attempt >= 4) throw new Error(`Shard "${name}" in root kept changing while it was being registered`);
  }
}
