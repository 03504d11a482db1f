/**
 * A served resource: names, scope and the strategy that gives its kind its rules. Built-in kinds
 * define one in builtins/; CRDs and bound APIs will build them from their schemas.
 */
import type { KubeObject, OpenApiComponents } from '../meta/index.js';
import type { ErrorTarget, FieldError } from './errors.js';
import type { RequestContext } from './registry.js';

export type NameRule = 'subdomain' | 'label' | 'path-segment';

/** Kind-specific behaviour plugged into the generic registry (apiserver's RESTCreateStrategy & co.). */
export interface Strategy {
  /**
   * Validates everything but metadata; reports unknown fields separately so the caller can apply
   * its field-validation mode (Strict rejects, Warn warns, Ignore drops them).
   */
  validate(object: KubeObject, old?: KubeObject): { errors: FieldError[]; unknownFields: string[][] };
  /** Rules that compare against the stored object (immutable fields and such). */
  validateUpdate?(object: KubeObject, old: KubeObject): FieldError[];
  /** Normalises a new object before validation: defaults, folded fields, server-owned status. */
  prepareForCreate?(object: KubeObject): void;
  /** Same for updates of the main resource; `old` is the stored object. */
  prepareForUpdate?(object: KubeObject, old: KubeObject): void;
  /**
   * Whether the kind itself still holds a deleting object back, besides `metadata.finalizers`
   * (a Namespace stays until its `spec.finalizers` are done).
   */
  holdsDeletion?(object: KubeObject): boolean;
  /** Marks an object whose deletion has begun but must wait (a Namespace turns Terminating). */
  markDeleting?(object: KubeObject): void;
  /**
   * Subresources besides `status` that replace part of the object (a Namespace's `finalize`):
   * given the request body and the stored object, the object to store.
   */
  subresources?: Record<string, (input: KubeObject, old: KubeObject) => KubeObject>;
  /**
   * Subresources served as an object of another kind, like a custom resource's `scale` (an
   * autoscaling/v1 Scale): read from the stored object, and written back into it.
   */
  views?: Record<string, SubresourceView>;
  /**
   * Subresources that only take a create (POST) of another kind and answer with that kind, like
   * a ServiceAccount's `token` (an authentication.k8s.io/v1 TokenRequest). Nothing is written.
   */
  actions?: Record<string, SubresourceAction>;
}

/** What a create that writes nothing may know of its request. */
export interface EphemeralOptions {
  /** Nothing is stored anyway; a dry run only promises no other side effect (no token issued). */
  dryRun: boolean;
}

/**
 * A kind that is answered, never stored (SubjectAccessReview, SelfSubjectReview): create is its
 * only verb. The registry decodes the body and runs the strategy's validation and admission first.
 */
export interface Ephemeral {
  create(ctx: RequestContext, object: KubeObject, options: EphemeralOptions): Promise<KubeObject> | KubeObject;
}

export interface SubresourceAction {
  /** The kind the subresource takes and answers with. */
  group: string;
  version: string;
  kind: string;
  /** That kind's schema, for OpenAPI documents. */
  schema?: KindSchema;
  /** Validates the request body, as Strategy.validate does an object. */
  validate(input: KubeObject): { errors: FieldError[]; unknownFields: string[][] };
  /** The answer; `parent` is the stored object the URL names (read first, so a missing one is NotFound). */
  create(ctx: RequestContext, parent: KubeObject, input: KubeObject, options: EphemeralOptions): Promise<KubeObject> | KubeObject;
}

export interface SubresourceView {
  /** The kind the subresource is served as. */
  group: string;
  version: string;
  kind: string;
  read(object: KubeObject): KubeObject;
  /** The object to store once the view was replaced by `input`; throws an ApiError if `input` is invalid. */
  write(input: KubeObject, old: KubeObject): KubeObject;
}

/**
 * Objects a cluster-scoped type serves in every logical cluster without storing any copy (the
 * bootstrap ClusterRoles and ClusterRoleBindings): reads see them as objects of each cluster —
 * get, list (selectors and paging included) and a watch's initial events — in place of any stored
 * object of the same name, and no request may write them: a create of one of their names is
 * AlreadyExists, an update, patch, apply or delete is Forbidden. A stored object of such a name
 * (from before the name was shared) stays hidden; a delete of the name removes it.
 */
export interface SharedObjects {
  /** By name. Never changed, and never handed out: readers get copies. */
  objects: ReadonlyMap<string, KubeObject>;
  /** Why one of them cannot be written: the reason of the Forbidden answer. */
  readOnly(name: string): string;
}

/** Where a kind's OpenAPI v3 schema lives. */
export interface KindSchema {
  /** Key of the kind's schema in `components`, e.g. `io.k8s.api.core.v1.ConfigMap`. */
  name: string;
  /** Every schema the kind's schema refers to (shared between kinds of a group). */
  components: OpenApiComponents;
}

/** A column of server-side Table output (`kubectl get`), after NAME; AGE is added by the server. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: 0 | 1;
  /** The cell, already rendered as kubectl shows it. */
  cell(object: KubeObject): string | number | boolean | null;
}

