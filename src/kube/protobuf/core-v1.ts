/**
 * core/v1 (apiVersion `v1`): the kinds kubectl's typed commands create, and their parts.
 * Field numbers are facts from k8s.io/api core/v1/generated.proto; JSON shape from types.go.
 */
import { msg, type GroupDef } from './schema.js';

const quantities = 'map<string,resource.Quantity>';

export const coreV1: GroupDef = {
  package: 'k8s.io.api.core.v1',
  apiVersion: 'v1',
  kinds: ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Event', 'LimitRange', 'ResourceQuota'],
  messages: {
    Namespace: msg({ metadata: '1 meta.ObjectMeta', spec: '2 NamespaceSpec', status: '3 NamespaceStatus' }),
    NamespaceSpec: msg({ finalizers: '1 []string' }),
    NamespaceStatus: msg({ phase: '1 string', conditions: '2 []NamespaceCondition' }),
    NamespaceCondition: msg({
      type: '1 string keep',
      status: '2 string keep',
      lastTransitionTime: '4 meta.Time',
      reason: '5 string',
      message: '6 string',
    }),
    ConfigMap: msg({
      metadata: '1 meta.ObjectMeta',
      immutable: '4 *bool',
      data: '2 map<string,string>',
      binaryData: '3 map<string,bytes>',
    }),
    Secret: msg({
      metadata: '1 meta.ObjectMeta',
      immutable: '5 *bool',
      data: '2 map<string,bytes>',
      stringData: '4 map<string,string>',
      type: '3 string',
    }),
    ServiceAccount: msg({
      metadata: '1 meta.ObjectMeta',
      secrets: '2 []ObjectReference',
      imagePullSecrets: '3 []LocalObjectReference',
      automountServiceAccountToken: '4 *bool',
    }),
    ObjectReference: msg({
      kind: '1 string',
      namespace: '2 string',
      name: '3 string',
      uid: '4 string',
      apiVersion: '5 string',
      resourceVersion: '6 string',
      fieldPath: '7 string',
    }),
    LocalObjectReference: msg({ name: '1 string' }),
    Event: msg({
      metadata: '1 meta.ObjectMeta',
      involvedObject: '2 ObjectReference',
      reason: '3 string',
      message: '4 string',
      source: '5 EventSource',
      firstTimestamp: '6 meta.Time',
      lastTimestamp: '7 meta.Time',
      count: '8 int32',
      type: '9 string',
      eventTime: '10 meta.MicroTime',
      series: '11 *EventSeries',
      action: '12 string',
      related: '13 *ObjectReference',
      reportingComponent: '14 string keep',
      reportingInstance: '15 string keep',
    }),
    EventSource: msg({ component: '1 string', host: '2 string' }),
    EventSeries: msg({ count: '1 int32', lastObservedTime: '2 meta.MicroTime' }),
    LimitRange: msg({ metadata: '1 meta.ObjectMeta', spec: '2 LimitRangeSpec' }),
    LimitRangeSpec: msg({ limits: '1 []LimitRangeItem keep' }),
    LimitRangeItem: msg({
      type: '1 string keep',
      max: `2 ${quantities}`,
      min: `3 ${quantities}`,
      default: `4 ${quantities}`,
      defaultRequest: `5 ${quantities}`,
      maxLimitRequestRatio: `6 ${quantities}`,
    }),
    ResourceQuota: msg({ metadata: '1 meta.ObjectMeta', spec: '2 ResourceQuotaSpec', status: '3 ResourceQuotaStatus' }),
    ResourceQuotaSpec: msg({ hard: `1 ${quantities}`, scopes: '2 []string', scopeSelector: '3 *ScopeSelector' }),
    ResourceQuotaStatus: msg({ hard: `1 ${quantities}`, used: `2 ${quantities}` }),
    ScopeSelector: msg({ matchExpressions: '1 []ScopedResourceSelectorRequirement' }),
    ScopedResourceSelectorRequirement: msg({ scopeName: '1 string keep', operator: '2 string keep', values: '3 []string' }),
  },
};
