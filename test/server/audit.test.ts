/**
 * The audit log (--audit-log-path, --audit-level) of a real server process: one audit.k8s.io/v1
 * Event line per write made for a request, over REST and GraphQL, saying who, what, in which
 * workspace and with what result (refusals too), with the request's Audit-Id; at level Request
 * also the object sent; the server's own writes are left out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestAtoll, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { fetchTrusting } from '../support/tls-fetch.js';

const dirs: string[] = [];
const procs: AtollProcess[] = [];
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) await p.stop('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface AuditEvent {
  kind: string;
  apiVersion: string;
  level: string;
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef: { resource: string; namespace?: string; name?: string; apiGroup: string; apiVersion: string };
  responseStatus: { code: number; reason?: string };
  requestObject?: { metadata?: { name?: string }; data?: Record<string, string> };
  annotations: Record<string, string>;
}

const CM = '/clusters/root/api/v1/namespaces/default/configmaps';

describe('the audit log', () => {
  it('records each write made for a request: who, what, which workspace, the result', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-audit-'));
    dirs.push(dir);
    const log = path.join(dir, 'audit', 'audit.log');
    const p = await startAtoll(['--port', '0', '--data-dir', path.join(dir, 'data'), '--audit-log-path', log, '--audit-level', 'Request']);
    procs.push(p);
    const json = { ...p.headers, 'content-type': 'application/json' };
    const created = await fetchWith(p, 'POST', CM, json, { metadata: { name: 'audited' }, data: { a: '1' } }, { 'audit-id': 'create-1' });
    expect(created.status).toBe(201);
    expect((await fetchWith(p, 'POST', CM, json, { metadata: { name: 'audited' } })).status).toBe(409);
    expect((await fetchWith(p, 'PATCH', `${CM}/audited`, { ...p.headers, 'content-type': 'application/merge-patch+json' }, { data: { a: '2' } })).status).toBe(200);
    // The same document twice: the second runs prepared, without envelop (src/graphql/prepared.ts).
    const create = 'mutation ($name: String!) { createV1ConfigMap(namespace: "default", object: { metadata: { name: $name } }) { metadata { name } } }';
    for (const [name, id] of [['from-graphql', 'graphql-1'], ['prepared', 'graphql-2']]) {
      expect((await fetchWith(p, 'POST', '/clusters/root/graphql', json, { query: create, variables: { name } }, { 'audit-id': id as string })).status).toBe(200);
    }
    expect((await fetchWith(p, 'DELETE', `${CM}/audited`, p.headers)).status).toBe(200);
    // Reads are not writes.
    expect((await requestAtoll(p, CM, { headers: p.headers })).status).toBe(200);
    await p.stop();

    const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    const mine = events.filter((e) => e.objectRef.resource === 'configmaps');
    expect(mine.map((e) => [e.verb, e.objectRef.name, e.responseStatus.code])).toEqual([
      ['create', 'audited', 201],
      ['create', 'audited', 409],
      ['patch', 'audited', 200],
      ['create', 'from-graphql', 201],
      ['create', 'prepared', 201],
      ['delete', 'audited', 200],
    ]);
    const [first, conflict] = mine as [AuditEvent, AuditEvent];
    expect(first).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Request',
      auditID: 'create-1',
      stage: 'ResponseComplete',
      requestURI: CM,
      user: { username: 'kcp-admin' },
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'audited', apiGroup: '', apiVersion: 'v1' },
      annotations: { 'kcp.io/cluster': 'root' },
      requestObject: { metadata: { name: 'audited' }, data: { a: '1' } },
    });
    expect(first.user.groups).toContain('system:kcp:admin');
    expect(conflict.responseStatus.reason).toBe('AlreadyExists');
    expect(mine[3]?.requestURI).toBe('/clusters/root/graphql');
    expect(mine[4]).toMatchObject({ auditID: 'graphql-2', requestURI: '/clusters/root/graphql', user: { username: 'kcp-admin' }, objectRef: { name: 'prepared' } });
    // The server's own writes (the namespace controller, bootstrap) are not requests.
    expect(events.every((e) => e.user.username !== 'system:atoll:controllers')).toBe(true);
  });

  it('refuses an unknown level', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-audit-off-'));
    dirs.push(dir);
    const r = await runAtoll(['--audit-log-path', path.join(dir, 'a.log'), '--audit-level', 'RequestResponse']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('invalid audit level "RequestResponse": expected one of None, Metadata, Request');
  });
});

async function fetchWith(p: AtollProcess, method: string, urlPath: string, headers: Record<string, string>, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number }> {
  const res = await fetchTrusting(p.ca as string)(new URL(urlPath, p.url).href, { method, headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await res.text();
  return { status: res.status };
}
