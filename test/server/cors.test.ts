/**
 * CORS as kube-apiserver does it (--cors-allowed-origins): preflights of allowed origins are
 * answered 204 without credentials, allowed origins get the CORS headers on REST and GraphQL
 * answers alike (401s included, so a page can read them), and any other origin gets none — the
 * GraphQL endpoint no longer reflects every Origin with credentials allowed. The flag's patterns are
 * RE2, validated as the apiserver validates them.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtollServer, ConfigError, parseConfig, type ServerConfig } from '../../src/server/index.js';

const ALLOWED = 'https://app.example.com';
const ALLOWED_TOO = 'http://localhost:5173';
const OTHER = 'https://app.example.com.evil.test';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with whatever headers a browser would send (fetch() keeps Origin to itself). */
function request(base: string, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, base), { method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const corsHeaders = (a: Answer): string[] => Object.keys(a.headers).filter((h) => h.startsWith('access-control-'));

function useAtoll(corsAllowedOrigins: string[] | undefined): { base: string; token: string } {
  const state = { base: '', token: '' };
  let server: AtollServer | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-cors-'));
    const config: ServerConfig = { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', ...(corsAllowedOrigins ? { corsAllowedOrigins } : {}) };
    server = new AtollServer(config, pino({ level: 'silent' }));
    await server.start();
    state.base = server.baseUrl;
    state.token = server.adminToken;
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return state;
}

const QUERY = JSON.stringify({ query: '{ v1 { Namespaces { items { metadata { name } } } } }' });

describe('with allowed origins', () => {
  const atoll = useAtoll(['//app\\.example\\.com$', '^http://localhost(:|$)']);
  const bearer = (): Record<string, string> => ({ authorization: `Bearer ${atoll.token}` });

  it('answers an allowed origin’s preflight 204 without credentials, on GraphQL and REST', async () => {
    for (const urlPath of ['/clusters/root/graphql', '/clusters/root/api/v1/namespaces/default/configmaps']) {
      const preflight = await request(atoll.base, 'OPTIONS', urlPath, {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, impersonate-user, impersonate-extra-scopes',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-methods']?.split(', ')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
      const allowed = (preflight.headers['access-control-allow-headers'] ?? '').toLowerCase().split(', ');
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'impersonate-user', 'impersonate-group', 'impersonate-extra-scopes']));
      expect(preflight.headers['access-control-expose-headers']).toBe('Date, Warning');
      expect(preflight.headers.vary).toContain('Origin');
    }
    // Every pattern counts: the second one allows any port of localhost.
    const other = await request(atoll.base, 'OPTIONS', '/clusters/root/graphql', { origin: ALLOWED_TOO, 'access-control-request-method': 'POST' });
    expect(other.status).toBe(204);
    expect(other.headers['access-control-allow-origin']).toBe(ALLOWED_TOO);
  });

  it('refuses any other origin’s preflight as an unauthenticated request, without CORS headers', async () => {
    for (const origin of [OTHER, 'http://app.example.com.evil.test', 'null', 'https://localhost.evil.test']) {
      const preflight = await request(atoll.base, 'OPTIONS', '/clusters/root/graphql', { origin, 'access-control-request-method': 'POST' });
      expect(preflight.status).toBe(401);
      expect(corsHeaders(preflight)).toEqual([]);
    }
  });

  it('adds the CORS headers to an allowed origin’s requests, REST and GraphQL, answered or refused', async () => {
    const graphql = await request(atoll.base, 'POST', '/clusters/root/graphql', { origin: ALLOWED, 'content-type': 'application/json', ...bearer() }, QUERY);
    expect(graphql.status).toBe(200);
    expect(graphql.body).toContain('"default"');
    expect(graphql.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(graphql.headers['access-control-allow-credentials']).toBe('true');
    const rest = await request(atoll.base, 'GET', '/clusters/root/api/v1/namespaces', { origin: ALLOWED, ...bearer() });
    expect(rest.status).toBe(200);
    expect(rest.headers['access-control-allow-origin']).toBe(ALLOWED);
    // A refusal is readable by the page too (it learns that its token is wrong, not "network error").
    const refused = await request(atoll.base, 'GET', '/clusters/root/api/v1/namespaces', { origin: ALLOWED, authorization: 'Bearer nope' });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it('never reflects another origin, on GraphQL or REST', async () => {
    const graphql = await request(atoll.base, 'POST', '/clusters/root/graphql', { origin: OTHER, 'content-type': 'application/json', ...bearer() }, QUERY);
    expect(graphql.status).toBe(200);
    expect(corsHeaders(graphql)).toEqual([]);
    const rest = await request(atoll.base, 'GET', '/clusters/root/api/v1/namespaces', { origin: OTHER, ...bearer() });
    expect(corsHeaders(rest)).toEqual([]);
    // Caches learn that the answer depends on the Origin.
    expect(rest.headers.vary).toContain('Origin');
  });
});

describe('without --cors-allowed-origins (the default)', () => {
  const atoll = useAtoll(undefined);

  it('sends no CORS headers to any origin, and preflights need credentials', async () => {
    const graphql = await request(atoll.base, 'POST', '/clusters/root/graphql', { origin: ALLOWED, 'content-type': 'application/json', authorization: `Bearer ${atoll.token}` }, QUERY);
    expect(graphql.status).toBe(200);
    expect(corsHeaders(graphql)).toEqual([]);
    const preflight = await request(atoll.base, 'OPTIONS', '/clusters/root/graphql', { origin: ALLOWED, 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(401);
    expect(corsHeaders(preflight)).toEqual([]);
  });
});

describe('--cors-allowed-origins', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig => parseConfig(argv, env, '/srv') as ServerConfig;

  it('takes comma-separated regular expressions from the flag or the environment, the flag winning', () => {
    expect(parse([]).corsAllowedOrigins).toBeUndefined();
    expect(parse([], { ATOLL_CORS_ALLOWED_ORIGINS: '//a\\.test$, ^https://b\\.test(:|$)' }).corsAllowedOrigins).toEqual(['//a\\.test$', '^https://b\\.test(:|$)']);
    expect(parse(['--cors-allowed-origins', '//c\\.test$'], { ATOLL_CORS_ALLOWED_ORIGINS: '//a\\.test$' }).corsAllowedOrigins).toEqual(['//c\\.test$']);
  });

  it('refuses patterns that do not compile, do not pin the host, or are empty', () => {
    expect(() => parse(['--cors-allowed-origins', '//a(\\.test$'])).toThrow(/invalid regular expression "\/\/a\(\\\.test\$"/);
    // The apiserver's rule (CVE-2022-1996): "example.com" would also allow example.com.evil.test.
    expect(() => parse(['--cors-allowed-origins', 'example\\.com'])).toThrow(/does not pin to the start and end of the host/);
    expect(() => parse(['--cors-allowed-origins', '//example\\.com'])).toThrow(ConfigError);
    expect(() => parse(['--cors-allowed-origins', '//a\\.test$,,//b\\.test$'])).toThrow(/empty value/);
  });
});
