/**
 * OpenAPI v3 schemas of the apimachinery types every kind shares (meta/v1, runtime and
 * resource.Quantity), named and shaped as in Kubernetes' published v3 documents. Structure,
 * formats, defaults, required lists and x-kubernetes-* metadata follow Kubernetes (1.31+);
 * descriptions are Atoll's own.
 */
import type { OpenApiSchema } from '../../../meta/index.js';
import {
  ATOMIC,
  LABEL_SELECTOR,
  LIST_META,
  META_V1,
  MICRO_TIME,
  OBJECT_META,
  QUANTITY,
  TIME,
  apiVersionField,
  bool,
  gvk,
  int32,
  int64,
  keyedList,
  kindField,
  ref,
  refList,
  refObject,
  requiredStr,
  str,
  stringList,
  stringMap,
  time,
} from './schema-builders.js';

const OWNER_REFERENCE = `${META_V1}OwnerReference`;
const MANAGED_FIELDS_ENTRY = `${META_V1}ManagedFieldsEntry`;
const FIELDS_V1 = `${META_V1}FieldsV1`;
const LABEL_SELECTOR_REQUIREMENT = `${META_V1}LabelSelectorRequirement`;
const STATUS = `${META_V1}Status`;
const STATUS_DETAILS = `${META_V1}StatusDetails`;
const STATUS_CAUSE = `${META_V1}StatusCause`;
const DELETE_OPTIONS = `${META_V1}DeleteOptions`;
const PRECONDITIONS = `${META_V1}Preconditions`;
const WATCH_EVENT = `${META_V1}WatchEvent`;
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/**
 * Groups whose endpoints accept DeleteOptions and stream WatchEvents in Atoll's built-in API set.
 * Kubernetes lists every group it serves here; a document for an API set with more groups (CRDs,
 * bound APIs) may extend the list.
 */
