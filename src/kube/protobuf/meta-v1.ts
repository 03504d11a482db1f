/**
 * meta/v1: ObjectMeta and the types it pulls in, plus DeleteOptions. Field numbers are facts
 * from k8s.io/apimachinery pkg/apis/meta/v1/generated.proto; JSON shape from its types.go.
 */
import { msg, special, type GroupDef } from './schema.js';

export const metaV1: GroupDef = {
  package: 'k8s.io.apimachinery.pkg.apis.meta.v1',
  messages: {
    // Time drops nanos (seconds precision); MicroTime keeps microseconds. Empty = zero = null.
    Time: special('time', { seconds: '1 int64', nanos: '2 int32' }),
    MicroTime: special('microTime', { seconds: '1 int64', nanos: '2 int32' }),
    // FieldsV1's JSON form is its raw bytes, which are themselves JSON.
    FieldsV1: special('fieldsV1', { Raw: '1 bytes' }),
    ObjectMeta: msg({
      name: '1 string',
      generateName: '2 string',
      namespace: '3 string',
      selfLink: '4 string',
      uid: '5 string',
      resourceVersion: '6 string',
      generation: '7 int64',
      creationTimestamp: '8 Time',
      deletionTimestamp: '9 *Time',
      deletionGracePeriodSeconds: '10 *int64',
      labels: '11 map<string,string>',
      annotations: '12 map<string,string>',
      ownerReferences: '13 []OwnerReference',
      finalizers: '14 []string',
      managedFields: '17 []ManagedFieldsEntry',
    }),
    OwnerReference: msg({
      apiVersion: '5 string keep',
      kind: '1 string keep',
      name: '3 string keep',
      uid: '4 string keep',
      controller: '6 *bool',
      blockOwnerDeletion: '7 *bool',
    }),
    ManagedFieldsEntry: msg({
      manager: '1 string',
      operation: '2 string',
      apiVersion: '3 string',
      time: '4 *Time',
      fieldsType: '6 string',
      fieldsV1: '7 *FieldsV1',
      subresource: '8 string',
    }),
    LabelSelector: msg({
      matchLabels: '1 map<string,string>',
      matchExpressions: '2 []LabelSelectorRequirement',
    }),
    LabelSelectorRequirement: msg({ key: '1 string keep', operator: '2 string keep', values: '3 []string' }),
    FieldSelectorRequirement: msg({ key: '1 string keep', operator: '2 string keep', values: '3 []string' }),
    Preconditions: msg({ uid: '1 *string', resourceVersion: '2 *string' }),
    DeleteOptions: msg({
      gracePeriodSeconds: '1 *int64',
      preconditions: '2 *Preconditions',
      orphanDependents: '3 *bool',
      propagationPolicy: '4 *string',
      dryRun: '5 []string',
      ignoreStoreReadErrorWithClusterBreakingPotential: '6 *bool',
    }),
  },
};
