/**
 * An API set: what one logical cluster serves (built-ins now; its CRDs and bound APIs later),
 * with a fingerprint. Everything derived from an API set — discovery documents, OpenAPI
 * documents, the GraphQL schema — is cached by fingerprint, so ten thousand workspaces with the
 * same APIs share one copy (DESIGN.md decision 1) and creating a workspace compiles nothing.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, subresourcesOf, type ResourceType } from '../registry/index.js';

export interface GroupVersions {
  /** '' for the core group. */
  name: string;
  /** Preferred version first. */
  versions: string[];
}

export class ApiSet {
  readonly fingerprint: string;
  readonly groups: readonly GroupVersions[];
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byGV = new Map<string, ResourceType[]>();

  constructor(readonly types: readonly ResourceType[]) {
    const groups = new Map<string, string[]>();
    for (const t of types) {
      this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
      const gv = apiVersionOf(t);
      this.byGV.set(gv, [...(this.byGV.get(gv) ?? []), t]);
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    this.groups = [...groups.entries()].map(([name, versions]) => ({ name, versions: sortVersions(versions) }));
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify(types.map(identity).sort()))
      .digest('base64url')
      .slice(0, 22);
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Types served at one group-version (`v1`, `rbac.authorization.k8s.io/v1`). */
  typesOf(groupVersion: string): readonly ResourceType[] {
    return this.byGV.get(groupVersion) ?? [];
  }

  /** Every group-version, core first. */
  groupVersions(): string[] {
    return [...this.byGV.keys()].sort((a, b) => (a === 'v1' ? -1 : b === 'v1' ? 1 : a.localeCompare(b)));
  }
}

/**
 * What makes two types the same for caching: names, scope, subresources (a ServiceAccount with
 * its `token` action differs from one without), whether it is stored, and the schema's identity.
 * Built-in schemas are shared module constants; generated ones (CRDs) hash their content.
 */
function identity(t: ResourceType): string {
  return JSON.stringify([
    t.group,
    t.version,
    t.resource,
    t.kind,
    t.namespaced,
    t.shortNames,
    t.categories,
    t.hasStatus,
    subresourcesOf(t),
    !!t.ephemeral,
    t.schema?.name ?? '',
    t.sourceHash ?? '',
    t.deprecationWarning ?? '',
  ]);
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2). */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    return [m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}
