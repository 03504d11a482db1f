/**
 * coordination.k8s.io/v1 Lease: who holds a lock and until when, used for leader election and
 * node heartbeats. Validation is light (positive duration, non-negative transitions, a known or
 * qualified strategy); the times are MicroTimes, stored with six fractional digits in UTC.
 */
import { z } from 'zod';
import { validateQualifiedName, type KubeObject } from '../../meta/index.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema } from './common.js';
import { normalizeTimestamp, timestampErrors } from './timestamps.js';

const schema = kindSchema({
  spec: z
    .strictObject({
      holderIdentity: z.string().nullable().optional(),
      leaseDurationSeconds: z.number().int().nullable().optional(),
      acquireTime: z.string().nullable().optional(),
      renewTime: z.string().nullable().optional(),
      leaseTransitions: z.number().int().nullable().optional(),
      strategy: z.string().nullable().optional(),
      preferredHolder: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

type LeaseSpec = NonNullable<z.infer<typeof schema>['spec']>;

const STRATEGIES = ['OldestEmulationVersion'];

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const spec: LeaseSpec = (o.spec as LeaseSpec | null | undefined) ?? {};
  const errs = check.errors;
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', value: spec.leaseDurationSeconds, detail: 'must be greater than 0' });
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.leaseTransitions', value: spec.leaseTransitions, detail: 'must be greater than or equal to 0' });
  }
  errs.push(...timestampErrors(spec.acquireTime, 'spec.acquireTime'), ...timestampErrors(spec.renewTime, 'spec.renewTime'));
  const strategy = spec.strategy;
  // Kubernetes reports these at `spec.strategy.strategy` (a doubled path segment); we use the field's path.
  if (typeof strategy === 'string') {
    if (!strategy.includes('/')) {
      if (!STRATEGIES.includes(strategy)) {
        errs.push({ type: 'FieldValueNotSupported', field: 'spec.strategy', value: strategy, detail: `supported values: ${STRATEGIES.map((s) => `"${s}"`).join(', ')}` });
      }
    } else {
      for (const detail of validateQualifiedName(strategy)) errs.push({ type: 'FieldValueInvalid', field: 'spec.strategy', value: strategy, detail });
    }
  }
  if (spec.preferredHolder && !strategy) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.preferredHolder', detail: 'may only be specified if `strategy` is defined' });
  }
  return check;
}

function normalize(o: KubeObject): void {
  normalizeTimestamp(o.spec, 'acquireTime', 'MicroTime');
  normalizeTimestamp(o.spec, 'renewTime', 'MicroTime');
}

export const leases = builtin(
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    kind: 'Lease',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    columns: [
      {
        name: 'Holder',
        type: 'string',
        description: 'The identity of the current holder.',
        priority: 0,
        cell: (o) => (o.spec as LeaseSpec | undefined)?.holderIdentity ?? '',
      },
    ],
  },
  { validate, prepareForCreate: normalize, prepareForUpdate: normalize },
);
