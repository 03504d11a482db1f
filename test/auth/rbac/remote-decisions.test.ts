/**
 * RemoteDecisions (docs/shards.md, "Authorization across shards"): another shard's answers kept
 * for their TTLs (allowed and denied apart), one question in flight per request, a shard that
 * cannot be asked refusing without its refusal being kept. The reviewer here stands for the
 * holding shard; test/shards/authorization.test.ts asks a real one.
 */
import { describe, expect, it } from 'vitest';
import { RemoteDecisions, resourceAttributes, type ClusterAttributes, type ClusterReviewer } from '../../../src/auth/index.js';

const bob = { name: 'bob', groups: ['system:authenticated'] };
const asked = (user = bob, verb = 'bind'): ClusterAttributes => ({ cluster: 'provider', ...resourceAttributes(user, verb, { apiGroup: 'apis.kcp.io', resource: 'apiexports', name: 'widgets' }) });

function setup(answer: (a: ClusterAttributes) => Promise<{ allowed: boolean; reason?: string }>) {
  let now = 1_000;
  const questions: ClusterAttributes[] = [];
  const reviewer: ClusterReviewer = {
    holderOf: (cluster) => (cluster === 'provider' ? 'shard-1' : undefined),
    review: async (_shard, a) => {
      questions.push(a);
      return answer(a);
    },
  };
  const decisions = new RemoteDecisions({ reviewer, allowedTtlMs: 60_000, deniedTtlMs: 5_000, now: () => now });
  return { decisions, questions, advance: (ms: number) => (now += ms) };
}

describe('another shard’s answers', () => {
  it('keeps an allowed answer for its TTL, then asks again', async () => {
    const { decisions, questions, advance } = setup(async () => ({ allowed: true, reason: 'RBAC: allowed' }));
    expect(await decisions.decide('shard-1', asked())).toEqual({ allowed: true, reason: 'RBAC: allowed' });
    expect(decisions.known(asked())).toEqual({ allowed: true, reason: 'RBAC: allowed' });
    advance(59_000);
    await decisions.decide('shard-1', asked());
    expect(questions).toHaveLength(1);
    advance(2_000);
    expect(decisions.known(asked())).toBeUndefined();
    await decisions.decide('shard-1', asked());
    expect(questions).toHaveLength(2);
  });

  it('keeps a denied answer for the shorter TTL, worded as RBAC words a refusal', async () => {
    const { decisions, questions, advance } = setup(async () => ({ allowed: false }));
    const denied = await decisions.decide('shard-1', asked());
    expect(denied).toEqual({ allowed: false, reason: 'User "bob" cannot bind resource "apiexports" in API group "apis.kcp.io" at the cluster scope' });
    advance(4_000);
    await decisions.decide('shard-1', asked());
    expect(questions).toHaveLength(1);
    advance(2_000);
    await decisions.decide('shard-1', asked());
    expect(questions).toHaveLength(2);
  });

  it('refuses when the shard cannot be asked, says why, and keeps nothing', async () => {
    const { decisions, questions } = setup(async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')));
    const refused = await decisions.decide('shard-1', asked());
    expect(refused.allowed).toBe(false);
    expect(refused.unavailable).toBe(true);
    expect(refused.reason).toBe(
      'User "bob" cannot bind resource "apiexports" in API group "apis.kcp.io" at the cluster scope: shard "shard-1", which holds workspace "provider", could not be asked: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(decisions.known(asked())).toBeUndefined();
    await decisions.decide('shard-1', asked());
    expect(questions).toHaveLength(2);
  });

  it('asks once for many requests at the same time, and apart for each user, extras included', async () => {
    const { decisions, questions } = setup(async () => ({ allowed: true }));
    await Promise.all([decisions.decide('shard-1', asked()), decisions.decide('shard-1', asked()), decisions.decide('shard-1', asked())]);
    expect(questions).toHaveLength(1);
    const scoped = { ...bob, extra: { 'authentication.kcp.io/scopes': ['cluster:elsewhere'] } };
    await decisions.decide('shard-1', asked(scoped));
    await decisions.decide('shard-1', asked(bob, 'get'));
    expect(questions).toHaveLength(3);
    expect(questions[1]?.user).toBe(scoped);
  });

  it('never asks about users every workspace allows', async () => {
    const { decisions, questions } = setup(async () => ({ allowed: false }));
    expect((await decisions.decide('shard-1', asked({ name: 'admin', groups: ['system:masters'] }))).allowed).toBe(true);
    expect(questions).toHaveLength(0);
  });
});
