/** coordination.k8s.io/v1 Lease: spec rules and MicroTime handling. */
import { describe, expect, it } from 'vitest';
import { leases } from '../../src/registry/index.js';
import { ctx, fields, invalid, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

describe('Lease', () => {
  it('stores a leader-election lease with MicroTimes in UTC and six digits', async () => {
    const l = await fx.reg.create(ctx, leases, 'kube-system', {
      metadata: { name: 'kube-scheduler' },
      spec: { holderIdentity: 'node-1_abc', leaseDurationSeconds: 15, acquireTime: '2024-05-01T10:00:00.123Z', renewTime: '2024-05-01T12:00:05+02:00', leaseTransitions: 0 },
    });
    expect(l.apiVersion).toBe('coordination.k8s.io/v1');
    expect(l.spec).toMatchObject({ acquireTime: '2024-05-01T10:00:00.123000Z', renewTime: '2024-05-01T10:00:05.000000Z' });
  });

  it('rejects a non-positive duration, negative transitions and bad times', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, leases, 'default', { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1, renewTime: '2024-02-30T00:00:00Z' } }),
    );
    expect(fields(err)).toEqual(['spec.leaseDurationSeconds', 'spec.leaseTransitions', 'spec.renewTime']);
    const fraction = await invalid(() => fx.reg.create(ctx, leases, 'default', { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 1.5 } }));
    expect(fields(fraction)).toEqual(['spec.leaseDurationSeconds']);
  });

  it('accepts known or qualified strategies, and a preferred holder only with one', async () => {
    await fx.reg.create(ctx, leases, 'default', { metadata: { name: 'a' }, spec: { strategy: 'OldestEmulationVersion', preferredHolder: 'x' } });
    await fx.reg.create(ctx, leases, 'default', { metadata: { name: 'b' }, spec: { strategy: 'example.com/custom' } });
    const err = await invalid(() => fx.reg.create(ctx, leases, 'default', { metadata: { name: 'c' }, spec: { strategy: 'Newest' } }));
    expect(err.details?.causes?.[0]).toMatchObject({ field: 'spec.strategy', reason: 'FieldValueNotSupported' });
    const holder = await invalid(() => fx.reg.create(ctx, leases, 'default', { metadata: { name: 'd' }, spec: { preferredHolder: 'x' } }));
    expect(fields(holder)).toEqual(['spec.preferredHolder']);
  });
});
