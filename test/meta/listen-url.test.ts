/** Where a server listening on an address is reached: the same address, IPv6 in brackets, wildcards through loopback. */
import { describe, expect, it } from 'vitest';
import { listenUrl } from '../../src/meta/index.js';

describe('listenUrl', () => {
  it.each([
    [true, '127.0.0.1', 6443, 'https://127.0.0.1:6443'],
    [false, 'atoll.example', 80, 'http://atoll.example:80'],
    [true, '::1', 7443, 'https://[::1]:7443'],
    [true, '0.0.0.0', 6443, 'https://127.0.0.1:6443'],
    [false, '::', 6443, 'http://127.0.0.1:6443'],
  ])('tls=%s on %s:%s is %s', (tls, host, port, url) => {
    expect(listenUrl(tls, host, port)).toBe(url);
  });
});
