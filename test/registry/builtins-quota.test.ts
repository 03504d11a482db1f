/** LimitRange and ResourceQuota: quantity checks, the relations between limits, scopes and status. */
import { describe, expect, it } from 'vitest';
import { limitRanges, resourceQuotas } from '../../src/registry/index.js';
import { ctx, fields, invalid, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

const limitRange = (limits: unknown[]): Record<string, unknown> => ({ metadata: { name: 'limits' }, spec: { limits } });

describe('LimitRange', () => {
  it('accepts container, pod and claim limits and stores canonical quantities', async () => {
    const lr = await fx.reg.create(
      ctx,
      limitRanges,
      'default',
      limitRange([
        { type: 'Container', default: { cpu: '1000m', memory: '512Mi' }, defaultRequest: { cpu: 0.5, memory: '256Mi' }, max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m' } },
        { type: 'Pod', max: { cpu: '4000m' }, maxLimitRequestRatio: { cpu: '10' } },
        { type: 'PersistentVolumeClaim', max: { storage: '1000Gi' }, min: { storage: '1Gi' } },
      ]),
    );
    const limits = (lr.spec as { limits: Record<string, Record<string, string>>[] }).limits;
    expect(limits[0]?.default).toEqual({ cpu: '1', memory: '512Mi' });
    expect(limits[0]?.defaultRequest).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(limits[1]?.max).toEqual({ cpu: '4' });
    expect(limits[2]?.max).toEqual({ storage: '1000Gi' });
  });

  it('rejects malformed quantities at their map key', async () => {
    const err = await invalid(() => fx.reg.create(ctx, limitRanges, 'default', limitRange([{ type: 'Container', max: { cpu: 'lots', memory: '1ki' } }])));
    expect(fields(err)).toEqual(['spec.limits[0].max[cpu]', 'spec.limits[0].max[memory]']);
    expect(err.message).toContain('quantities must match the regular expression');
    expect(err.message).toContain("unable to parse quantity's suffix");
  });

  it('checks the order of min, default request, default and max', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, limitRanges, 'default', limitRange([{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, default: { cpu: '3' }, defaultRequest: { cpu: '4' } }])),
    );
    expect(fields(err)).toEqual(
      expect.arrayContaining(['spec.limits[0].min[cpu]', 'spec.limits[0].defaultRequest[cpu]', 'spec.limits[0].default[cpu]']),
    );
    expect(err.message).toContain('min value 2 is greater than max value 1');
    expect(err.message).toContain('default request value 4 is greater than default limit value 3');
  });

  it('knows limit types and which resources each may name', async () => {
    const err = await invalid(() =>
      fx.reg.create(
        ctx,
        limitRanges,
        'default',
        limitRange([
          { type: 'Pod', default: { cpu: '1' }, max: { pods: '3' } },
          { type: 'Node' },
          { type: 'Container', max: { 'example.com/gpu': '1', 'kubernetes.io/bogus': '1', storage: '1Gi' } },
          { type: 'Container' },
          { type: 'PersistentVolumeClaim', max: { memory: '1Gi' } },
        ]),
      ),
    );
    expect(fields(err)).toEqual(
      expect.arrayContaining([
        'spec.limits[0].default',
        'spec.limits[0].max[pods]',
        'spec.limits[1].type',
        'spec.limits[2].max[storage]',
        'spec.limits[3].type',
        'spec.limits[4].limits',
      ]),
    );
    expect(fields(err)).not.toContain('spec.limits[2].max[example.com/gpu]');
    const dup = err.details?.causes?.find((c) => c.field === 'spec.limits[3].type');
    expect(dup?.reason).toBe('FieldValueDuplicate');
  });

  it('checks maxLimitRequestRatio against 1 and against max/min', async () => {
    const err = await invalid(() =>
      fx.reg.create(
        ctx,
        limitRanges,
        'default',
        limitRange([
          { type: 'Container', maxLimitRequestRatio: { memory: '500m' } },
          { type: 'Pod', min: { cpu: '1' }, max: { cpu: '2' }, maxLimitRequestRatio: { cpu: '3' } },
        ]),
      ),
    );
    expect(fields(err)).toEqual(['spec.limits[0].maxLimitRequestRatio[memory]', 'spec.limits[1].maxLimitRequestRatio[cpu]']);
    expect(err.message).toContain('ratio 500m is less than 1');
    expect(err.message).toContain('ratio 3 is greater than max/min = 2.000000');
  });

  it('requires default and defaultRequest to match for resources that cannot overcommit', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, limitRanges, 'default', limitRange([{ type: 'Container', default: { 'hugepages-2Mi': '4Mi' }, defaultRequest: { 'hugepages-2Mi': '2Mi' } }])),
    );
    expect(fields(err)).toEqual(['spec.limits[0].defaultRequest[hugepages-2Mi]']);
  });
});

