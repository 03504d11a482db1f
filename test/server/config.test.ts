/**
 * Server configuration from flags and environment: the GraphQL settings (introspection, persisted
 * operations) with their defaults, flags winning over the environment, and clear errors.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ServerConfig } from '../../src/server/index.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig => parseConfig(argv, env, '/srv') as ServerConfig;

describe('GraphQL settings', () => {
  it('default to introspection enabled and no persisted operations', () => {
    expect(parse([]).graphql).toEqual({ introspection: 'enabled', onlyPersisted: false, timeoutMs: 30_000 });
  });

  it('come from the environment, and flags win', () => {
    const env = { ATOLL_GRAPHQL_INTROSPECTION: 'disabled', ATOLL_GRAPHQL_PERSISTED_OPERATIONS: 'ops.json', ATOLL_GRAPHQL_ONLY_PERSISTED: 'true' };
    expect(parse([], env).graphql).toEqual({ introspection: 'disabled', persistedOperations: path.resolve('/srv', 'ops.json'), onlyPersisted: true, timeoutMs: 30_000 });
    expect(parse(['--graphql-introspection', 'enabled', '--graphql-persisted-operations', '/etc/atoll/ops.json'], env).graphql).toEqual({
      introspection: 'enabled',
      persistedOperations: '/etc/atoll/ops.json',
      onlyPersisted: true,
      timeoutMs: 30_000,
    });
    expect(parse(['--graphql-persisted-operations', 'x.json', '--graphql-only-persisted']).graphql).toEqual({
      introspection: 'enabled',
      persistedOperations: '/srv/x.json',
      onlyPersisted: true,
      timeoutMs: 30_000,
    });
    expect(parse([], { ATOLL_GRAPHQL_ONLY_PERSISTED: '0' }).graphql?.onlyPersisted).toBe(false);
    expect(parse(['--graphql-timeout', '500'], { ATOLL_GRAPHQL_TIMEOUT_MS: '9000' }).graphql?.timeoutMs).toBe(500);
    expect(parse([], { ATOLL_GRAPHQL_TIMEOUT_MS: '9000' }).graphql?.timeoutMs).toBe(9000);
  });

  it('refuse bad values with a clear message', () => {
    expect(() => parse(['--graphql-introspection', 'off'])).toThrow(new ConfigError('invalid GraphQL introspection setting "off": expected enabled or disabled'));
    expect(() => parse([], { ATOLL_GRAPHQL_ONLY_PERSISTED: 'yes' })).toThrow(/invalid ATOLL_GRAPHQL_ONLY_PERSISTED "yes"/);
    expect(() => parse(['--graphql-only-persisted'])).toThrow('--graphql-only-persisted needs --graphql-persisted-operations');
    expect(() => parse(['--graphql-persisted-operations', ' '])).toThrow('the persisted operations file must not be empty');
    expect(() => parse(['--graphql-timeout', '0'])).toThrow('invalid GraphQL timeout "0"');
    expect(() => parse([], { ATOLL_GRAPHQL_TIMEOUT_MS: '5s' })).toThrow('invalid GraphQL timeout "5s"');
  });
});
