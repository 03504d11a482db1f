/**
 * The REST surface alone over real HTTP: `kubeHandler` on one API set, for the registry of
 * `useRegistry`, with one workspace `ws` (logical cluster `ws`) and no authentication. Errors a
 * handler throws are answered as the server answers them, a Status.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { ApiSet } from '../../src/apis/index.js';
import { kubeHandler, type KubeHandlerDeps } from '../../src/kube/handler.js';
import { sendObject } from '../../src/kube/respond.js';
import { ApiError } from '../../src/registry/index.js';
import type { RegistryFixture } from './registry-fixture.js';

/** Serves the surface for each test; `base()` is the workspace's URL (`…/clusters/ws`). */
export function useKubeHandlerServer(fx: RegistryFixture, set: ApiSet, extra: Partial<KubeHandlerDeps> = {}): { base(): string } {
  let server: Server | undefined;
  let base = '';
  beforeEach(async () => {
    const handle = kubeHandler({
      registry: fx.reg,
      catalog: { forCluster: () => Promise.resolve(set) },
      resolver: { resolve: (ref: string) => Promise.resolve(ref === 'ws' ? 'ws' : undefined) },
      log: pino({ level: 'silent' }),
      ...extra,
    });
    const s = createServer((req, res) => {
      handle(req, res, new URL(req.url ?? '/', 'http://localhost')).catch((e: unknown) => {
        const err = e instanceof ApiError ? e : new ApiError('InternalError', String(e));
        sendObject(req, res, err.code, err.toStatus());
      });
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(s.address() as AddressInfo).port}/clusters/ws`;
  });
  afterEach(async () => {
    const s = server;
    server = undefined;
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  });
  return { base: () => base };
}
