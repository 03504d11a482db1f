/**
 * Workspace type rules (groundwork of the workspaces issue): type chains through `extend.with`,
 * initializers, kcp's limitAllowedParents / limitAllowedChildren, and default child types.
 */
import { describe, expect, it } from 'vitest';
import { ctx, refused, useRegistry } from '../support/registry-fixture.js';
import { workspaces, workspaceTypes } from '../../src/tenancy/kinds/index.js';
import { WorkspaceTypeRules } from '../../src/tenancy/types.js';

const fx = useRegistry();
const resolver = { resolve: async (p: string) => (p === 'root' ? 'root' : undefined) };

async function seedTypes(): Promise<WorkspaceTypeRules> {
  const type = (name: string, spec: object) => fx.reg.create(ctx, workspaceTypes, undefined, { metadata: { name }, spec });
  await type('root', { defaultChildWorkspaceType: { name: 'organization', path: 'root' }, limitAllowedParents: { none: true } });
  await type('universal', { initializer: true });
  await type('organization', {
    extend: { with: [{ name: 'universal', path: 'root' }] },
    defaultChildWorkspaceType: { name: 'universal' },
    limitAllowedParents: { types: [{ name: 'root', path: 'root' }] },
  });
  await type('team', { extend: { with: [{ name: 'universal' }] }, limitAllowedParents: { types: [{ name: 'organization' }, { name: 'team' }] } });
  await type('leaf', { limitAllowedChildren: { none: true } });
  return new WorkspaceTypeRules(fx.reg, resolver);
}

describe('workspace type rules', () => {
  it('follows extension chains and collects initializers', async () => {
    const rules = await seedTypes();
    expect((await rules.chain({ name: 'team' })).map((t) => t.key)).toEqual(['root:team', 'root:universal']);
    expect((await rules.lifecycle({ name: 'organization', path: 'root' })).initializers).toEqual(['root:universal']);
    expect((await rules.lifecycle({ name: 'root' })).initializers).toEqual([]);
  });

  it('allows and forbids children by the parent and child limits', async () => {
    const rules = await seedTypes();
    await rules.checkAllowed('org', { name: 'organization' }, 'root:root');
    await rules.checkAllowed('t', { name: 'team' }, 'root:organization');
    // A team inside a team counts, and so does anything under a type that extends an allowed one.
    await rules.checkAllowed('t2', { name: 'team' }, 'root:team');
    const teamInRoot = await refused(() => rules.checkAllowed('t', { name: 'team' }, 'root:root'));
    expect(teamInRoot.code).toBe(403);
    expect(teamInRoot.message).toContain('only allows parents of type root:organization, root:team');
    expect((await refused(() => rules.checkAllowed('r', { name: 'root' }, 'root:organization'))).code).toBe(403);
    expect((await refused(() => rules.checkAllowed('x', { name: 'universal' }, 'root:leaf'))).message).toContain('does not allow child workspaces');
    const missing = await refused(() => rules.checkAllowed('x', { name: 'nope' }, 'root:root'));
    expect(missing.code).toBe(422);
    expect(missing.details?.causes?.[0]?.field).toBe('spec.type');
    expect((await refused(() => rules.checkAllowed('x', { name: 'universal', path: 'root:elsewhere' }, 'root:root'))).code).toBe(422);
  });

  it('defaults child types along the chain, then to universal', async () => {
    const rules = await seedTypes();
    expect(await rules.defaultChild('root:root')).toEqual({ name: 'organization', path: 'root' });
    expect(await rules.defaultChild('root:organization')).toEqual({ name: 'universal', path: 'root' });
    expect(await rules.defaultChild('root:team')).toEqual({ name: 'universal', path: 'root' });
  });
});

describe('Workspace objects', () => {
  it('get a system-chosen logical cluster name, Scheduling phase and a finalizer; the type is immutable', async () => {
    const ws = await fx.reg.create(ctx, workspaces, undefined, { metadata: { name: 'team-a' }, spec: { type: { name: 'universal' }, cluster: 'mine' } });
    const spec = ws.spec as { cluster: string };
    expect(spec.cluster).toMatch(/^[a-z0-9]{16}$/);
    expect(ws.status).toEqual({ phase: 'Scheduling' });
    expect(ws.metadata.finalizers).toEqual(['tenancy.kcp.io/logicalcluster']);
    const retype = await refused(() => fx.reg.update(ctx, workspaces, undefined, 'team-a', { ...ws, spec: { ...spec, type: { name: 'team' } } }));
    expect(retype.details?.causes?.[0]?.field).toBe('spec.type');
    const moved = await fx.reg.update(ctx, workspaces, undefined, 'team-a', { ...ws, metadata: { ...ws.metadata, labels: { region: 'eu' } }, spec: { ...spec, cluster: 'other' } });
    expect((moved.spec as { cluster: string }).cluster).toBe(spec.cluster);
    const bad = await refused(() => fx.reg.create(ctx, workspaces, undefined, { metadata: { name: 'Bad:Name' } }));
    expect(bad.code).toBe(422);
  });
});
