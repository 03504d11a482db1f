/**
 * The counterexamples the fuzz suites (rest-bodies, graphql-documents) found, shrunk to plain
 * requests and kept as tests: each was answered 5xx or without a clear error before its fix.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();
const NAMESPACES = '/clusters/root/api/v1/namespaces';

describe('REST', () => {
  it('refuses a Namespace whose spec.finalizers is not a list with 422 Invalid, not 500', async () => {
    for (const finalizers of [98980792, 'kubernetes', { a: 'b' }]) {
      const r = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'fz-' }, spec: { finalizers } });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
      expect(r.body.message).toContain('spec.finalizers');
    }
    const spec = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'fz-' }, spec: 'x' });
    expect(spec.status, JSON.stringify(spec.body)).toBe(422);
  });

  it('refuses a continue token that decodes to JSON null with 400 BadRequest, not 500', async () => {
    for (const token of [Buffer.from('null').toString('base64url'), Buffer.from('7').toString('base64url'), Buffer.from('"x"').toString('base64url')]) {
      const r = await fx.call('GET', `${NAMESPACES}?limit=1&continue=${token}`);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'continue key is not valid: malformed token' });
    }
  });
});