const quota = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: { name: 'q' }, spec, ...extra });

describe('ResourceQuota', () => {
  it('accepts hard limits, stores them canonical, and never takes status on create', async () => {
    const rq = await fx.reg.create(
      ctx,
      resourceQuotas,
      'default',
      quota({ hard: { 'requests.cpu': '1000m', 'limits.memory': '2048Mi', pods: 10, 'count/deployments.apps': '5', 'example.com/gpu': '2' } }, { status: { hard: { pods: '1' } } }),
    );
    expect(rq.spec).toEqual({ hard: { 'requests.cpu': '1', 'limits.memory': '2Gi', pods: '10', 'count/deployments.apps': '5', 'example.com/gpu': '2' } });
    expect(rq.status).toBeUndefined();
  });

  it('rejects unknown resources, negative amounts and fractions of counted things', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, resourceQuotas, 'default', quota({ hard: { nodes: '1', 'requests.cpu': '-1', pods: '1.5', 'example.com/gpu': '500m', storage: 'x' } })),
    );
    expect(fields(err)).toEqual(
      expect.arrayContaining(['spec.hard[nodes]', 'spec.hard[requests.cpu]', 'spec.hard[pods]', 'spec.hard[example.com/gpu]', 'spec.hard[storage]']),
    );
    expect(err.message).toContain('must be a standard resource type or fully qualified');
    expect(err.message).toContain('must be greater than or equal to 0');
    expect(err.message).toContain('must be an integer');
    expect(err.message).toContain('must be a standard resource for quota');
  });

  it('checks scopes: known, fitting the resources, not contradictory, and fixed after create', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, resourceQuotas, 'default', quota({ hard: { pods: '1', 'requests.cpu': '1' }, scopes: ['BestEffort', 'NotBestEffort', 'Sometimes'] })),
    );
    expect(fields(err).every((f) => f === 'spec.scopes')).toBe(true);
    expect(err.message).toContain('unsupported scope applied to resource');
    expect(err.message).toContain('conflicting scopes');
    expect(err.message).toContain('unsupported scope');

    const rq = await fx.reg.create(ctx, resourceQuotas, 'default', quota({ hard: { pods: '2' }, scopes: ['Terminating'] }));
    await fx.reg.update(ctx, resourceQuotas, 'default', 'q', { ...rq, spec: { hard: { pods: '3' }, scopes: ['Terminating'] } });
    const changed = await invalid(() => fx.reg.update(ctx, resourceQuotas, 'default', 'q', { ...rq, metadata: { name: 'q' }, spec: { hard: { pods: '3' }, scopes: ['NotTerminating'] } }));
    expect(fields(changed)).toEqual(['spec.scopes']);
    expect(changed.message).toContain('field is immutable');
  });

  it('checks scope selectors as Kubernetes does (paths without the list index)', async () => {
    const err = await invalid(() =>
      fx.reg.create(
        ctx,
        resourceQuotas,
        'default',
        quota({
          hard: { pods: '1' },
          scopeSelector: {
            matchExpressions: [
              { scopeName: 'PriorityClass', operator: 'In', values: [] },
              { scopeName: 'BestEffort', operator: 'In', values: ['x'] },
              { scopeName: 'Terminating', operator: 'Exists', values: ['x'] },
              { scopeName: 'PriorityClass', operator: 'Gt', values: ['1'] },
            ],
          },
        }),
      ),
    );
    expect(fields(err)).toEqual(
      expect.arrayContaining([
        'spec.scopeSelector.matchExpressions.values',
        'spec.scopeSelector.matchExpressions.operator',
      ]),
    );
    await fx.reg.create(ctx, resourceQuotas, 'default', quota({ hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }));
  });

  it('validates status written through /status, and main updates keep it', async () => {
    const rq = await fx.reg.create(ctx, resourceQuotas, 'default', quota({ hard: { pods: '10' } }));
    const withStatus = await fx.reg.update(ctx, resourceQuotas, 'default', 'q', { ...rq, status: { hard: { pods: '10' }, used: { pods: '3' } } }, { subresource: 'status' });
    expect(withStatus.status).toEqual({ hard: { pods: '10' }, used: { pods: '3' } });
    const bad = await invalid(() =>
      fx.reg.update(ctx, resourceQuotas, 'default', 'q', { ...withStatus, status: { hard: { pods: '10' }, used: { pods: '-1' } } }, { subresource: 'status' }),
    );
    expect(fields(bad)).toEqual(['status.used[pods]']);
    const main = await fx.reg.update(ctx, resourceQuotas, 'default', 'q', { ...withStatus, spec: { hard: { pods: '20' } }, status: { used: { pods: '0' } } });
    expect(main.status).toEqual({ hard: { pods: '10' }, used: { pods: '3' } });
  });
});
