/**
 * Workspace type rules: resolving a type reference (name + path of the workspace holding it), the
 * type's extension chain, its initializers, and whether a child type may be created under a parent
 * type — kcp's `limitAllowedChildren` / `limitAllowedParents`, where a type also counts as every
 * type it extends.
 */
import type { KubeObject } from '../meta/index.js';
import { ApiError, groupResource, isApiError, type Registry } from '../registry/index.js';
import { ALL_CLUSTERS, type Watch } from '../storage/index.js';
import { typeSpecOf, workspaceTypes, type TypeReference } from './kinds/index.js';
import type { OtherShards } from './other-shards.js';
import type { ClusterResolver } from './resolver.js';

export const ROOT_PATH = 'root';
/**
 * kcp's initializer of workspaces whose type chain has `defaultAPIBindings`: its controller (in
 * src/apiexports) binds them, and the workspace is Ready only once they are bound.
 */
export const APIBINDINGS_INITIALIZER = 'system:apibindings';
const WORKSPACE_TYPE_RESOURCE = groupResource(workspaceTypes);
/** Bound on cached types (each is one small object); beyond it lookups read the store. */
const MAX_CACHED = 10_000;

export interface ResolvedType {
  /** `<path>:<name>`, e.g. `root:universal`. */
  key: string;
  ref: Required<TypeReference>;
  /** The logical cluster that holds the type (`root` for root's types). */
  cluster: string;
  object: KubeObject;
}

/**
 * The name of a type's initializer or terminator, as kcp makes it: the logical cluster name of the
 * type's workspace, not its path (`root:universal`; `2x7…:project` for a type in `root:org`), so it
 * stays the same however the workspace is reached.
 */
export const lifecycleName = (t: ResolvedType): string => `${t.cluster}:${t.ref.name}`;

export const typeKey = (ref: TypeReference): string => `${ref.path || ROOT_PATH}:${ref.name}`;

export function parseTypeKey(key: string): Required<TypeReference> {
  const at = key.lastIndexOf(':');
  return at < 0 ? { path: ROOT_PATH, name: key } : { path: key.slice(0, at), name: key.slice(at + 1) };
}

export class WorkspaceTypeRules {
  /** Types found, by key; only while `cacheTypes` runs. Misses are not kept: a new type is seen at once. */
  private cache: Map<string, ResolvedType> | undefined;
  /** Bumped on every invalidation, so a read that raced one does not store what it read. */
  private generation = 0;

  /** `others`: the installation's other shards, whose types a workspace here may be of. */
  constructor(
    private readonly registry: Registry,
    private readonly resolver: ClusterResolver,
    private readonly others?: OtherShards,
  ) {
    others?.onChange('workspacetypes', () => this.forgetTypes?.());
  }

  /** Empties the cache (while `cacheTypes` runs). */
  private forgetTypes: (() => void) | undefined;

  async get(ref: TypeReference): Promise<ResolvedType | undefined> {
    const full = { name: ref.name, path: ref.path || ROOT_PATH };
    const key = typeKey(full);
    const cached = this.cache?.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const cluster = await this.resolver.resolve(full.path);
    if (!cluster) return this.elsewhere(key, full);
    try {
      const object = await this.registry.get({ cluster }, workspaceTypes, undefined, full.name);
      const found = { key, ref: full, cluster, object };
      if (this.cache && generation === this.generation && this.cache.size < MAX_CACHED) this.cache.set(key, found);
      return found;
    } catch (e) {
      if (isApiError(e) && e.reason === 'NotFound') return undefined;
      throw e;
    }
  }

  /** A type another shard holds (its path resolves there, not here). */
  private elsewhere(key: string, ref: Required<TypeReference>): ResolvedType | undefined {
    const cluster = this.others?.resolve(ref.path);
    const object = cluster === undefined ? undefined : this.others?.get('workspacetypes', cluster, ref.name);
    return cluster !== undefined && object ? { key, ref, cluster, object } : undefined;
  }

  /**
   * Keeps found types in memory — every workspace creation reads its type chain several times —
   * and forgets them all whenever any WorkspaceType changes anywhere (types change rarely; a
   * purged workspace's types go with DELETED events). Returns a function that stops caching.
   */
  cacheTypes(): () => void {
    const store = this.registry.store;
    const cache = new Map<string, ResolvedType>();
    const forget = (): void => {
      this.generation++;
      cache.clear();
    };
    this.cache = cache;
    this.forgetTypes = forget;
    let stopped = false;
    let watch: Watch | undefined;
    const run = async (): Promise<void> => {
      let from = store.revision;
      while (!stopped) {
        try {
          watch = store.watch({ cluster: ALL_CLUSTERS, resource: WORKSPACE_TYPE_RESOURCE, fromRevision: from });
          for await (const event of watch) if (event.type !== 'BOOKMARK') forget();
        } catch {
          // Cut off or expired: whatever was missed, start over empty from now.
        }
        forget();
        from = store.revision;
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 100).unref());
      }
    };
    void run();
    return () => {
      stopped = true;
      watch?.close();
      if (this.cache === cache) this.cache = undefined;
      if (this.forgetTypes === forget) this.forgetTypes = undefined;
    };
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

  /**
   * What a workspace of this type waits for, from one walk of its chain: initializers before it is
   * Ready and terminators before its content is deleted, each the `lifecycleName` of a type in the
   * chain that sets `initializer` / `terminator` — and, last (as kcp orders them),
   * `system:apibindings` when any type in the chain has default APIBindings.
   */
  async lifecycle(ref: TypeReference): Promise<{ initializers: string[]; terminators: string[] }> {
    const chain = await this.chain(ref);
    const bindings = chain.some((t) => (typeSpecOf(t.object).defaultAPIBindings ?? []).length > 0);
    return {
      initializers: [...chain.filter((t) => typeSpecOf(t.object).initializer).map(lifecycleName), ...(bindings ? [APIBINDINGS_INITIALIZER] : [])],
      terminators: chain.filter((t) => typeSpecOf(t.object).terminator).map(lifecycleName),
    };
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
