/** An in-process Atoll server on a temporary data directory, with small HTTP helpers (workspaces, REST, GraphQL tests). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import type { GraphQLSettings } from '../../src/graphql/index.js';
import { AtollServer, type AuthSettings } from '../../src/server/index.js';
import type { WatchHubOptions } from '../../src/storage/index.js';
import { eventually } from './eventually.js';
import { fetchTrusting, type Fetch } from './tls-fetch.js';

export interface Reply {
  status: number;
  body: Record<string, unknown> & {
    metadata?: Record<string, unknown> & { name?: string; annotations?: Record<string, string>; resourceVersion?: string; uid?: string };
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
    items?: { metadata: { name: string } }[];
    message?: string;
    reason?: string;
    details?: { causes?: { field?: string }[] };
  };
}

export interface ServerFixture {
  readonly server: AtollServer;
  readonly base: string;
  /** The admin's bearer token (kcp-admin, group system:kcp:admin: cluster-admin in every workspace). */
  readonly adminToken: string;
  /** `Authorization: Bearer <admin token>`, for tests that make their own requests. */
  readonly headers: Record<string, string>;
  /** `fetch`, trusting the server's CA when it serves TLS. */
  readonly fetch: Fetch;
  /** A request as the admin. */
  call(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<Reply>;
  /** A request with another bearer token, or none (undefined). */
  callAs(token: string | undefined, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<Reply>;
  /** A graphql-ws client of the workspace's endpoint, as the admin, that does not reconnect. */
  graphqlClient(workspace: string): Client;
  /** Creates a workspace under `parent` and waits until it is Ready; returns it. */
  workspace(parent: string, name: string, type?: { name: string; path?: string }): Promise<Reply['body']>;
}

/**
 * `graphql` overrides the GraphQL settings (introspection, persisted operations); `auth` the
 * authentication and authorization settings (default: RBAC, no anonymous requests, as `npm start`).
 * The server speaks plain HTTP unless `tls` (kubectl sends bearer tokens over TLS only). `watch`
 * sets the watch hub's limits (small ones let a test make a watcher fall behind with few writes).
 */
export function useServer(options: { graphql?: GraphQLSettings; auth?: Partial<AuthSettings>; tls?: boolean; watch?: WatchHubOptions; homeWorkspaces?: boolean } = {}): ServerFixture {
  let tlsFetch: Fetch | undefined;
  let server: AtollServer | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-ws-'));
    const graphql = options.graphql ? { graphql: options.graphql } : {};
    const watch = options.watch ? { watch: options.watch } : {};
    const auth: AuthSettings = { anonymous: false, authorization: 'RBAC', ...options.auth };
    const home = options.homeWorkspaces === undefined ? {} : { homeWorkspaces: options.homeWorkspaces };
    server = new AtollServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', auth, tls: options.tls ?? false, ...graphql, ...watch, ...home }, pino({ level: 'silent' }));
    await server.start();
    if (server.pki) tlsFetch = fetchTrusting(server.pki.ca.cert);
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const fx: ServerFixture = {
    get server() {
      if (!server) throw new Error('the server runs only inside tests');
      return server;
    },
    get base() {
      return fx.server.baseUrl;
    },
    get adminToken() {
      return fx.server.adminToken;
    },
    get headers() {
      return bearer(fx.adminToken);
    },
    get fetch() {
      return tlsFetch ?? fetch;
    },
    call(method, urlPath, body, contentType) {
      return fx.callAs(fx.adminToken, method, urlPath, body, contentType);
    },
    async callAs(token, method, urlPath, body, contentType = 'application/json') {
      const res = await fx.fetch(`${fx.base}${urlPath}`, {
        method,
        headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': contentType }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Reply['body']) : {} };
    },
    graphqlClient(workspace) {
      return createClient({
        url: `${fx.base.replace('http', 'ws')}/clusters/${workspace}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: fx.headers.authorization },
      });
    },
    async workspace(parent, name, type) {
      const created = await fx.call('POST', `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces`, {
        metadata: { name },
        ...(type ? { spec: { type } } : {}),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let ready: Reply['body'] = created.body;
      await eventually(async () => {
        const got = await fx.call('GET', `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces/${name}`);
        expect(got.body.status?.phase).toBe('Ready');
        expect(got.body.spec?.URL).toBeDefined();
        ready = got.body;
      });
      return ready;
    },
  };
  return fx;
}

/** `Authorization: Bearer <token>`, for requests a test makes itself (e.g. to an AtollServer it started). */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export const WORKSPACES = (parent: string): string => `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces`;
export const CONFIGMAPS = (cluster: string, ns = 'default'): string => `/clusters/${cluster}/api/v1/namespaces/${ns}/configmaps`;
