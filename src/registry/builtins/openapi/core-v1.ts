/**
 * OpenAPI v3 schemas of Atoll's core/v1 kinds (Namespace, ConfigMap, Secret, ServiceAccount,
 * Event, LimitRange, ResourceQuota), their List kinds and the types they embed, named as in
 * Kubernetes' `api/v1` document. Structure, formats, defaults, required lists and x-kubernetes-*
 * metadata follow Kubernetes (1.31+); descriptions are Atoll's own.
 */
import type { OpenApiSchema } from '../../../meta/index.js';
import {
  ATOMIC,
  bool,
  byteMap,
  int32,
  keyedList,
  kindSchema,
  listSchema,
  microTime,
  quantityMap,
  ref,
  refList,
  refObject,
  requiredStr,
  str,
  stringList,
  stringMap,
  time,
} from './schema-builders.js';

const CORE = 'io.k8s.api.core.v1.';
const NAMESPACE = `${CORE}Namespace`;
const NAMESPACE_SPEC = `${CORE}NamespaceSpec`;
const NAMESPACE_STATUS = `${CORE}NamespaceStatus`;
const NAMESPACE_CONDITION = `${CORE}NamespaceCondition`;
const CONFIG_MAP = `${CORE}ConfigMap`;
const SECRET = `${CORE}Secret`;
const SERVICE_ACCOUNT = `${CORE}ServiceAccount`;
const OBJECT_REFERENCE = `${CORE}ObjectReference`;
const LOCAL_OBJECT_REFERENCE = `${CORE}LocalObjectReference`;
const EVENT = `${CORE}Event`;
const EVENT_SOURCE = `${CORE}EventSource`;
const EVENT_SERIES = `${CORE}EventSeries`;
const LIMIT_RANGE = `${CORE}LimitRange`;
const LIMIT_RANGE_SPEC = `${CORE}LimitRangeSpec`;
const LIMIT_RANGE_ITEM = `${CORE}LimitRangeItem`;
const RESOURCE_QUOTA = `${CORE}ResourceQuota`;
const RESOURCE_QUOTA_SPEC = `${CORE}ResourceQuotaSpec`;
const RESOURCE_QUOTA_STATUS = `${CORE}ResourceQuotaStatus`;
const SCOPE_SELECTOR = `${CORE}ScopeSelector`;
const SCOPED_RESOURCE_SELECTOR_REQUIREMENT = `${CORE}ScopedResourceSelectorRequirement`;

const core = (kind: string, description: string, properties: Record<string, OpenApiSchema>, required?: string[]) =>
  kindSchema({ group: '', version: 'v1', kind, description, properties, ...(required ? { required } : {}) });

const coreList = (kind: string, itemSchema: string, itemsDescription: string) => listSchema('', 'v1', kind, itemSchema, itemsDescription);

const namespaces: Record<string, OpenApiSchema> = {
  [NAMESPACE]: core('Namespace', 'A scope for the names of namespaced objects; deleting it deletes everything inside.', {
    spec: refObject(NAMESPACE_SPEC, 'Desired behaviour of the namespace.'),
    status: refObject(NAMESPACE_STATUS, 'Observed state of the namespace, maintained by the server.'),
  }),
  [`${NAMESPACE}List`]: coreList('Namespace', NAMESPACE, 'The namespaces.'),
  [NAMESPACE_SPEC]: {
    type: 'object',
    description: 'Desired behaviour of a namespace.',
    properties: {
      finalizers: stringList(
        'Clean-up steps that must complete before the namespace is removed from storage ("kubernetes" empties it). Changed only ' +
          'through the finalize subresource.',
        ATOMIC,
      ),
    },
  },
  [NAMESPACE_STATUS]: {
    type: 'object',
    description: 'Observed state of a namespace.',
    properties: {
      phase: str('Lifecycle phase: Active, or Terminating once deletion has started.'),
      conditions: refList(NAMESPACE_CONDITION, 'Latest observations of the namespace, one per condition type.', keyedList('type')),
    },
  },
  [NAMESPACE_CONDITION]: {
    type: 'object',
    description: 'One observation about a namespace, typically about the progress of its deletion.',
    properties: {
      type: requiredStr('Kind of observation, such as NamespaceDeletionContentFailure or NamespaceContentRemaining.'),
      status: requiredStr('Whether the condition holds: True, False or Unknown.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason for the last transition, in CamelCase.'),
      message: str('Human-readable details of the last transition.'),
    },
    required: ['type', 'status'],
  },
};

