/**
 * Which admission configurations a request matches, as the kube-apiserver's admission/plugin
 * matchers decide it: rules (operations, API groups and versions, resources with subresources
 * and wildcards, scope, resource names), excludeResourceRules, matchPolicy Exact or Equivalent,
 * namespaceSelector (the namespace's labels, read once per request) and objectSelector (the new
 * or the old object's labels). Shared by the policies' and the webhooks' stages; CEL
 * matchConditions are theirs. Selectors are compiled once per configuration object.
 */
import { labelSelectorFromObject, type KubeObject, type LabelSelector, type LabelSelectorObject } from '../meta/index.js';
import { groupResource, namespaces, SYSTEM_USER, type AdmissionRequest, type Registry, type ResourceType } from '../registry/index.js';
import type { MatchResources, Rule, Webhook } from './kinds/index.js';

/** A resource as rules name it. */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** What rules are matched against: the request's resource, operation, name and scope. */
export interface RuleAttributes extends GroupVersionResource {
  operation: string;
  subresource: string;
  name: string;
  namespaced: boolean;
}

/** The request's own attributes; `as` names another version of the resource (matchPolicy Equivalent). */
export function attributesOf(request: AdmissionRequest, as: GroupVersionResource = request.type): RuleAttributes {
  const o = request.object ?? request.oldObject;
  return {
    group: as.group,
    version: as.version,
    resource: as.resource,
    operation: request.operation,
    subresource: request.subresource ?? '',
    name: o?.metadata.name ?? '',
    namespaced: request.type.namespaced,
  };
}

const listed = (list: readonly string[] | null | undefined, value: string): boolean => !!list && (list.includes('*') || list.includes(value));

/** A rule's `resources` entry against resource and subresource ("pods", "pods/status", "pods/*", "*\/scale", "*", "*\/*"). */
function resourceMatches(entry: string, resource: string, subresource: string): boolean {
  if (entry === '*/*') return true;
  const slash = entry.indexOf('/');
  if (slash < 0) return subresource === '' && (entry === '*' || entry === resource);
  const res = entry.slice(0, slash);
  const sub = entry.slice(slash + 1);
  return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
}

/** Whether one rule selects the attributes (apiserver's rules.Matcher, plus NamedRuleWithOperations' resourceNames). */
export function ruleMatches(rule: Rule, a: RuleAttributes): boolean {
  if (!listed(rule.operations, a.operation)) return false;
  if (!listed(rule.apiGroups, a.group) || !listed(rule.apiVersions, a.version)) return false;
  if (!(rule.resources ?? []).some((r) => resourceMatches(r, a.resource, a.subresource))) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && a.namespaced) return false;
  if (scope === 'Namespaced' && !a.namespaced) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

const anyRule = (rules: readonly Rule[] | null | undefined, a: RuleAttributes): boolean => (rules ?? []).some((r) => ruleMatches(r, a));

/** The other versions a resource is served in, in the request's logical cluster (the same stored objects). */
export type Equivalents = (request: AdmissionRequest) => readonly GroupVersionResource[] | Promise<readonly GroupVersionResource[]>;

/**
 * The version of the request's resource the rules select: the request's own, or with matchPolicy
 * Equivalent another version of the same stored resource; undefined when none is selected.
 */
async function matchedResource(
  include: readonly Rule[] | null | undefined,
  exclude: readonly Rule[] | null | undefined,
  policy: string | null | undefined,
  request: AdmissionRequest,
  equivalents: Equivalents | undefined,
): Promise<GroupVersionResource | undefined> {
  const own = attributesOf(request);
  if (anyRule(exclude, own)) return undefined;
  if (anyRule(include, own)) return request.type;
  if (policy === 'Exact' || !equivalents) return undefined;
  for (const other of await equivalents(request)) {
    if (other.group === own.group && other.version === own.version && other.resource === own.resource) continue;
    const a = attributesOf(request, other);
    if (anyRule(include, a) && !anyRule(exclude, a)) return other;
  }
  return undefined;
}

const compiled = new WeakMap<object, LabelSelector | null>();

/** A label selector as configurations carry it (lists and maps may be null). */
type Selector = { matchLabels?: Record<string, string> | null; matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null } | null | undefined;

/** A selector compiled once per configuration object; null for one that does not parse (validation refuses those). */
function selectorOf(sel: Selector): LabelSelector | undefined | null {
  if (!sel) return undefined;
  let s = compiled.get(sel);
  if (s === undefined) {
    try {
      s = labelSelectorFromObject(sel as LabelSelectorObject);
    } catch {
      s = null;
    }
    compiled.set(sel, s);
  }
  return s;
}

/** objectSelector: the new or the old object's labels (a DELETE has only the old, a CREATE only the new). */
export function objectSelected(sel: Selector, request: AdmissionRequest): boolean {
  const s = selectorOf(sel);
  if (s === undefined || s?.empty) return true;
  if (s === null) return false;
  return s.matches(request.object?.metadata.labels ?? {}) || (request.oldObject !== undefined && s.matches(request.oldObject.metadata.labels ?? {}));
}

