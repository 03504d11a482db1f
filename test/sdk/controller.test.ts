/**
 * The SDK's controller parts on the real server: the work queue (a failing reconcile is retried
 * with backoff, one key is never reconciled by two workers at once, a burst of changes to one key
 * collapses), status writes with conflict retry (re-read and reapplied, never written over a newer
 * object), finalizer helpers through deletion, and leader election on a Lease with client-go's
 * semantics (one leader; release hands over at once; an unrenewed Lease is taken over).
 */
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { bindConsumer, publishExport, putWidget } from '../../examples/widgets/setup.js';
import { WIDGETS, type Widget } from '../../examples/widgets/widget.js';
import { addFinalizer, Controller, HttpClient, isDeleting, LeaderElector, removeFinalizer, ResourceClient, type ObjectKey, type ViewRef } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();
const PROVIDER = 'root:ctl-provider';
const CONSUMER = 'root:ctl-a';
let http: HttpClient;
let view: ViewRef;
let workspace = '';
const key = (name: string): ObjectKey => ({ workspace, namespace: 'default', name });
const LEASES = `/clusters/${PROVIDER}/apis/coordination.k8s.io/v1/namespaces/default/leases`;

beforeAll(async () => {
  http = new HttpClient({ server: fx.base, token: fx.adminToken });
  view = { exportCluster: await publishExport(http, PROVIDER), exportName: 'widgets' };
  workspace = await bindConsumer(http, CONSUMER, PROVIDER);
});

const controller = (name: string, reconcile: ConstructorParameters<typeof Controller<Widget>>[0]['reconcile']) =>
  new Controller<Widget>({ name, connection: { server: fx.base, token: fx.adminToken }, view, resource: WIDGETS, reconcile, workers: 4, backoff: { minMs: 5, maxMs: 50 } });

describe('the work queue and reconcile', () => {
  it('retries a failing reconcile with backoff and never runs one key on two workers at once', async () => {
    await putWidget(http, CONSUMER, 'flaky', { size: 1 });
    let running = 0;
    let overlapped = false;
    let failures = 0;
    const done: number[] = [];
    const c = controller('retries', async (ctx, k) => {
      if (k.name !== 'flaky') return;
      overlapped ||= running > 0;
      running++;
      try {
        await new Promise((r) => setTimeout(r, 5));
        if (failures < 3) {
          failures++;
          throw new Error('not yet');
        }
        done.push(ctx.object?.spec.size ?? 0);
      } finally {
        running--;
      }
    });
    await c.start();
    try {
      // A burst of changes while it fails and retries.
      for (let size = 2; size <= 6; size++) await putWidget(http, CONSUMER, 'flaky', { size });
      await eventually(() => expect(done.at(-1)).toBe(6));
      expect(failures).toBe(3);
      expect(overlapped).toBe(false);
      await eventually(() => expect(c.queueDepth).toBe(0));
    } finally {
      await c.stop();
    }
  });

  it('retries a status write on conflict from a fresh read, and writes nothing when there is nothing to change', async () => {
    await putWidget(http, CONSUMER, 'contested', { size: 1 });
    const client = new ResourceClient<Widget>(http, view, WIDGETS);
    const stale = await client.get(key('contested'));
    // Someone else changes the spec after our read.
    await putWidget(http, CONSUMER, 'contested', { size: 8 });
    const seenSizes: number[] = [];
    const written = await client.mutateStatus(
      key('contested'),
      (w) => {
        seenSizes.push(w.spec.size ?? 0);
        w.status = { size: w.spec.size ?? 0, observedGeneration: w.metadata.generation ?? 0 };
        return w;
      },
      { current: stale },
    );
    // The first attempt (from the stale copy) met a conflict; the second was computed from the fresh object.
    expect(seenSizes).toEqual([1, 8]);
    expect(written?.status).toMatchObject({ size: 8, observedGeneration: 2 });
    const unchanged = await client.mutateStatus(key('contested'), () => undefined);
    expect(unchanged).toBeUndefined();
    const after = await client.get(key('contested'));
    expect(after.metadata.resourceVersion).toBe(written?.metadata.resourceVersion);
  });

  it('adds a finalizer, and removes it once the object is being deleted', async () => {
    await putWidget(http, CONSUMER, 'guarded', { size: 1 });
    const cleaned: string[] = [];
    const FINALIZER = 'widgets.example.dev/cleanup';
    const c = controller('finalizers', async (ctx, k) => {
      const w = ctx.object;
      if (k.name !== 'guarded' || !w) return;
      if (isDeleting(w)) {
        cleaned.push(k.name);
        await removeFinalizer(ctx.client, k, FINALIZER, { current: w });
        return;
      }
      await addFinalizer(ctx.client, k, FINALIZER, { current: w });
    });
    await c.start();
    try {
      const url = `/clusters/${CONSUMER}/apis/widgets.example.dev/v1/namespaces/default/widgets/guarded`;
      await eventually(async () => expect((await fx.call('GET', url)).body.metadata?.finalizers).toEqual([FINALIZER]));
      expect((await fx.call('DELETE', url)).status).toBe(200);
      await eventually(async () => expect((await fx.call('GET', url)).status).toBe(404));
      expect(cleaned).toEqual(['guarded']);
    } finally {
      await c.stop();
    }
  });
});

