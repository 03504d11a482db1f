/** A registry on a fresh in-memory store with namespace lifecycle admission, and test helpers. */
import { namespaceLifecycle, startControllers, type RunningControllers } from '../../../src/controllers/index.js';
import type { KubeObject } from '../../../src/meta/index.js';
import { ApiError, builtinResourceTypes, namespaces, Registry, type RequestContext } from '../../../src/registry/index.js';
import { EmbeddedStore, type EmbeddedStoreOptions } from '../../../src/storage/index.js';

export interface Fixture {
  store: EmbeddedStore;
  registry: Registry;
  /** Starts the namespace deletion controller and the garbage collector (stopped by close()). */
  start(): Promise<RunningControllers>;
  close(): Promise<void>;
}

export function fixture(options: EmbeddedStoreOptions = {}): Fixture {
  const store = new EmbeddedStore(options);
  const registry = new Registry(store);
  registry.use(namespaceLifecycle(registry));
  const running = new Set<RunningControllers>();
  return {
    store,
    registry,
    async start() {
      const c = startControllers({ registry, typesFor: async () => builtinResourceTypes });
      const tracked: RunningControllers = {
        synced: c.synced,
        stop: async () => {
          running.delete(tracked);
          await c.stop();
        },
      };
      running.add(tracked);
      await c.synced;
      return tracked;
    },
    async close() {
      for (const c of [...running]) await c.stop();
      await store.close();
    },
  };
}

export async function createNamespace(registry: Registry, ctx: RequestContext, name: string, finalizers?: string[]): Promise<KubeObject> {
  return registry.create(ctx, namespaces, undefined, { metadata: { name }, ...(finalizers ? { spec: { finalizers } } : {}) });
}

export { eventually } from '../../support/eventually.js';

/** Whether the object exists (a NotFound ApiError means it does not). */
export async function exists(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return false;
    throw err;
  }
}

export { refused } from '../../support/registry-fixture.js';
