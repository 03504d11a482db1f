/**
 * The front proxy's path index on its own, without proxying: canonical paths, cluster names,
 * homes, paths walked across shards, re-lists that replace one shard's contents, and a logical
 * cluster reported by a second shard (a newer placement) surviving the first one's deletion.
 */
import { describe, expect, it } from 'vitest';
import { PathIndex } from '../../src/proxy/index.js';
import { homeClusterName } from '../../src/tenancy/index.js';

/** root on shard `root`; root:org on `s1`; root:org:team on `s2` (the Workspace `team` lives in org's shard). */
function tree(): PathIndex {
  const index = new PathIndex();
  index.replaceShard('root', { clusters: [{ name: 'root', path: 'root' }], workspaces: [{ parent: 'root', name: 'org', cluster: 'c-org' }] });
  index.replaceShard('s1', { clusters: [{ name: 'c-org', path: 'root:org' }], workspaces: [{ parent: 'c-org', name: 'team', cluster: 'c-team' }] });
  index.replaceShard('s2', { clusters: [{ name: 'c-team', path: 'root:org:team' }], workspaces: [] });
  return index;
}

describe('the path index', () => {
  it('routes canonical paths and cluster names to the shard that holds them', () => {
    const index = tree();
    expect(index.resolve('root')).toEqual({ shard: 'root', cluster: 'root' });
    expect(index.resolve('root:org')).toEqual({ shard: 's1', cluster: 'c-org' });
    expect(index.resolve('root:org:team')).toEqual({ shard: 's2', cluster: 'c-team' });
    expect(index.resolve('c-team')).toEqual({ shard: 's2', cluster: 'c-team' });
    expect(index.size).toEqual({ clusters: 3, workspaces: 2 });
  });

  it('walks Workspaces for paths that are not canonical, across shards', () => {
    const index = tree();
    expect(index.resolve('c-org:team')).toEqual({ shard: 's2', cluster: 'c-team' });
  });

  it('resolves nothing for unknown, unscheduled or invalid paths', () => {
    const index = tree();
    index.setWorkspace('s2', { parent: 'c-team', name: 'pending' });
    expect(index.resolve('root:nope')).toBeUndefined();
    expect(index.resolve('root:org:team:pending')).toBeUndefined();
    expect(index.resolve('Root')).toBeUndefined();
    expect(index.resolve('root::org')).toBeUndefined();
    expect(index.resolve(Array.from({ length: 40 }, () => 'a').join(':'))).toBeUndefined();
  });

  it('resolves user:<name> to that user’s home and paths below it', () => {
    const index = tree();
    const home = homeClusterName('alice');
    index.replaceShard('s1', {
      clusters: [{ name: 'c-org', path: 'root:org' }, { name: home, path: 'user:alice' }, { name: 'c-proj', path: 'user:alice:proj' }],
      workspaces: [{ parent: 'c-org', name: 'team', cluster: 'c-team' }, { parent: home, name: 'proj', cluster: 'c-proj' }],
    });
    expect(index.resolve('user:alice')).toEqual({ shard: 's1', cluster: home });
    index.setCluster('s1', { name: 'c-proj' });
    expect(index.resolve('user:alice:proj')).toEqual({ shard: 's1', cluster: 'c-proj' });
    expect(index.resolve('user:bob')).toBeUndefined();
  });

  it('replaces a shard’s contents on a re-list and forgets a removed shard', () => {
    const index = tree();
    index.replaceShard('s2', { clusters: [], workspaces: [] });
    expect(index.resolve('root:org:team')).toBeUndefined();
    expect(index.resolve('root:org')).toEqual({ shard: 's1', cluster: 'c-org' });
    index.removeShard('s1');
    expect(index.resolve('root:org')).toBeUndefined();
    expect(index.shards().sort()).toEqual(['root', 's2']);
    expect(index.size).toEqual({ clusters: 1, workspaces: 1 });
  });

  it('keeps a logical cluster another shard reported since, when the first deletes it', () => {
    const index = tree();
    index.setCluster('s1', { name: 'c-team', path: 'root:org:team' });
    index.deleteCluster('s2', 'c-team');
    expect(index.resolve('root:org:team')).toEqual({ shard: 's1', cluster: 'c-team' });
    index.replaceShard('s2', { clusters: [], workspaces: [] });
    expect(index.resolve('root:org:team')).toEqual({ shard: 's1', cluster: 'c-team' });
  });

  it('follows a workspace deleted and a path that moved', () => {
    const index = tree();
    index.deleteWorkspace('s1', 'c-org', 'team');
    expect(index.resolve('c-org:team')).toBeUndefined();
    // The canonical path still names the logical cluster until it is purged.
    expect(index.resolve('root:org:team')).toEqual({ shard: 's2', cluster: 'c-team' });
    index.deleteCluster('s2', 'c-team');
    expect(index.resolve('root:org:team')).toBeUndefined();
  });
});