const configAndSecrets: Record<string, OpenApiSchema> = {
  [CONFIG_MAP]: core('ConfigMap', 'Non-confidential configuration data, as key/value pairs, for workloads to consume.', {
    data: stringMap(
      "UTF-8 configuration values by key. Keys consist of letters, digits, '-', '_' and '.', and must not also appear in binaryData.",
    ),
    binaryData: byteMap(
      "Binary values by key, base64-encoded; for content that is not valid UTF-8. Keys follow the rules of data and must not repeat its keys.",
    ),
    immutable: bool('When true, data and binaryData can no longer change (only metadata can); it cannot be unset. Defaults to unset.'),
  }),
  [`${CONFIG_MAP}List`]: coreList('ConfigMap', CONFIG_MAP, 'The config maps.'),

  [SECRET]: core('Secret', 'Confidential data, such as passwords, tokens or keys, of a given type. Data may total at most 1 MiB.', {
    data: byteMap("Secret values by key, base64-encoded. Keys consist of letters, digits, '-', '_' and '.'."),
    stringData: stringMap(
      'Write-only convenience: plain-text values merged into data (overwriting keys it already has) when written. Never returned on read.',
    ),
    type: str(
      'How the data is meant to be used, which decides the keys it must hold: Opaque (the default), kubernetes.io/tls, ' +
        'kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth, kubernetes.io/ssh-auth, kubernetes.io/service-account-token, ' +
        'or a custom type. Cannot be changed.',
    ),
    immutable: bool('When true, data can no longer change (only metadata can); it cannot be unset. Defaults to unset.'),
  }),
  [`${SECRET}List`]: coreList('Secret', SECRET, 'The secrets.'),
};

const serviceAccounts: Record<string, OpenApiSchema> = {
  [SERVICE_ACCOUNT]: core('ServiceAccount', 'An identity for processes and controllers, which RBAC bindings can grant permissions to.', {
    secrets: refList(
      OBJECT_REFERENCE,
      'Secrets in the same namespace that pods using this account may mount (enforced only when the account is annotated ' +
        'kubernetes.io/enforce-mountable-secrets=true). Not a source of API tokens: request those with TokenRequest.',
      keyedList('name'),
    ),
    imagePullSecrets: refList(
      LOCAL_OBJECT_REFERENCE,
      'Secrets in the same namespace used to pull images for pods that run as this account.',
      ATOMIC,
    ),
    automountServiceAccountToken: bool('Whether pods running as this account get an API token mounted; a pod may override it.'),
  }),
  [`${SERVICE_ACCOUNT}List`]: coreList('ServiceAccount', SERVICE_ACCOUNT, 'The service accounts.'),

  [OBJECT_REFERENCE]: {
    type: 'object',
    description: 'A reference to an object, precise enough to fetch or change it.',
    properties: {
      kind: str('Kind of the referenced object.'),
      namespace: str('Namespace of the referenced object.'),
      name: str('Name of the referenced object.'),
      uid: str('UID of the referenced object.'),
      apiVersion: str('API version of the referenced object.'),
      resourceVersion: str('resourceVersion of the object the reference was made against, if any.'),
      fieldPath: str(
        'When the reference is to part of an object, the path to it, such as "spec.containers{app}" or "spec.containers[2]".',
      ),
    },
    'x-kubernetes-map-type': 'atomic',
  },

  [LOCAL_OBJECT_REFERENCE]: {
    type: 'object',
    description: 'A reference by name to an object in the same namespace.',
    properties: {
      name: requiredStr('Name of the referenced object. Effectively required; an empty name is almost certainly a mistake.'),
    },
    'x-kubernetes-map-type': 'atomic',
  },
};

const events: Record<string, OpenApiSchema> = {
  [EVENT]: core(
    'Event',
    'A report that something happened to an object. Events are kept only for a short time and are informative, best-effort data.',
    {
      involvedObject: refObject(OBJECT_REFERENCE, 'The object the event is about.'),
      reason: str('Short, machine-readable reason for the event, in CamelCase (for example FailedScheduling).'),
      message: str('Human-readable description of what happened.'),
      source: refObject(EVENT_SOURCE, 'The component that reported the event.'),
      firstTimestamp: time('When the event was first recorded.'),
      lastTimestamp: time('When the event was most recently recorded.'),
      count: int32('How many times the event has occurred.'),
      type: str('Severity: Normal or Warning; more types may be added.'),
      eventTime: microTime('When the event was first observed, with microsecond precision.'),
      series: ref(EVENT_SERIES, 'Information about the series this event belongs to; unset for a one-off event.'),
      action: str('What action was taken, or failed, regarding the involved object.'),
      related: ref(OBJECT_REFERENCE, 'A second object involved in the event, if any.'),
      reportingComponent: requiredStr('Name of the controller that emitted the event, such as kubernetes.io/kubelet.'),
      reportingInstance: requiredStr('ID of the controller instance that emitted the event, such as kubelet-xyzf.'),
    },
    ['metadata', 'involvedObject'],
  ),
  [`${EVENT}List`]: coreList('Event', EVENT, 'The events.'),
  [EVENT_SOURCE]: {
    type: 'object',
    description: 'The component that reported an event.',
    properties: {
      component: str('Name of the reporting component.'),
      host: str('Name of the node the event was generated on.'),
    },
  },
  [EVENT_SERIES]: {
    type: 'object',
    description: 'Aggregation of an event that keeps recurring for a while.',
    properties: {
      count: int32('Occurrences in the series up to the last heartbeat.'),
      lastObservedTime: microTime('When the last occurrence was observed.'),
    },
  },
};

