/**
 * How many times GraphQL subscriptions read the `default` Namespace (a `namespaceObject` field)
 * while `during` runs: the count of executions that shared events save.
 */
import type { Registry } from '../../src/registry/index.js';

export async function countingNamespaceReads(registry: Registry, during: () => Promise<void>): Promise<number> {
  let reads = 0;
  const get = registry.get.bind(registry);
  registry.get = (ctx, type, namespace, name) => {
    // Reads as the subscriber (admission's own read of the namespace, for the write, has no user).
    if (type.kind === 'Namespace' && name === 'default' && ctx.user) reads++;
    return get(ctx, type, namespace, name);
  };
  try {
    await during();
  } finally {
    registry.get = get;
  }
  return reads;
}