const SHARED_KIND_GROUP_VERSIONS: [string, string][] = [
  ['', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['events.k8s.io', 'v1'],
  ['rbac.authorization.k8s.io', 'v1'],
];

const sharedKind = (kind: string) => SHARED_KIND_GROUP_VERSIONS.map(([g, v]) => gvk(g, v, kind));

/** Kubernetes' v3 documents give Quantity a `oneOf`: a string such as "500m", or a plain number. */
const quantity: OpenApiSchema = {
  description:
    'A fixed-point amount such as "100m", "1.5", "2Gi" or "1e3": a number with an optional binary (Ki, Mi, Gi, Ti, Pi, Ei), ' +
    'decimal (n, u, m, k, M, G, T, P, E) or exponent suffix. Servers keep it exact and write it back in canonical form ' +
    '(1.5 becomes "1500m", 1.5Gi becomes "1536Mi").',
  oneOf: [{ type: 'string' }, { type: 'number' }],
};

export const metaV1Schemas: Record<string, OpenApiSchema> = {
  [QUANTITY]: quantity,

  [TIME]: {
    type: 'string',
    format: 'date-time',
    description: 'A point in time, serialised as an RFC 3339 timestamp in UTC with second precision.',
  },

  [MICRO_TIME]: {
    type: 'string',
    format: 'date-time',
    description: 'A point in time with microsecond precision, serialised as an RFC 3339 timestamp.',
  },

  [OBJECT_META]: {
    type: 'object',
    description: 'Metadata every persisted object carries: its identity, labels and annotations, owners, finalizers and server-set bookkeeping.',
    properties: {
      name: str(
        'Unique name of the object within its namespace (or cluster-wide for cluster-scoped kinds). Required on create unless ' +
          'generateName is set; cannot be changed.',
      ),
      generateName: str(
        'Prefix the server completes with a random suffix to name the object, used only when name is empty. Follows the same rules as name.',
      ),
      namespace: str('Namespace the object lives in; empty for cluster-scoped kinds. Must be a DNS label and cannot be changed.'),
      selfLink: str('Deprecated and never set: a URL for this object.'),
      uid: str('Identifier the server assigns at creation, unique across time and space. Read-only.'),
      resourceVersion: str(
        'Opaque version of the object, changed on every write. Send it back unmodified for optimistic concurrency or to start a ' +
          'watch from here. Read-only.',
      ),
      generation: int64('Number the server increments whenever the desired state (typically spec) changes. Read-only.'),
      creationTimestamp: time('When the server created the object (RFC 3339, UTC). Read-only.'),
      deletionTimestamp: time(
        'When deletion was requested and the object started waiting for its finalizers or grace period; it is removed once ' +
          'finalizers is empty. Set by the server, read-only.',
      ),
      deletionGracePeriodSeconds: int64(
        'Seconds the object is given to terminate gracefully; set together with deletionTimestamp and may only shrink. Read-only.',
      ),
      labels: stringMap('Key/value pairs used to organise objects and to select them with label selectors.'),
      annotations: stringMap('Arbitrary non-identifying key/value data that tools attach to the object; not used for selection.'),
      ownerReferences: refList(
        OWNER_REFERENCE,
        'Objects this one depends on. When every owner is gone the garbage collector deletes this object. At most one entry may ' +
          'have controller set.',
        keyedList('uid'),
      ),
      finalizers: stringList(
        'Names of the components that must finish clean-up before the object is removed. While deletionTimestamp is set entries ' +
          'can only be removed; they may be processed in any order.',
        { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      ),
      managedFields: refList(
        MANAGED_FIELDS_ENTRY,
        'Which manager owns which fields, as recorded by server-side apply. Internal bookkeeping that users rarely need to touch.',
        ATOMIC,
      ),
    },
  },

  [LIST_META]: {
    type: 'object',
    description: 'Metadata of list responses and other synthetic objects.',
    properties: {
      selfLink: str('Deprecated and never set: a URL for this list.'),
      resourceVersion: str('Opaque version of the snapshot the list was read from; start a watch from it to see later changes.'),
      continue: str(
        'Set when the list was cut short by a limit: pass it back as the continue parameter to fetch the next page. Opaque, and ' +
          'expires after a while.',
      ),
      remainingItemCount: int64(
        'Estimate of how many items the remaining pages hold. Omitted when unknown (for example with selectors) or on the last page.',
      ),
    },
  },

  [OWNER_REFERENCE]: {
    type: 'object',
    description: 'Identifies an owner of an object. The owner is in the same namespace as its dependent, or cluster-scoped.',
    properties: {
      apiVersion: requiredStr('API version of the owner.'),
      kind: requiredStr('Kind of the owner.'),
      name: requiredStr('Name of the owner.'),
      uid: requiredStr('UID of the owner.'),
      controller: bool('Whether this owner is the managing controller of the dependent.'),
      blockOwnerDeletion: bool(
        'When true and the owner is deleted in the foreground, the owner is kept until this dependent is gone. Setting it requires ' +
          'permission to delete the owner. Defaults to false.',
      ),
    },
    required: ['apiVersion', 'kind', 'name', 'uid'],
    'x-kubernetes-map-type': 'atomic',
  },

  [MANAGED_FIELDS_ENTRY]: {
    type: 'object',
    description: 'The set of fields one manager owns on an object, for the group/version it wrote them in.',
    properties: {
      manager: str('Name of the workflow (client, controller, apply pipeline) that manages these fields.'),
      operation: str('How the fields were written: Apply or Update.'),
      apiVersion: str('group/version the field set is expressed in; field sets are not converted between versions.'),
      time: time('When the entry last changed: a field was added, or an owned value changed.'),
      fieldsType: str('Format of the field set; currently always "FieldsV1".'),
      fieldsV1: ref(FIELDS_V1, 'The owned fields in FieldsV1 format.'),
      subresource: str('Subresource the fields were written through (for example "status"); empty for the main resource.'),
    },
  },

  [FIELDS_V1]: {
    type: 'object',
    description:
      'A set of field paths encoded as a JSON trie. Keys are "." (the field itself), "f:<name>" (a struct field or map key), ' +
      '"v:<value>" (a set item), "i:<index>" (a list position) or "k:<keys>" (a keyed list item); a key mapping to an empty ' +
      'object is in the set. Defined by sigs.k8s.io/structured-merge-diff.',
  },

  [LABEL_SELECTOR]: {
    type: 'object',
    description:
      'A query over labels: matchLabels and matchExpressions must all hold. An empty selector matches everything; a missing one matches nothing.',
    properties: {
      matchLabels: stringMap('Labels that must be present with exactly these values; shorthand for "In" expressions with one value.'),
      matchExpressions: refList(LABEL_SELECTOR_REQUIREMENT, 'Expressions that must all hold.', ATOMIC),
    },
    'x-kubernetes-map-type': 'atomic',
  },

  [LABEL_SELECTOR_REQUIREMENT]: {
    type: 'object',
    description: 'One condition of a label selector: a label key, an operator and values.',
    properties: {
      key: requiredStr('Label key the condition tests.'),
      operator: requiredStr('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
      values: stringList('Values for In and NotIn (must be non-empty); must be empty for Exists and DoesNotExist.', ATOMIC),
    },
    required: ['key', 'operator'],
  },

  [STATUS]: {
    type: 'object',
    description: 'Result of an operation that returns no object, and the body of every API error.',
    properties: {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: refObject(LIST_META, 'Standard list metadata; usually empty.'),
      status: str('"Success" or "Failure".'),
      message: str('Human-readable explanation of the result.'),
      reason: str('Machine-readable reason for a failure (NotFound, AlreadyExists, Conflict, Invalid, ...); empty if unknown.'),
      details: ref(STATUS_DETAILS, 'More about the failure, as defined by its reason: the object concerned and per-field causes.', ATOMIC),
      code: int32('Suggested HTTP status code; 0 if not set.'),
    },
    'x-kubernetes-group-version-kind': [gvk('', 'v1', 'Status')],
  },

  [STATUS_DETAILS]: {
    type: 'object',
    description: 'Details of a failed operation. Which fields are set depends on the reason; clients must tolerate any of them missing.',
    properties: {
      name: str('Name of the object concerned, when there is a single one.'),
      group: str('API group of the object concerned.'),
      kind: str('Kind of the object concerned; may differ from the kind requested.'),
      uid: str('UID of the object concerned, when there is a single one.'),
      causes: refList(STATUS_CAUSE, 'The individual problems behind the failure, such as one entry per invalid field.', ATOMIC),
      retryAfterSeconds: int32('Seconds to wait before retrying, or before taking the alternative action the error suggests.'),
    },
  },

  [STATUS_CAUSE]: {
    type: 'object',
    description: 'One problem behind a failed operation.',
    properties: {
      reason: str('Machine-readable cause (FieldValueRequired, FieldValueInvalid, ...); empty if unknown.'),
      message: str('Human-readable description of the problem, fit to show to a user.'),
      field: str(
        'Path of the offending field in JSON naming, with dots for nesting and [i] for list items, for example "spec.rules[0].verbs". ' +
          'A field may appear in several causes.',
      ),
    },
  },

  [DELETE_OPTIONS]: {
    type: 'object',
    description: 'Options of a delete request.',
    properties: {
      apiVersion: apiVersionField(),
      kind: kindField(),
      gracePeriodSeconds: int64(
        'Seconds to allow for graceful deletion; 0 deletes immediately. When unset, the default for the kind applies. Must not be negative.',
      ),
      preconditions: ref(PRECONDITIONS, 'Conditions the stored object must meet, or the delete fails with 409 Conflict.'),
      orphanDependents: bool('Deprecated, use propagationPolicy. true orphans dependents, false deletes them. Mutually exclusive with propagationPolicy.'),
      propagationPolicy: str(
        'What happens to dependents: "Orphan" keeps them, "Background" deletes them after the owner, "Foreground" deletes them ' +
          'before the owner. When unset, it follows the finalizers on the object and the default for the kind.',
      ),
      dryRun: stringList('When set, the request is validated but not persisted. Only "All" is accepted.', ATOMIC),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool(
        'Deletes an object that cannot be read from storage (corrupt or undecryptable), bypassing preconditions such as ' +
          'finalizers. Unsafe; also needs the unsafe-delete-ignore-read-errors permission.',
      ),
    },
    'x-kubernetes-group-version-kind': sharedKind('DeleteOptions'),
  },

  [PRECONDITIONS]: {
    type: 'object',
    description: 'Conditions the stored object must meet for an update or delete to proceed.',
    properties: {
      uid: str('The object must have this UID.'),
      resourceVersion: str('The object must be at this resourceVersion.'),
    },
  },

  [WATCH_EVENT]: {
    type: 'object',
    description: 'One event of a watch stream.',
    properties: {
      type: requiredStr('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
      object: ref(
        RAW_EXTENSION,
        'For ADDED and MODIFIED, the new state of the object; for DELETED, its last state; for BOOKMARK, an object carrying only ' +
          'the resourceVersion; for ERROR, a Status.',
      ),
    },
    required: ['type', 'object'],
    'x-kubernetes-group-version-kind': sharedKind('WatchEvent'),
  },

  [RAW_EXTENSION]: {
    type: 'object',
    description: 'An embedded object of any kind, kept as raw JSON with its own apiVersion and kind.',
  },
};

