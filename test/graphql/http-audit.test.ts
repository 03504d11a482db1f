/**
 * GraphQL over HTTP conformance: the graphql-http server audits (the spec's reference suite)
 * against a workspace endpoint. Every MUST audit has to pass; SHOULD and MAY results are
 * reported, not enforced.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();

type Level = 'MUST' | 'SHOULD' | 'MAY';
const levelOf = (name: string): Level => name.split(' ', 1)[0] as Level;

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it('passes every MUST audit against /clusters/root/graphql', async () => {
    // As the admin: the audits are about the protocol, which only an authenticated caller reaches.
    const asAdmin: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', fx.headers.authorization as string);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: `${fx.base}/clusters/root/graphql`, fetchFn: asAdmin });
    const results: AuditResult[] = [];
    for (const audit of audits) results.push(await audit.fn());

    const summary = (['MUST', 'SHOULD', 'MAY'] as const)
      .map((level) => {
        const of = results.filter((r) => levelOf(r.name) === level);
        const ok = of.filter((r) => r.status === 'ok').length;
        return `${level} ${ok}/${of.length} ok`;
      })
      .join(', ');
    const notOk = results.filter((r) => r.status !== 'ok');
    console.log(
      `graphql-http audits: ${summary}` +
        (notOk.length ? `; not ok: ${notOk.map((r) => `[${r.status}] ${r.id} ${r.name}${'reason' in r ? ` (${r.reason})` : ''}`).join('; ')}` : ''),
    );

    const mustFailures = results.filter((r) => levelOf(r.name) === 'MUST' && r.status !== 'ok');
    const message = mustFailures.map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : r.status}`).join('\n');
    expect(mustFailures.length, `MUST audits failing:\n${message}`).toBe(0);
    expect(results.length).toBeGreaterThan(0);
  });
});
