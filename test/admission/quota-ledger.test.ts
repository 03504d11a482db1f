/**
 * The quota ledger's accounting on a real store: creates admitted but not yet written count,
 * written ones are not counted twice, failed ones stop counting when they expire, dry-runs never
 * count, and a restarted process (its in-flight creates lost) counts exactly what the store holds.
 */
import { describe, expect, it } from 'vitest';
import { QuotaLedger } from '../../src/admission/quota/index.js';
import type { Charge } from '../../src/admission/quota/ledger.js';
import { limitsOfResourceQuota } from '../../src/admission/quota/limits.js';
import { EmbeddedStore, type ObjectKey } from '../../src/storage/index.js';

const quota = limitsOfResourceQuota({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { 'count/configmaps': '2' } } });
const charges: Charge[] = [{ limits: quota, names: ['count/configmaps'] }];
const key = (name: string): ObjectKey => ({ cluster: 'c1', resource: 'configmaps', namespace: 'ns', name });
const object = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });
const refuse = (message: string): Error => new Error(message);
const names = new Map([['count/configmaps', 'configmaps']]);

function setup() {
  const store = new EmbeddedStore();
  let now = 1_000;
  const ledger = new QuotaLedger(store, { ttlMs: 30_000, now: () => now });
  return { store, ledger, advance: (ms: number) => (now += ms) };
}

describe('QuotaLedger', () => {
  it('counts creates in flight, and a written one once', async () => {
    const { store, ledger } = setup();
    await ledger.charge('c1', charges, key('a'), false, refuse);
    await ledger.charge('c1', charges, key('b'), false, refuse);
    await expect(ledger.charge('c1', charges, key('c'), false, refuse)).rejects.toThrow(
      'exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2',
    );
    await store.create(key('a'), object('a'));
    await store.create(key('b'), object('b'));
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 2n]]));
    expect(ledger.inFlightCount).toBe(0);
    await store.delete(key('a'));
    await ledger.charge('c1', charges, key('c'), false, refuse);
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 2n]]));
    await store.close();
  });

  it('stops counting a create whose write never came once it expires, and never counts a dry run', async () => {
    const { store, ledger, advance } = setup();
    await ledger.charge('c1', charges, key('lost'), false, refuse);
    await ledger.charge('c1', charges, key('dry'), true, refuse);
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 1n]]));
    advance(30_000);
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 0n]]));
    await store.close();
  });

  it('after a restart counts what the store holds: the in-flight creates were written or not', async () => {
    const { store, ledger } = setup();
    await ledger.charge('c1', charges, key('written'), false, refuse);
    await ledger.charge('c1', charges, key('never'), false, refuse);
    await store.create(key('written'), object('written'));
    const restarted = new QuotaLedger(store);
    expect(await restarted.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 1n]]));
    await restarted.charge('c1', charges, key('next'), false, refuse);
    await store.close();
  });

  it('following a watch, keeps counts in memory and moves them with creates and deletes', async () => {
    const { store, ledger } = setup();
    ledger.follow(true);
    await ledger.charge('c1', charges, key('a'), false, refuse);
    const a = await store.create(key('a'), object('a'));
    // Written but not yet seen by the watch: still counted once, as in flight.
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 1n]]));
    ledger.observe('ADDED', key('a'), Number(a.metadata.resourceVersion));
    ledger.landed('c1', quota, key('a'), Number(a.metadata.resourceVersion));
    expect(await ledger.usage('c1', quota, names)).toEqual(new Map([['count/configmaps', 1n]]));
    expect(ledger.inFlightCount).toBe(0);
    const b = await store.create(key('b'), object('b'));
    ledger.observe('ADDED', key('b'), Number(b.metadata.resourceVersion));
    await expect(ledger.charge('c1', charges, key('c'), false, refuse)).rejects.toThrow('used: count/configmaps=2');
    const gone = await store.delete(key('a'));
    ledger.observe('DELETED', key('a'), Number(gone.metadata.resourceVersion));
    await ledger.charge('c1', charges, key('c'), false, refuse);
    await store.close();
  });

  it('does not lose a change the watch delivers while the store is counting', async () => {
    const store = new EmbeddedStore();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let listed!: () => void;
    const counting = new Promise<void>((resolve) => (listed = resolve));
    const slow = {
      get: store.get.bind(store),
      get revision() {
        return store.revision;
      },
      list: async (o: Parameters<EmbeddedStore['list']>[0]) => {
        const r = await store.list(o);
        listed();
        await gate;
        return r;
      },
    };
    const ledger = new QuotaLedger(slow);
    ledger.follow(true);
    const usage = ledger.usage('c1', quota, names);
    await counting;
    const a = await store.create(key('a'), object('a'));
    ledger.observe('ADDED', key('a'), Number(a.metadata.resourceVersion));
    open();
    expect(await usage).toEqual(new Map([['count/configmaps', 1n]]));
    await store.close();
  });

  it('serializes concurrent charges: of 64 at once against 50, exactly 50 are admitted', async () => {
    const { store, ledger } = setup();
    const fifty = { ...quota, hard: new Map([['count/configmaps', 50n]]) };
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) => ledger.charge('c1', [{ limits: fifty, names: ['count/configmaps'] }], key(`k${i}`), false, refuse)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    await store.close();
  });
});
