/**
 * A watch that reaches its handler after shutdown began (admitted just before, then authenticated
 * while the server started to drain) finds the shutdown signal already aborted. It must end at once
 * like the watches that were open, not wait for an abort event that has already come and gone —
 * which held the drain until its budget ran out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { kubeHandler } from '../../src/kube/handler.js';
import { builtinResourceTypes, configMaps } from '../../src/registry/index.js';
import { useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();
const set = new ApiSet(builtinResourceTypes);
let server: Server;
let base = '';

beforeEach(async () => {
  const handle = kubeHandler({
    registry: fx.reg,
    catalog: { forCluster: () => Promise.resolve(set) },
    resolver: { resolve: (ref: string) => Promise.resolve(ref === 'ws' ? 'ws' : undefined) },
    log: pino({ level: 'silent' }),
    shutdown: AbortSignal.abort(),
  });
  server = createServer((req, res) => void handle(req, res, new URL(req.url ?? '/', 'http://localhost')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clusters/ws`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('ends a watch begun after shutdown at once', { timeout: 10_000 }, async () => {
  await fx.reg.create({ cluster: 'ws' }, configMaps, 'default', { metadata: { name: 'one' } });
  const res = await fetch(`${base}/api/v1/namespaces/default/configmaps?watch=1`);
  expect(res.status).toBe(200);
  // The body ends (a hanging watch would time this test out) and carries nothing after shutdown.
  expect(await res.text()).toBe('');
});
