/**
 * Server configuration from flags and environment: the GraphQL settings (introspection, persisted
 * operations) and the security settings (TLS, token file, anonymous requests, authorization mode)
 * with their defaults, flags winning over the environment, and clear errors.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ServerConfig } from '../../src/server/index.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig => parseConfig(argv, env, '/srv') as ServerConfig;

describe('GraphQL settings', () => {
  it('default to introspection enabled and no persisted operations', () => {
    expect(parse([]).graphql).toEqual({ introspection: 'enabled', onlyPersisted: false, timeoutMs: 30_000, maxBodyBytes: 1_048_576, schemaCacheBytes: 268_435_456 });
  });

  it('come from the environment, and flags win', () => {
    const env = { ATOLL_GRAPHQL_INTROSPECTION: 'disabled', ATOLL_GRAPHQL_PERSISTED_OPERATIONS: 'ops.json', ATOLL_GRAPHQL_ONLY_PERSISTED: 'true' };
    expect(parse([], env).graphql).toEqual({ introspection: 'disabled', persistedOperations: path.resolve('/srv', 'ops.json'), onlyPersisted: true, timeoutMs: 30_000, maxBodyBytes: 1_048_576, schemaCacheBytes: 268_435_456 });
    expect(parse(['--graphql-introspection', 'enabled', '--graphql-persisted-operations', '/etc/atoll/ops.json'], env).graphql).toEqual({
      introspection: 'enabled',
      persistedOperations: '/etc/atoll/ops.json',
      onlyPersisted: true,
      timeoutMs: 30_000,
      maxBodyBytes: 1_048_576,
      schemaCacheBytes: 268_435_456,
    });
    expect(parse(['--graphql-persisted-operations', 'x.json', '--graphql-only-persisted']).graphql).toEqual({
      introspection: 'enabled',
      persistedOperations: '/srv/x.json',
      onlyPersisted: true,
      timeoutMs: 30_000,
      maxBodyBytes: 1_048_576,
      schemaCacheBytes: 268_435_456,
    });
    expect(parse([], { ATOLL_GRAPHQL_ONLY_PERSISTED: '0' }).graphql?.onlyPersisted).toBe(false);
    expect(parse(['--graphql-timeout', '500'], { ATOLL_GRAPHQL_TIMEOUT_MS: '9000' }).graphql?.timeoutMs).toBe(500);
    expect(parse([], { ATOLL_GRAPHQL_TIMEOUT_MS: '9000' }).graphql?.timeoutMs).toBe(9000);
    expect(parse(['--graphql-max-body-bytes', '65536'], { ATOLL_GRAPHQL_MAX_BODY_BYTES: '2097152' }).graphql?.maxBodyBytes).toBe(65536);
    expect(parse([], { ATOLL_GRAPHQL_MAX_BODY_BYTES: '2097152' }).graphql?.maxBodyBytes).toBe(2_097_152);
    expect(parse(['--graphql-schema-cache-bytes', '8388608'], { ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES: '2097152' }).graphql?.schemaCacheBytes).toBe(8_388_608);
    expect(parse([], { ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES: '2097152' }).graphql?.schemaCacheBytes).toBe(2_097_152);
  });

  it('refuse bad values with a clear message', () => {
    expect(() => parse(['--graphql-introspection', 'off'])).toThrow(new ConfigError('invalid GraphQL introspection setting "off": expected enabled or disabled'));
    expect(() => parse([], { ATOLL_GRAPHQL_ONLY_PERSISTED: 'yes' })).toThrow(/invalid ATOLL_GRAPHQL_ONLY_PERSISTED "yes"/);
    expect(() => parse(['--graphql-only-persisted'])).toThrow('--graphql-only-persisted needs --graphql-persisted-operations');
    expect(() => parse(['--graphql-persisted-operations', ' '])).toThrow('the persisted operations file must not be empty');
    expect(() => parse(['--graphql-timeout', '0'])).toThrow('invalid GraphQL timeout "0"');
    expect(() => parse([], { ATOLL_GRAPHQL_TIMEOUT_MS: '5s' })).toThrow('invalid GraphQL timeout "5s"');
    expect(() => parse(['--graphql-max-body-bytes', '1MiB'])).toThrow('invalid GraphQL body limit "1MiB"');
    expect(() => parse([], { ATOLL_GRAPHQL_MAX_BODY_BYTES: '10' })).toThrow('invalid GraphQL body limit "10"');
    expect(() => parse(['--graphql-schema-cache-bytes', '256MiB'])).toThrow('invalid GraphQL schema cache size "256MiB"');
    expect(() => parse([], { ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES: '1000' })).toThrow('invalid GraphQL schema cache size "1000"');
  });
});

describe('security settings', () => {
  it('default to HTTPS, RBAC, no anonymous requests and no token file', () => {
    const config = parse([]);
    expect(config.tls).toBe(true);
    expect(config.auth).toEqual({ anonymous: false, authorization: 'RBAC' });
  });

  it('come from flags', () => {
    const config = parse(['--plain-http', '--token-auth-file', 'tokens.csv', '--anonymous-auth', '--authorization-mode', 'AlwaysAllow']);
    expect(config.tls).toBe(false);
    expect(config.auth).toEqual({ anonymous: true, authorization: 'AlwaysAllow', tokenFile: path.resolve('/srv', 'tokens.csv') });
    expect(parse(['--authorization-mode', 'RBAC']).auth?.authorization).toBe('RBAC');
    expect(parse(['--token-auth-file', '/etc/atoll/tokens.csv']).auth?.tokenFile).toBe('/etc/atoll/tokens.csv');
  });

  it('come from the environment, and flags win', () => {
    const env = { ATOLL_PLAIN_HTTP: 'true', ATOLL_TOKEN_AUTH_FILE: 'env.csv', ATOLL_ANONYMOUS_AUTH: '1', ATOLL_AUTHORIZATION_MODE: 'AlwaysAllow' };
    const fromEnv = parse([], env);
    expect(fromEnv.tls).toBe(false);
    expect(fromEnv.auth).toEqual({ anonymous: true, authorization: 'AlwaysAllow', tokenFile: '/srv/env.csv' });
    const flagsWin = parse(['--token-auth-file', 'flag.csv', '--authorization-mode', 'RBAC'], env);
    expect(flagsWin.auth).toEqual({ anonymous: true, authorization: 'RBAC', tokenFile: '/srv/flag.csv' });
    expect(parse([], { ATOLL_PLAIN_HTTP: 'false', ATOLL_ANONYMOUS_AUTH: '0' })).toMatchObject({ tls: true, auth: { anonymous: false } });
    // An empty variable is no token file, as for the persisted operations file.
    expect(parse([], { ATOLL_TOKEN_AUTH_FILE: '' }).auth).toEqual({ anonymous: false, authorization: 'RBAC' });
  });

  it('take the request-header CA and allowed names from flags or the environment (default: none set, the server’s CA and atoll-front-proxy)', () => {
    expect(parse([]).auth?.requestHeader).toBeUndefined();
    expect(parse(['--requestheader-client-ca-file', 'front-ca.crt', '--requestheader-allowed-names', 'proxy-a, proxy-b']).auth?.requestHeader).toEqual({
      clientCaFile: path.resolve('/srv', 'front-ca.crt'),
      allowedNames: ['proxy-a', 'proxy-b'],
    });
    expect(parse([], { ATOLL_REQUESTHEADER_CLIENT_CA_FILE: '/etc/ca.crt' }).auth?.requestHeader).toEqual({ clientCaFile: '/etc/ca.crt', allowedNames: ['atoll-front-proxy'] });
    expect(parse([], { ATOLL_REQUESTHEADER_ALLOWED_NAMES: 'edge' }).auth?.requestHeader).toEqual({ allowedNames: ['edge'] });
    // Kubernetes reads an empty list as any name; with one CA for every client certificate that is refused here.
    expect(() => parse(['--requestheader-allowed-names', ' , '])).toThrow(/must name at least one Common Name/);
  });

  it('refuse bad values with a clear message', () => {
    expect(() => parse(['--authorization-mode', 'Webhook'])).toThrow(new ConfigError('invalid authorization mode "Webhook": expected RBAC or AlwaysAllow'));
    expect(() => parse([], { ATOLL_AUTHORIZATION_MODE: 'rbac' })).toThrow('invalid authorization mode "rbac"');
    expect(() => parse([], { ATOLL_PLAIN_HTTP: 'yes' })).toThrow(/invalid ATOLL_PLAIN_HTTP "yes"/);
    expect(() => parse([], { ATOLL_ANONYMOUS_AUTH: 'on' })).toThrow(/invalid ATOLL_ANONYMOUS_AUTH "on"/);
    expect(() => parse(['--token-auth-file', ' '])).toThrow('the token file must not be empty');
    expect(() => parse(['--plain-http=yes'])).toThrow(ConfigError);
  });
});

describe('watch limits', () => {
  it('default to 10,000 events and 64 MiB per watcher, come from the environment, and flags win', () => {
    expect(parse([]).watch).toEqual({ maxQueuedEvents: 10_000, maxQueuedBytes: 64 * 1024 * 1024 });
    const env = { ATOLL_WATCH_MAX_QUEUED_EVENTS: '500', ATOLL_WATCH_MAX_QUEUED_BYTES: '8388608' };
    expect(parse([], env).watch).toEqual({ maxQueuedEvents: 500, maxQueuedBytes: 8_388_608 });
    expect(parse(['--watch-max-queued-events', '2000', '--watch-max-queued-bytes', '1048576'], env).watch).toEqual({ maxQueuedEvents: 2000, maxQueuedBytes: 1_048_576 });
  });

  it('refuse bad values with a clear message', () => {
    expect(() => parse(['--watch-max-queued-events', '10'])).toThrow(new ConfigError('invalid watch queue limit "10": expected events between 100 and 10000000'));
    expect(() => parse([], { ATOLL_WATCH_MAX_QUEUED_BYTES: '64MiB' })).toThrow('invalid watch queue limit "64MiB": expected bytes between 1048576 and 17179869184');
  });
});

describe('store', () => {
  it('defaults to the embedded store, takes a MongoDB URL from the environment, and the flag wins', () => {
    expect(parse([]).store).toBeUndefined();
    expect(parse([], { ATOLL_STORE: 'mongodb://db:27017/atoll' }).store).toBe('mongodb://db:27017/atoll');
    expect(parse(['--store', 'embedded'], { ATOLL_STORE: 'mongodb://db:27017/atoll' }).store).toBeUndefined();
    expect(parse(['--store', 'mongodb+srv://cluster.example/atoll?retryWrites=false']).store).toBe('mongodb+srv://cluster.example/atoll?retryWrites=false');
  });

  it('refuses anything else with a clear message', () => {
    for (const bad of ['sqlite', 'mongodb://db:27017', 'mongodb://db:27017/', 'postgres://db/atoll']) {
      expect(() => parse(['--store', bad])).toThrow(ConfigError);
      expect(() => parse(['--store', bad])).toThrow(/expected embedded or mongodb:\/\/host:port\/database/);
    }
  });
});

describe('admission webhook destinations', () => {
  it('allows every destination but the refused ones by default, takes a list from the environment, and the flag wins', () => {
    expect(parse([]).webhookAllowedDestinations).toBeUndefined();
    const env = { ATOLL_ADMISSION_WEBHOOK_ALLOWED_DESTINATIONS: '10.0.0.0/8,hooks.internal' };
    expect(parse([], env).webhookAllowedDestinations).toEqual(['10.0.0.0/8', 'hooks.internal']);
    expect(parse(['--admission-webhook-allowed-destinations', '127.0.0.1, *.svc.example'], env).webhookAllowedDestinations).toEqual(['127.0.0.1', '*.svc.example']);
    expect(() => parse(['--admission-webhook-allowed-destinations', '10.0.0.0/40'])).toThrow('invalid --admission-webhook-allowed-destinations: "10.0.0.0/40" is not a valid CIDR range');
  });
});

describe('shard external URL', () => {
  it('is absent by default, comes from the environment or the flag, and must be an origin', () => {
    expect(parse([]).shardExternalUrl).toBeUndefined();
    expect(parse([], { ATOLL_SHARD_EXTERNAL_URL: 'https://atoll.example:443/' }).shardExternalUrl).toBe('https://atoll.example');
    expect(parse(['--shard-external-url', 'https://127.0.0.1:7443'], { ATOLL_SHARD_EXTERNAL_URL: 'https://other' }).shardExternalUrl).toBe('https://127.0.0.1:7443');
    for (const bad of ['atoll.example', 'ftp://atoll.example', 'https://atoll.example/clusters/root', 'https://atoll.example?x=1']) {
      expect(() => parse(['--shard-external-url', bad])).toThrow(/invalid shard external URL/);
    }
  });
});

describe('shard roles', () => {
  it('is the root shard by default, with its PKI in the data directory', () => {
    const config = parse([]);
    expect(config.shardName).toBe('root');
    expect(config.rootShardKubeconfig).toBeUndefined();
    expect(config.pkiDir).toBeUndefined();
    expect(config.shardBaseUrl).toBeUndefined();
  });

  it('names another shard, which needs the root shard’s kubeconfig', () => {
    expect(() => parse(['--shard-name', 'shard-1'])).toThrow(/shard "shard-1" is not the root shard: it needs --root-shard-kubeconfig/);
    const config = parse(['--shard-name', 'shard-1', '--root-shard-kubeconfig', 'root/admin.kubeconfig', '--pki-dir', 'shared/pki', '--shard-base-url', 'https://10.0.0.2:6443']);
    expect(config).toMatchObject({ shardName: 'shard-1', shardBaseUrl: 'https://10.0.0.2:6443' });
    expect(config.rootShardKubeconfig).toMatch(/\/root\/admin\.kubeconfig$/);
    expect(config.pkiDir).toMatch(/\/shared\/pki$/);
    const fromEnv = parse([], { ATOLL_SHARD_NAME: 'eu-1', ATOLL_ROOT_SHARD_KUBECONFIG: '/k', ATOLL_PKI_DIR: '/p', ATOLL_SHARD_BASE_URL: 'http://eu-1:6443' });
    expect(fromEnv).toMatchObject({ shardName: 'eu-1', rootShardKubeconfig: '/k', pkiDir: '/p', shardBaseUrl: 'http://eu-1:6443' });
  });

  it('refuses names that are not object names, a root shard pointed at another root, and bad URLs', () => {
    for (const bad of ['Shard1', '-a', 'a_b', 'a'.repeat(64), '']) {
      expect(() => parse([`--shard-name=${bad}`, '--root-shard-kubeconfig', '/k'])).toThrow(/invalid shard name/);
    }
    expect(() => parse(['--root-shard-kubeconfig', '/k'])).toThrow(/--root-shard-kubeconfig is for shards other than root/);
    expect(() => parse(['--shard-base-url', 'shard-1:6443'])).toThrow(/invalid shard base URL/);
    expect(() => parse(['--pki-dir', ' '])).toThrow(/PKI directory must not be empty/);
  });
});

describe('answers of other shards kept', () => {
  it('are left to the defaults unless set, come from the environment, and the flags win', () => {
    expect(parse([]).shardAuthorizationCache).toBeUndefined();
    const env = { ATOLL_SHARD_AUTHORIZATION_CACHE_AUTHORIZED_TTL: '10m', ATOLL_SHARD_AUTHORIZATION_CACHE_UNAUTHORIZED_TTL: '1s' };
    expect(parse([], env).shardAuthorizationCache).toEqual({ allowedTtlMs: 600_000, deniedTtlMs: 1000 });
    expect(parse(['--shard-authorization-cache-authorized-ttl', '1500ms'], env).shardAuthorizationCache).toEqual({ allowedTtlMs: 1500, deniedTtlMs: 1000 });
    expect(parse(['--shard-authorization-cache-unauthorized-ttl=1h']).shardAuthorizationCache).toEqual({ deniedTtlMs: 3_600_000 });
  });

  it('refuse what is not a duration, or one under a second or over a day', () => {
    for (const bad of ['5', '1.5s', '-1s', '0s', '999ms', '2d', '25h', ' ']) {
      expect(() => parse([`--shard-authorization-cache-authorized-ttl=${bad}`])).toThrow(/invalid shard authorization cache authorized TTL/);
    }
    expect(() => parse(['--shard-authorization-cache-unauthorized-ttl', 'soon'])).toThrow(ConfigError);
  });
});