const policies: Record<string, OpenApiSchema> = {
  [LIMIT_RANGE]: core('LimitRange', 'Per-object limits and defaults for resource usage in a namespace.', {
    spec: refObject(LIMIT_RANGE_SPEC, 'The limits enforced.'),
  }),
  [`${LIMIT_RANGE}List`]: coreList('LimitRange', LIMIT_RANGE, 'The limit ranges.'),
  [LIMIT_RANGE_SPEC]: {
    type: 'object',
    description: 'The limits a LimitRange enforces.',
    properties: {
      limits: refList(LIMIT_RANGE_ITEM, 'The limits, each for one type of object.', ATOMIC),
    },
    required: ['limits'],
  },
  [LIMIT_RANGE_ITEM]: {
    type: 'object',
    description: 'Bounds and defaults for the resources of one type of object (Pod, Container or PersistentVolumeClaim).',
    properties: {
      type: requiredStr('Type of object the limits apply to: Pod, Container or PersistentVolumeClaim.'),
      max: quantityMap('Largest amount allowed, by resource name.'),
      min: quantityMap('Smallest amount allowed, by resource name.'),
      default: quantityMap('Limit applied by resource name when an object does not set one.'),
      defaultRequest: quantityMap('Request applied by resource name when an object does not set one.'),
      maxLimitRequestRatio: quantityMap(
        'Largest allowed ratio of limit to request, by resource name; both must then be set and non-zero. Bounds how far usage may burst.',
      ),
    },
    required: ['type'],
  },

  [RESOURCE_QUOTA]: core('ResourceQuota', 'Caps the total resource use and object counts in a namespace.', {
    spec: refObject(RESOURCE_QUOTA_SPEC, 'The limits to enforce.'),
    status: refObject(RESOURCE_QUOTA_STATUS, 'The limits enforced and the current usage, maintained by the server.'),
  }),
  [`${RESOURCE_QUOTA}List`]: coreList('ResourceQuota', RESOURCE_QUOTA, 'The resource quotas.'),
  [RESOURCE_QUOTA_SPEC]: {
    type: 'object',
    description: 'The limits a ResourceQuota enforces and the objects it counts.',
    properties: {
      hard: quantityMap('Upper bound for each named resource, such as requests.cpu, limits.memory or count/configmaps.'),
      scopes: stringList(
        'Filters every tracked object must match, such as Terminating, BestEffort or PriorityClass. Without them all objects count.',
        ATOMIC,
      ),
      scopeSelector: ref(
        SCOPE_SELECTOR,
        'Scope filters written as expressions with operators and values. An object counts only if it matches both scopes and scopeSelector.',
      ),
    },
  },
  [RESOURCE_QUOTA_STATUS]: {
    type: 'object',
    description: 'The limits a ResourceQuota enforces and what is in use.',
    properties: {
      hard: quantityMap('The limits currently enforced, by resource name.'),
      used: quantityMap('Current usage in the namespace, by resource name.'),
    },
  },
  [SCOPE_SELECTOR]: {
    type: 'object',
    description: 'Scope requirements that must all hold for an object to be counted.',
    properties: {
      matchExpressions: refList(SCOPED_RESOURCE_SELECTOR_REQUIREMENT, 'The requirements; all must match.', ATOMIC),
    },
    'x-kubernetes-map-type': 'atomic',
  },
  [SCOPED_RESOURCE_SELECTOR_REQUIREMENT]: {
    type: 'object',
    description: 'One scope requirement: a scope name, an operator and values.',
    properties: {
      scopeName: requiredStr('Scope the requirement tests, such as PriorityClass or Terminating.'),
      operator: requiredStr('How the scope relates to the values: In, NotIn, Exists or DoesNotExist.'),
      values: stringList('Values for In and NotIn (must be non-empty); must be empty for Exists and DoesNotExist.', ATOMIC),
    },
    required: ['scopeName', 'operator'],
  },
};

export const coreV1Schemas: Record<string, OpenApiSchema> = {
  ...namespaces,
  ...configAndSecrets,
  ...serviceAccounts,
  ...events,
  ...policies,
};
