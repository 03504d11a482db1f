/**
 * OpenAPI v3 schemas of coordination.k8s.io/v1 Lease (and LeaseList, LeaseSpec), named as in
 * Kubernetes. Leases back leader election and heartbeats; all their fields are plain scalars, so
 * they carry no list or map metadata. Descriptions are Atoll's own.
 */
import type { OpenApiSchema } from '../../../meta/index.js';
import { int32, kindSchema, listSchema, microTime, refObject, str } from './schema-builders.js';

const GROUP = 'coordination.k8s.io';
const LEASE = 'io.k8s.api.coordination.v1.Lease';
const LEASE_SPEC = 'io.k8s.api.coordination.v1.LeaseSpec';

export const coordinationV1Schemas: Record<string, OpenApiSchema> = {
  [LEASE]: kindSchema({
    group: GROUP,
    version: 'v1',
    kind: 'Lease',
    description: 'A time-limited claim one holder renews to keep, used for leader election and node heartbeats.',
    properties: {
      spec: refObject(LEASE_SPEC, 'Who holds the lease, since when, and for how long.'),
    },
  }),
  [`${LEASE}List`]: listSchema(GROUP, 'v1', 'Lease', LEASE, 'The leases.'),
  [LEASE_SPEC]: {
    type: 'object',
    description: 'The state of a lease.',
    properties: {
      holderIdentity: str('Identity of the current holder. Under coordinated leader election it is the name of the elected LeaseCandidate.'),
      leaseDurationSeconds: int32(
        'Seconds other candidates must wait after the last observed renewTime before they may take the lease over.',
      ),
      acquireTime: microTime('When the current holder acquired the lease.'),
      renewTime: microTime('When the current holder last renewed the lease.'),
      leaseTransitions: int32('How many times the lease has changed holders.'),
      strategy: str(
        'Strategy coordinated leader election uses to pick the holder, such as OldestEmulationVersion. When unset the lease is not ' +
          'coordinated.',
      ),
      preferredHolder: str('A better-suited holder the current one should hand the lease to. Only set together with strategy.'),
    },
  },
};
