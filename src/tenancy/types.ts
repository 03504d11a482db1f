/**
 * Workspace type rules: resolving a type reference (name + path of the workspace holding it), the
 * type's extension chain, its initializers, and whether a child type may be created under a parent
 * type — kcp's `limitAllowedChildren` / `limitAllowedParents`, where a type also counts as every
 * type it extends.
 */
import type { KubeObject } from '../meta/index.js';
import { ApiError, isApiError, type Registry } from '../registry/index.js';
import { typeSpecOf, workspaceTypes, type TypeReference } from './kinds/index.js';
import type { ClusterResolver } from './resolver.js';

export const ROOT_PATH = 'root';

export interface ResolvedType {
  /** `<path>:<name>`, e.g. `root:universal`. */
  key: string;
  ref: Required<TypeReference>;
  object: KubeObject;
}

export const typeKey = (ref: TypeReference): string => `${ref.path || ROOT_PATH}:${ref.name}`;

export function parseTypeKey(key: string): Required<TypeReference> {
  const at = key.lastIndexOf(':');
  return at < 0 ? { path: ROOT_PATH, name: key } : { path: key.slice(0, at), name: key.slice(at + 1) };
}

export class WorkspaceTypeRules {
  constructor(
    private readonly registry: Registry,
    private readonly resolver: ClusterResolver,
  ) {}

  async get(ref: TypeReference): Promise<ResolvedType | undefined> {
    const full = { name: ref.name, path: ref.path || ROOT_PATH };
    const cluster = await this.resolver.resolve(full.path);
    if (!cluster) return undefined;
    try {
      const object = await this.registry.get({ cluster }, workspaceTypes, undefined, full.name);
      return { key: typeKey(full), ref: full, object };
    } catch (e) {
      if (isApiError(e) && e.reason === 'NotFound') return undefined;
      throw e;
    }
  }

  /** The type followed by everything it extends, transitively, without repeats. */
  async chain(ref: TypeReference): Promise<ResolvedType[]> {
    const out: ResolvedType[] = [];
    const seen = new Set<string>();
    const visit = async (r: TypeReference): Promise<void> => {
      const key = typeKey(r);
      if (seen.has(key) || seen.size > 32) return;
      seen.add(key);
      const t = await this.get(r);
      if (!t) return;
      out.push(t);
      for (const e of typeSpecOf(t.object).extend?.with ?? []) await visit(e);
    };
    await visit(ref);
    return out;
  }

  /** Initializers a workspace of this type waits for: `<path>:<name>` of each initializer type in the chain. */
  async initializers(ref: TypeReference): Promise<string[]> {
    return (await this.chain(ref)).filter((t) => typeSpecOf(t.object).initializer).map((t) => t.key);
  }

  /** Terminators deleting a workspace of this type waits for, named like initializers. */
  async terminators(ref: TypeReference): Promise<string[]> {
    return (await this.chain(ref)).filter((t) => typeSpecOf(t.object).terminator).map((t) => t.key);
  }

  /**
   * Completes a type reference written without a path: the type is looked for in the parent
   * workspace, then in each ancestor up to root — so an organization can define types for its
   * teams. A reference with a path is taken as it is; an unknown type keeps root as its path and
   * fails later in `checkAllowed`.
   */
  async complete(ref: TypeReference, parentPath: string): Promise<Required<TypeReference>> {
    if (ref.path) return { name: ref.name, path: ref.path };
    const segments = parentPath.split(':');
    for (let n = segments.length; n > 0; n--) {
      const path = segments.slice(0, n).join(':');
      if (await this.get({ name: ref.name, path })) return { name: ref.name, path };
    }
    return { name: ref.name, path: ROOT_PATH };
  }

  /**
   * Throws Forbidden unless a workspace of type `child` may be created in a workspace of type
   * `parent`; returns the child's chain.
   */
  async checkAllowed(name: string, child: TypeReference, parentKey: string): Promise<ResolvedType[]> {
    const childChain = await this.chain(child);
    if (childChain.length === 0) {
      throw new ApiError('Invalid', `Workspace.tenancy.kcp.io "${name}" is invalid: spec.type: Invalid value: "${typeKey(child)}": workspace type does not exist`, {
        name,
        group: 'tenancy.kcp.io',
        kind: 'Workspace',
        causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "${typeKey(child)}": workspace type does not exist`, field: 'spec.type' }],
      });
    }
    const parentChain = await this.chain(parseTypeKey(parentKey));
    const forbid = (why: string): never => {
      throw new ApiError('Forbidden', `workspaces.tenancy.kcp.io "${name}" is forbidden: ${why}`, { name, group: 'tenancy.kcp.io', kind: 'workspaces' });
    };
    const childKeys = new Set(childChain.map((t) => t.key));
    const parentKeys = new Set(parentChain.map((t) => t.key));
    const childType = childChain[0] as ResolvedType;
    const parents = typeSpecOf(childType.object).limitAllowedParents;
    if (parents?.none) forbid(`workspace type ${childType.key} may not be created anywhere`);
    if (parents?.types && !parents.types.some((r) => parentKeys.has(typeKey(r)))) {
      forbid(`workspace type ${childType.key} only allows parents of type ${parents.types.map(typeKey).join(', ')}, not ${parentKey}`);
    }
    const parentType = parentChain[0];
    const children = parentType ? typeSpecOf(parentType.object).limitAllowedChildren : undefined;
    if (children?.none) forbid(`workspace type ${parentKey} does not allow child workspaces`);
    if (children?.types && !children.types.some((r) => childKeys.has(typeKey(r)))) {
      forbid(`workspace type ${parentKey} only allows children of type ${children.types.map(typeKey).join(', ')}, not ${childType.key}`);
    }
    return childChain;
  }

  /** The type a child of `parentKey` gets when it names none. */
  async defaultChild(parentKey: string): Promise<Required<TypeReference>> {
    for (const t of await this.chain(parseTypeKey(parentKey))) {
      const d = typeSpecOf(t.object).defaultChildWorkspaceType;
      if (d) return { name: d.name, path: d.path || ROOT_PATH };
    }
    return { name: 'universal', path: ROOT_PATH };
  }
}