describe('leader election on a Lease', () => {
  const elector = (identity: string, name = 'election') => new LeaderElector(http, { workspace: PROVIDER, name, identity, leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 100 });

  it('has one leader; a release hands over at once', async () => {
    const a = elector('a');
    const b = elector('b');
    expect(await a.acquire(() => undefined)).toBe(true);
    let bLeads = false;
    const bAcquired = b.acquire(() => undefined).then((ok) => (bLeads = ok));
    // B keeps trying while A renews: several of B's rounds pass without it leading.
    const renewed = (await fx.call('GET', `${LEASES}/election`)).body.spec?.renewTime;
    await eventually(async () => expect((await fx.call('GET', `${LEASES}/election`)).body.spec?.renewTime).not.toBe(renewed));
    expect(bLeads).toBe(false);
    expect(a.isLeader).toBe(true);
    await a.release();
    await bAcquired;
    expect(bLeads).toBe(true);
    const lease = (await fx.call('GET', `${LEASES}/election`)).body.spec;
    expect(lease).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 3 });
    await b.release();
    expect((await fx.call('GET', `${LEASES}/election`)).body.spec?.holderIdentity).toBe('');
  });

  it('takes over a Lease its holder stopped renewing, and a leader that loses it is told', async () => {
    const now = new Date().toISOString().replace('Z', '000Z');
    expect(
      (await fx.call('POST', LEASES, { metadata: { name: 'abandoned' }, spec: { holderIdentity: 'crashed', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: 3 } })).status,
    ).toBe(201);
    const c = elector('successor', 'abandoned');
    let lost = false;
    expect(await c.acquire(() => (lost = true))).toBe(true);
    expect((await fx.call('GET', `${LEASES}/abandoned`)).body.spec).toMatchObject({ holderIdentity: 'successor', leaseTransitions: 4 });
    // Another process takes the Lease from under it: it stops leading and says so.
    // (The leader renews meanwhile: retry on conflict, as any writer of a Lease must.)
    await eventually(async () => {
      const lease = (await fx.call('GET', `${LEASES}/abandoned`)).body;
      expect((await fx.call('PUT', `${LEASES}/abandoned`, { ...lease, spec: { ...lease.spec, holderIdentity: 'usurper', renewTime: new Date().toISOString().replace('Z', '000Z') } })).status).toBe(200);
    });
    await eventually(() => expect(lost).toBe(true));
    expect(c.isLeader).toBe(false);
    await c.release();
    expect((await fx.call('GET', `${LEASES}/abandoned`)).body.spec?.holderIdentity).toBe('usurper');
  });
});

describe('graceful shutdown', () => {
  it('stops a controller still waiting for the Lease: start() resolves false and nothing was reconciled', async () => {
    const now = new Date().toISOString().replace('Z', '000Z');
    expect((await fx.call('POST', LEASES, { metadata: { name: 'held' }, spec: { holderIdentity: 'other', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now } })).status).toBe(201);
    let reconciled = 0;
    const c = new Controller<Widget>({
      name: 'waiting',
      connection: { server: fx.base, token: fx.adminToken },
      view,
      resource: WIDGETS,
      reconcile: async () => void reconciled++,
      leaderElection: { workspace: PROVIDER, name: 'held', identity: 'waiting', retryPeriodMs: 50 },
    });
    const started = c.start();
    await eventually(async () => expect((await fx.call('GET', `${LEASES}/held`)).body.spec?.holderIdentity).toBe('other'));
    await c.stop();
    expect(await started).toBe(false);
    expect(reconciled).toBe(0);
    expect(c.informer.lists).toBe(0);
    expect((await fx.call('GET', `${LEASES}/held`)).body.spec?.holderIdentity).toBe('other');
  });

  it('does not report a reconcile that stop() cut short as an error: the next start lists it again', async () => {
    await putWidget(http, CONSUMER, 'cut-short', { size: 1 });
    const errors: unknown[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const c = new Controller<Widget>({
      name: 'cut-short',
      connection: { server: fx.base, token: fx.adminToken },
      view,
      resource: WIDGETS,
      // Waits on the controller's signal, as a reconcile's requests do: stop() aborts it.
      reconcile: (ctx) =>
        new Promise<void>((_, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
        }),
      onError: (err) => errors.push(err),
    });
    expect(await c.start()).toBe(true);
    await running;
    await c.stop();
    expect(errors).toEqual([]);
  });
});

describe('the HTTP client', () => {
  it('leaves no abort listener behind on a long-lived signal (a controller’s) once a request is done', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 20; i++) await http.json('GET', `/clusters/${CONSUMER}/api/v1/namespaces/default`, { signal });
    expect(EventEmitter.getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
