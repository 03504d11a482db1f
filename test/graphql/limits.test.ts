/**
 * Hostile GraphQL documents against the real server: deep, wide (alias bombs), long (token
 * floods), costly, directive-stuffed, and oversized bodies are refused with a clear error before
 * anything runs, probing for field names gets no suggestions, and the server stays healthy.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();

interface Reply {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(body: string): Promise<Reply> {
  const res = await fetch(`${fx.base}/clusters/root/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Reply['body'] };
}
const query = (q: string): Promise<Reply> => post(JSON.stringify({ query: q }));
const messages = (r: Reply): string => (r.body.errors ?? []).map((e) => e.message).join(' | ');

describe('query limits', () => {
  it('refuses a query nested deeper than the limit', async () => {
    const deep = `{ v1 { ${'a { '.repeat(20)}b${' }'.repeat(20)} } }`;
    const r = await query(deep);
    expect(r.body.data).toBeUndefined();
    // Deep documents also cost exponentially more: whichever limit trips first refuses it.
    expect(messages(r)).toMatch(/depth|cost/i);
  });

  it('refuses alias bombs', async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: v1 { Namespaces { items { metadata { name } } } }`).join(' ');
    const r = await query(`{ ${aliases} }`);
    expect(r.body.data).toBeUndefined();
    expect(messages(r)).toMatch(/aliases/i);
  });

  it('refuses token floods and directive stuffing', async () => {
    const flood = await query(`{ v1 { Namespaces { items { metadata { ${'name '.repeat(6_000)} } } } } }`);
    expect(messages(flood)).toMatch(/token/i);
    const stuffed = await query(`{ v1 { Namespaces { items { metadata { name ${'@include(if: true) '.repeat(50)} } } } } }`);
    expect(messages(stuffed)).toMatch(/directives/i);
  });

  it('gives no field suggestions to a prober', async () => {
    const r = await query('{ v1 { Namespac { items { metadata { name } } } } }');
    expect(messages(r)).toContain('Cannot query field');
    expect(messages(r)).not.toMatch(/Did you mean/);
    // What stands in for the suggestion says why, and where the names are.
    expect(messages(r)).toContain('[Suggestion hidden: this server names no fields in errors; its schema is in GraphiQL\'s docs or by introspection]');
  });

  it('refuses oversized bodies with 413 and stays healthy', async () => {
    const huge = JSON.stringify({ query: '{ __typename }', variables: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    const r = await post(huge);
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const ok = await query('{ v1 { Namespace(name: "default") { metadata { name } } } }');
    expect(ok.body.data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    expect((await fetch(`${fx.base}/readyz`)).status).toBe(200);
  });

  it('still serves introspection (GraphiQL and codegen need it)', async () => {
    const r = await query('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }');
    expect(r.body.errors).toBeUndefined();
  });
});
