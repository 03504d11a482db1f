/**
 * Discovery documents for an API set: the legacy per-group lists (`/api`, `/api/v1`, `/apis`,
 * `/apis/<g>`, `/apis/<g>/<v>`) and the aggregated `apidiscovery.k8s.io/v2` form kubectl asks
 * for first. All are built once per API set fingerprint and shared by every workspace with it.
 */
import { DerivedCache, type ApiSet } from '../apis/index.js';
import { apiVersionOf, subresourceKind, subresourcesOf, subresourceVerbs, type ResourceType } from '../registry/index.js';

/** Verbs every registry-served resource supports. */
export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** A kind that is never stored (an access review) is only created, as the apiserver advertises it. */
const verbsOf = (t: ResourceType): string[] => (t.ephemeral ? ['create'] : RESOURCE_VERBS);

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface DiscoveryDocs {
  legacyVersions: object;
  groupList: object;
  groups: Map<string, object>;
  resourceLists: Map<string, object>;
  aggregatedLegacy: object;
  aggregatedGroups: object;
}

function resourceList(groupVersion: string, types: readonly ResourceType[]): object {
  const resources: ApiResource[] = [];
  for (const t of types) {
    const r: ApiResource = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: verbsOf(t) };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    for (const sub of subresourcesOf(t)) {
      const k = subresourceKind(t, sub);
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(k.group !== t.group ? { group: k.group, version: k.version } : {}),
        kind: k.kind,
        verbs: subresourceVerbs(t, sub),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function groupEntry(name: string, versions: string[]) {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

function aggregatedGroup(set: ApiSet, name: string, versions: string[]): object {
  return {
    metadata: name ? { name } : {},
    versions: versions.map((version) => ({
      version,
      resources: set.typesOf(apiVersionOf({ group: name, version })).map((t) => {
        const responseKind = { group: t.group, version: t.version, kind: t.kind };
        const r: Record<string, unknown> = {
          resource: t.resource,
          responseKind,
          scope: t.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: t.singular,
          verbs: verbsOf(t),
        };
        if (t.shortNames.length) r.shortNames = t.shortNames;
        if (t.categories.length) r.categories = t.categories;
        const subs = subresourcesOf(t);
        if (subs.length) {
          r.subresources = subs.map((subresource) => ({
            subresource,
            responseKind: subresourceKind(t, subresource),
            verbs: subresourceVerbs(t, subresource),
          }));
        }
        return r;
      }),
      freshness: 'Current',
    })),
  };
}

function build(set: ApiSet): DiscoveryDocs {
  const core = set.groups.find((g) => g.name === '');
  const named = set.groups.filter((g) => g.name !== '').sort((a, b) => a.name.localeCompare(b.name));
  const resourceLists = new Map<string, object>();
  for (const gv of set.groupVersions()) resourceLists.set(gv, resourceList(gv, set.typesOf(gv)));
  const list = (items: object[]) => ({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });
  return {
    legacyVersions: {
      kind: 'APIVersions',
      versions: core ? core.versions : [],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
    },
    groupList: { kind: 'APIGroupList', apiVersion: 'v1', groups: named.map((g) => groupEntry(g.name, g.versions)) },
    groups: new Map(named.map((g) => [g.name, { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) }])),
    resourceLists,
    aggregatedLegacy: list(core ? [aggregatedGroup(set, '', core.versions)] : []),
    aggregatedGroups: list(named.map((g) => aggregatedGroup(set, g.name, g.versions))),
  };
}

const cache = new DerivedCache(build, undefined, 'discovery');

export function discoveryFor(set: ApiSet): DiscoveryDocs {
  return cache.get(set);
}

export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_DISCOVERY_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