export interface ResourceType extends ErrorTarget {
  group: string;
  version: string;
  /** Plural, lower case: `configmaps`. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  nameRule: NameRule;
  /** Whether `/status` is a separate subresource (then the main resource never writes status). */
  hasStatus: boolean;
  /**
   * false for kinds Kubernetes keeps no `metadata.generation` for (ConfigMap, Secret, Namespace,
   * the RBAC kinds, ...: their strategies set none); every other kind (custom resources, kcp's
   * kinds) starts at 1 and counts changes outside metadata and status.
   */
  generation?: boolean;
  /** Field selector keys beyond metadata.name and metadata.namespace. */
  selectableFields: string[];
  /**
   * The values field selectors match, computed from the stored object, where they are not plain
   * paths (an Event's `source` is source.component or reportingComponent).
   */
  fieldSet?: (stored: KubeObject) => Record<string, string>;
  /** Served field-selector labels renamed to stored ones (events.k8s.io `regarding.name` → `involvedObject.name`). */
  fieldLabels?: Readonly<Record<string, string>>;
  strategy: Strategy;
  /** OpenAPI v3 schema, for OpenAPI documents, explain, strategic merge patch and apply. */
  schema?: KindSchema;
  /**
   * Table columns. Normally NAME comes first and AGE last, added by the server; a kind whose
   * columns include one with `format: 'name'` lists its whole table itself (Events, Roles).
   */
  columns?: PrinterColumn[];
  /**
   * Served from another resource's storage in another shape, like events.k8s.io/v1 Events, which
   * are the core/v1 Events seen differently. Conversions are pure and lossless for stored fields.
   */
  storedAs?: {
    resource: string;
    toStored(o: KubeObject): KubeObject;
    fromStored(o: KubeObject): KubeObject;
    /**
     * This view owns the stored objects (a custom resource's storage version, which still converts
     * on read): the garbage collector and namespace deletion act through it, not the other views.
     */
    owner?: boolean;
  };
  /** Objects served in every logical cluster without being stored (cluster-scoped types only). */
  shared?: SharedObjects;
  /** Set for kinds that are answered and never stored; then only `create` is served. */
  ephemeral?: Ephemeral;
  /** Set when the version is deprecated: the warning every request to it gets. */
  deprecationWarning?: string;
  /** For types generated from data (CRDs): a hash of what they were generated from, for API-set fingerprints. */
  sourceHash?: string;
}

/**
 * Whether the type is the one to act through on its stored objects (not a second view of them).
 * Ephemeral kinds have none, so the garbage collector and namespace deletion pass them by.
 */
export const ownsStorage = (t: ResourceType): boolean => !t.ephemeral && (!t.storedAs || t.storedAs.owner === true);

/** The API groups of client-go's scheme (k8s.io/client-go/kubernetes/scheme). */
const CLIENT_GO_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/**
 * Whether PATCH takes strategic merge patch. The apiserver serves custom resources (CRDs, and so
 * in kcp every bound resource) without it: 415, and OpenAPI does not offer it. kcp's CRD handler
 * makes one exception, for CRDs in client-go's groups (a `deployments.apps` CRD), because kubectl
 * patches those kinds strategically by default; Atoll merges them by the CRD's schema. kcp's own
 * kinds (`*.kcp.io`) are custom resources there too, so they take no strategic merge patch even
 * where Atoll serves them as built-ins.
 */
export const takesStrategicMerge = (t: ResourceType): boolean =>
  t.schema !== undefined && (t.sourceHash === undefined ? !isKcpGroup(t.group) : CLIENT_GO_GROUPS.has(t.group));

const isKcpGroup = (group: string): boolean => group === 'kcp.io' || group.endsWith('.kcp.io');

/** Subresources a type serves: `status` when it has one, then its kind-specific ones. */
export function subresourcesOf(t: ResourceType): string[] {
  const s = t.strategy;
  return [...(t.hasStatus ? ['status'] : []), ...Object.keys(s.subresources ?? {}), ...Object.keys(s.views ?? {}), ...Object.keys(s.actions ?? {})];
}

/** The kind a subresource is served as: its view's or action's, or the type's own. */
export function subresourceKind(t: ResourceType, sub: string): { group: string; version: string; kind: string } {
  const other = t.strategy.views?.[sub] ?? t.strategy.actions?.[sub];
  return other ? { group: other.group, version: other.version, kind: other.kind } : { group: t.group, version: t.version, kind: t.kind };
}

/** The verbs a subresource takes: an action only `create`, a Namespace's `finalize` only `update`. */
export function subresourceVerbs(t: ResourceType, sub: string): string[] {
  if (t.strategy.actions?.[sub]) return ['create'];
  return sub === 'finalize' ? ['update'] : ['get', 'patch', 'update'];
}

/** The shared object of that name the type serves instead of a stored one, if any. */
export const sharedObject = (t: ResourceType, name: string): KubeObject | undefined => (t.namespaced ? undefined : t.shared?.objects.get(name));

export const hasSubresource = (t: ResourceType, sub: string): boolean => subresourcesOf(t).includes(sub);

export const apiVersionOf = (t: { group: string; version: string }): string =>
  t.group ? `${t.group}/${t.version}` : t.version;

/** The storage key's resource part: `configmaps`, `roles.rbac.authorization.k8s.io`. */
export const groupResource = (t: { group: string; resource: string }): string =>
  t.group ? `${t.resource}.${t.group}` : t.resource;
