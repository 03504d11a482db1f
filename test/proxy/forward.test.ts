/**
 * The headers the front proxy sends on: hop-by-hop headers (and those `Connection` names) stay
 * with the hop, X-Remote-* identity headers from a client never reach a shard, X-Forwarded-* say
 * where the request came from. The request is a plain object shaped as node:http's (its headers
 * and socket address are all this reads).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { forwardedHeaders } from '../../src/proxy/index.js';

const request = (headers: Record<string, string>, encrypted = true): IncomingMessage =>
  ({ headers, socket: { remoteAddress: '10.0.0.7', ...(encrypted ? { encrypted: true } : {}) } }) as unknown as IncomingMessage;

describe('forwarded headers', () => {
  it('drops hop-by-hop headers, those Connection names, and client-sent X-Remote-*', () => {
    const out = forwardedHeaders(
      request({
        authorization: 'Bearer t',
        connection: 'keep-alive, x-secret',
        'keep-alive': 'timeout=5',
        'x-secret': 'hop only',
        'transfer-encoding': 'chunked',
        'x-remote-user': 'system:admin',
        'x-remote-group': 'system:masters',
        'x-remote-extra-scopes': 'all',
        'impersonate-user': 'bob',
        accept: 'application/json',
      }),
    );
    expect(out).toEqual({
      authorization: 'Bearer t',
      'impersonate-user': 'bob',
      accept: 'application/json',
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'https',
    });
  });

  it('keeps an upgrade’s own headers and appends to X-Forwarded-For', () => {
    const out = forwardedHeaders(request({ connection: 'Upgrade', upgrade: 'websocket', host: 'atoll.example', 'x-forwarded-for': '192.0.2.1' }, false), true);
    expect(out).toMatchObject({ connection: 'Upgrade', upgrade: 'websocket', 'x-forwarded-for': '192.0.2.1, 10.0.0.7', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'atoll.example' });
  });
});
