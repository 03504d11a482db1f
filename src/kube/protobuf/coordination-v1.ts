/**
 * coordination.k8s.io/v1 Lease (leader election, node heartbeats). Field numbers are facts
 * from k8s.io/api coordination/v1/generated.proto; every spec field is a Go pointer.
 */
import { msg, type GroupDef } from './schema.js';

export const coordinationV1: GroupDef = {
  package: 'k8s.io.api.coordination.v1',
  apiVersion: 'coordination.k8s.io/v1',
  kinds: ['Lease'],
  messages: {
    Lease: msg({ metadata: '1 meta.ObjectMeta', spec: '2 LeaseSpec' }),
    LeaseSpec: msg({
      holderIdentity: '1 *string',
      leaseDurationSeconds: '2 *int32',
      acquireTime: '3 *meta.MicroTime',
      renewTime: '4 *meta.MicroTime',
      leaseTransitions: '5 *int32',
      strategy: '6 *string',
      preferredHolder: '7 *string',
    }),
  },
};