const isNamespaceRequest = (request: AdmissionRequest): boolean => request.type.group === '' && request.type.resource === 'namespaces';

/**
 * namespaceSelector: a namespaced object's namespace labels; a Namespace's own labels; other
 * cluster-scoped objects always match (as in Kubernetes).
 */
export async function namespaceSelected(sel: Selector, request: AdmissionRequest, namespace: () => Promise<KubeObject | undefined>): Promise<boolean> {
  const s = selectorOf(sel);
  if (s === undefined || s?.empty) return true;
  if (s === null) return false;
  if (isNamespaceRequest(request) && !request.subresource) {
    return s.matches((request.object ?? request.oldObject)?.metadata.labels ?? {});
  }
  if (!request.type.namespaced) return true;
  return s.matches((await namespace())?.metadata.labels ?? {});
}

/** What a binding's matchResources with exclusions but no resourceRules starts from. */
const EVERYTHING: readonly Rule[] = [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }];

export interface Matcher {
  /** A policy's matchConstraints or a binding's matchResources (absent: everything). */
  matchesResources(match: unknown, request: AdmissionRequest, namespace: () => Promise<KubeObject | undefined>): Promise<boolean>;
  /** A webhook's rules, namespaceSelector and objectSelector. */
  webhookMatches(webhook: Webhook, request: AdmissionRequest, namespace: () => Promise<KubeObject | undefined>): Promise<boolean>;
  /**
   * The resource version a webhook's rules selected (the request's, or an equivalent one), for
   * the AdmissionReview's `kind`/`resource`; undefined when they select nothing.
   */
  webhookResource(webhook: Webhook, request: AdmissionRequest): Promise<GroupVersionResource | undefined>;
}

/** The matcher; `equivalents` lists a resource's other versions for matchPolicy Equivalent (none without). */
export function matcher(equivalents?: Equivalents): Matcher {
  const webhookResource = (w: Webhook, request: AdmissionRequest) => matchedResource(w.rules, undefined, w.matchPolicy, request, equivalents);
  return {
    async matchesResources(match, request, namespace) {
      if (match === undefined || match === null) return true;
      const m = match as MatchResources;
      // A binding without resourceRules narrows nothing by rule; a policy always has some (validation).
      if ((m.resourceRules ?? []).length > 0 || (m.excludeResourceRules ?? []).length > 0) {
        const include = (m.resourceRules ?? []).length > 0 ? m.resourceRules : EVERYTHING;
        if (!(await matchedResource(include, m.excludeResourceRules, m.matchPolicy, request, equivalents))) return false;
      }
      return objectSelected(m.objectSelector, request) && (await namespaceSelected(m.namespaceSelector, request, namespace));
    },
    async webhookMatches(w, request, namespace) {
      if (!(await webhookResource(w, request))) return false;
      return objectSelected(w.objectSelector, request) && (await namespaceSelected(w.namespaceSelector, request, namespace));
    },
    webhookResource,
  };
}

/** The resource a type is stored as: versions sharing it are equivalent. */
export const storageResourceOf = (t: ResourceType): string => t.storedAs?.resource ?? groupResource(t);

/**
 * Equivalents from the types a logical cluster serves, grouped once per API set (the catalog hands
 * out the same array until the set changes): a request looks its resource up, it scans nothing.
 */
export function equivalentsFrom(typesFor: (cluster: string) => Promise<readonly ResourceType[]>): Equivalents {
  const grouped = new WeakMap<readonly ResourceType[], Map<string, readonly ResourceType[]>>();
  return async (request) => {
    const types = await typesFor(request.context.cluster);
    let byStorage = grouped.get(types);
    if (!byStorage) {
      byStorage = new Map();
      for (const t of types) {
        if (t.ephemeral) continue;
        const key = storageResourceOf(t);
        byStorage.set(key, [...(byStorage.get(key) ?? []), t]);
      }
      grouped.set(types, byStorage);
    }
    return byStorage.get(storageResourceOf(request.type)) ?? [];
  };
}

const namespaceReads = new WeakMap<AdmissionRequest, Promise<KubeObject | undefined>>();

/**
 * The request's namespace object, read through the registry at most once per request whichever
 * stage asks first; undefined for cluster-scoped requests and namespaces that do not exist.
 */
export function namespaceReader(registry: Registry): (request: AdmissionRequest) => () => Promise<KubeObject | undefined> {
  return (request) => () => {
    const cached = namespaceReads.get(request);
    if (cached) return cached;
    const name = request.type.namespaced ? (request.object ?? request.oldObject)?.metadata.namespace : undefined;
    const read = name ? registry.get({ cluster: request.context.cluster, user: SYSTEM_USER }, namespaces, undefined, name).catch(() => undefined) : Promise.resolve(undefined);
    namespaceReads.set(request, read);
    return read;
  };
}
