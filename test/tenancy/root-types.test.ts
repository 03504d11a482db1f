/**
 * Root's built-in WorkspaceTypes across versions: a data directory from before the system exports
 * has `universal` without its default bindings; a start brings it up to date unless an
 * administrator edited it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/index.js';
import { EmbeddedStore } from '../../src/storage/index.js';
import { BUILTIN_WORKSPACE_TYPES, ensureRootCluster, requiredLogicalCluster, workspaceTypes } from '../../src/tenancy/index.js';

const root = { cluster: 'root' };
let store: EmbeddedStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function registryWithUniversal(spec: Record<string, unknown>): Promise<Registry> {
  store = new EmbeddedStore();
  const registry = new Registry(store, { createRequires: requiredLogicalCluster });
  await ensureRootCluster(registry);
  const stored = await registry.get(root, workspaceTypes, undefined, 'universal');
  await registry.update(root, workspaceTypes, undefined, 'universal', { ...stored, spec });
  return registry;
}

describe('the built-in universal type on an existing data directory', () => {
  it('gains the system exports’ default bindings when it reads as an earlier version wrote it', async () => {
    const registry = await registryWithUniversal({ initializer: true, defaultChildWorkspaceType: { name: 'universal', path: 'root' } });
    await ensureRootCluster(registry);
    const now = await registry.get(root, workspaceTypes, undefined, 'universal');
    expect(now.spec).toEqual(BUILTIN_WORKSPACE_TYPES.universal);
    expect((now.spec as { defaultAPIBindings?: unknown[] }).defaultAPIBindings).toHaveLength(2);
  });

  it('is left as it is when an administrator edited it', async () => {
    const edited = { initializer: true, defaultChildWorkspaceType: { name: 'universal', path: 'root' }, limitAllowedChildren: { none: true } };
    const registry = await registryWithUniversal(edited);
    await ensureRootCluster(registry);
    expect((await registry.get(root, workspaceTypes, undefined, 'universal')).spec).toEqual(edited);
  });
});
