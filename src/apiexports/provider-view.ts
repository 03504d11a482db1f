/**
 * The provider's view of an APIExport (kcp's APIExport virtual workspace):
 * `/services/apiexport/<export cluster>/<export>/clusters/<consumer | *>/<API path>` serves the
 * export's owner the exported resources of every workspace that binds the export, the resources
 * its permission claims reach there, and (read-only) those APIBindings. Across all consumers (`*`)
 * only lists and watches are served — one registry read or watch over every logical cluster,
 * filtered by `visible` and annotated `kcp.io/cluster`; in one consumer every verb acts there with
 * the registry's ordinary semantics.
 *
 * What a view serves (its ApiSet) is the same for every target and depends only on the export and
 * the schemas it names, so it is built once per state of the APIExports and APIResourceSchemas,
 * never per request or per consumer. Who may use it: whoever the export's workspace grants kcp's
 * `content` subresource of the export (workspace admins hold it through cluster-admin); a request
 * in one consumer also needs that consumer's binding (kcp's boundAPI authorizer), and a claimed
 * resource an accepted claim with the request's verb.
 */
import { ApiSet } from '../apis/index.js';
import { forbidden, forbiddenMessage, refusedPending, resourceAttributes, type Attributes, type AuthUser, type Authorizer } from '../auth/index.js';
import { validatePathSegmentName, type KubeObject } from '../meta/index.js';
import { ApiError, errors, groupResource, type AdmissionHook, type RequestScope, type ResourceType, type ShardReads, type UserInfo } from '../registry/index.js';
import { ALL_CLUSTERS } from '../storage/index.js';
import { isValidPath } from '../tenancy/index.js';
import type { BindingCatalog } from './binding-catalog.js';
import { boundTypes } from './bound-types.js';
import { claimKey, effectiveVerbs, selects } from './claims.js';
import { prefixedUser } from './maximal-permission-policy.js';
import { CONTENT_VERBS, type Delegation } from './view-delegation.js';
import { APIS_GROUP, bindingSpecOf, bindingStatusOf, type PermissionClaim, type PermissionClaimSelector } from './types.js';

export const VIEW_PATH_PREFIX = '/services/apiexport/';

/** Which view a request addresses, and in which consumer. */
export interface ViewAddress {
  /** The export's logical cluster name (never a workspace path, as in kcp). */
  exportCluster: string;
  exportName: string;
  /** A consumer's logical cluster name, or ALL_CLUSTERS. */
  target: string;
}

/** A parsed view path: the GraphQL endpoint, or an API path below the target. */
export type ViewPath = ViewAddress & ({ graphql: true } | { graphql: false; api: string });

const VIEW_PATH = /^\/services\/apiexport\/([^/]+)\/([^/]+)(?:\/clusters\/([^/]+))?(\/.*)?$/;

/**
 * A path under VIEW_PATH_PREFIX as kcp accepts it; undefined for any other path. `.../graphql`
 * (all consumers) and `.../clusters/<target>/graphql` are the GraphQL endpoint. A workspace path
 * (`root:org`) where a logical cluster name belongs, or no `/clusters/<target>` before an API
 * path, is NotFound, as kcp answers it.
 */
export function parseViewPath(pathname: string): ViewPath | undefined {
  if (!pathname.startsWith(VIEW_PATH_PREFIX)) return undefined;
  const m = VIEW_PATH.exec(pathname);
  const parts = m ? [m[1], m[2], m[3]].map((p) => (p === undefined ? undefined : decoded(p))) : [];
  const [exportCluster, exportName, target] = parts;
  const rest = m?.[4] ?? '';
  const graphql = /^\/graphql\/?$/.test(rest);
  if (!exportCluster || !exportName || (target === undefined && !graphql)) throw notFound();
  if (!isClusterName(exportCluster) || validatePathSegmentName(exportName).length > 0) throw notFound();
  const to = target ?? ALL_CLUSTERS;
  if (to !== ALL_CLUSTERS && !isClusterName(to)) throw notFound();
  const address = { exportCluster, exportName, target: to };
  return graphql ? { ...address, graphql: true } : { ...address, graphql: false, api: rest || '/' };
}

/** The URL path a view's API paths hang below in one consumer (or `*`). */
export const viewBase = (a: ViewAddress): string =>
  `${VIEW_PATH_PREFIX}${encodeURIComponent(a.exportCluster)}/${encodeURIComponent(a.exportName)}/clusters/${a.target === ALL_CLUSTERS ? '*' : encodeURIComponent(a.target)}`;

const isClusterName = (s: string): boolean => !s.includes(':') && isValidPath(s);

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const notFound = (): ApiError => new ApiError('NotFound', 'the server could not find the requested resource', {});

/** The content check of a request another shard sent on: decided there, for the verbs it names. */
function checkDelegatedContent(exportCluster: string, exportName: string, verbs: readonly string[], a: Attributes): void {
  if (verbs.includes(a.verb)) return;
  throw forbidden(a, `${forbiddenMessage(a)}: API export: "${exportName}", workspace: "${exportCluster}": the export's shard grants no ${a.verb} on its content`);
}

/** kcp normalises events.k8s.io events to core events in claims. */
function normalized<T extends { group?: string; resource: string }>(c: T): T {
  return c.resource === 'events' && c.group === 'events.k8s.io' ? { ...c, group: '' } : c;
}

/** What a served type is in a view. */
type Role = { kind: 'exported' } | { kind: 'claimed'; claim: PermissionClaim } | { kind: 'bindings' };

const EXPORTED: Role = { kind: 'exported' };
const BINDINGS: Role = { kind: 'bindings' };
const READ_VERBS = ['get', 'list', 'watch'];

/** The types and roles of one export's view, as built from one state of the exports and schemas. */
export class ProviderView {
  readonly set: ApiSet;

  constructor(
    readonly exportCluster: string,
    readonly exportName: string,
    types: readonly ResourceType[],
    private readonly roles: ReadonlyMap<string, Role>,
    private readonly bindings: BindingCatalog,
  ) {
    this.set = new ApiSet(types);
  }

  private roleOf(group: string, resource: string): Role | undefined {
    return this.roles.get(`${group}/${resource}`);
  }

  /** The claim through which the view serves group/resource, if it is a claimed one. */
  claimOf(group: string, resource: string): PermissionClaim | undefined {
    const role = this.roleOf(group, resource);
    return role?.kind === 'claimed' ? role.claim : undefined;
  }

  /** The cluster's accepted claims matching `claim` that grant `verb`. */
  private grants(cluster: string, claim: PermissionClaim, verb: string): PermissionClaimSelector[] {
    const key = claimKey(normalized(claim));
    const out: PermissionClaimSelector[] = [];
    for (const b of this.bindings.bindingsOfExport(cluster, this.exportCluster, this.exportName)) {
      for (const accepted of b.claims) {
        if (claimKey(normalized(accepted)) !== key) continue;
        const verbs = effectiveVerbs(claim.verbs, accepted.verbs ?? ['*']);
        if (verbs.includes(verb) || verbs.includes('*')) out.push(accepted.selector);
      }
    }
    return out;
  }

  private bound(cluster: string): boolean {
    return this.bindings.bindingsOfExport(cluster, this.exportCluster, this.exportName).length > 0;
  }

  /**
   * kcp's boundAPI check for a request in one consumer, and the wildcard's limit to lists and
   * watches. Throws the Forbidden (or MethodNotAllowed) ApiError. Requests for resources the view
   * does not serve pass: they are answered NotFound.
   */
  checkTarget(target: string, a: Attributes): void {
    if (!a.resourceRequest) return;
    const role = this.roleOf(a.apiGroup, a.resource);
    if (!role) return;
    if (target === ALL_CLUSTERS) {
      if (a.verb === 'list' || a.verb === 'watch') return;
      throw new ApiError(
        'MethodNotAllowed',
        `${a.verb} is not supported across all consumers (clusters/*): address one consumer, clusters/<name>, where <name> is the object's kcp.io/cluster annotation`,
      );
    }
    const refuse = (why: string): ApiError => forbidden(a, `${forbiddenMessage(a)}: ${why}`);
    if (!this.bound(target)) throw refuse('could not find suitable APIBinding in target logical cluster');
    if (role.kind === 'bindings' && !READ_VERBS.includes(a.verb)) throw refuse('write access to APIBinding is not allowed from virtual workspace');
    if (role.kind === 'claimed' && this.grants(target, role.claim, a.verb).length === 0) throw refuse('failed to find suitable reason to allow access in APIBinding');
  }

  /**
   * What a registry call for `verb` on the type sees and must satisfy in `target`: which objects
   * are visible, and for claimed resources the claim's labels on what it writes.
   */
  scope(target: string, type: Pick<ResourceType, 'group' | 'resource'>, verb: string): RequestScope {
    const role = this.roleOf(type.group, type.resource);
    if (!role) return {};
    if (role.kind === 'exported') return target === ALL_CLUSTERS ? { visible: (cluster) => this.bound(cluster) } : {};
    if (role.kind === 'bindings') {
      return { visible: (cluster, o) => this.bindsThis(o) && (target !== ALL_CLUSTERS || this.bound(cluster)) };
    }
    const claim = role.claim;
    const visible = (cluster: string, o: KubeObject): boolean => this.grants(cluster, claim, verb).some((s) => selects(s, o));
    if (target === ALL_CLUSTERS) return { visible };
    const selector = this.grants(target, claim, verb)[0];
    return { visible, ...(selector ? { mutate: claimLabels(selector) } : {}) };
  }

  /** Whether an APIBinding binds this export. */
  private bindsThis(o: KubeObject): boolean {
    return bindingSpecOf(o).reference?.export?.name === this.exportName && bindingStatusOf(o).apiExportClusterName === this.exportCluster;
  }
}

/**
 * kcp's claim admission in the view: a created or updated object gets the labels the claim's
 * `matchLabels` require (a different value is refused), and must then match the selector, so a
 * provider never writes what it could not see.
 */
function claimLabels(selector: PermissionClaimSelector): AdmissionHook {
  return ({ operation, type, object }) => {
    if ((operation !== 'CREATE' && operation !== 'UPDATE') || !object || selector.matchAll) return;
    const name = object.metadata.name ?? '';
    const labels = { ...object.metadata.labels };
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      if (labels[k] === undefined) labels[k] = v;
      else if (labels[k] !== v) throw errors.forbidden(type, name, `protected label ${k} must have value ${v}`);
    }
    object.metadata.labels = labels;
    if (!selects(selector, object)) throw errors.forbidden(type, name, 'the object does not match the selector of the permission claim it is written under');
  };
}

/**
 * The installation's other shards, as a view needs them (docs/shards.md): a request across all
 * consumers reads every shard, and one consumer's request is answered by the shard holding it.
 */
export interface ViewShards {
  /** The same reads on the other shards, for `user`; undefined when there are none to read (or the user is another shard). */
  reads(address: ViewAddress, user: UserInfo | undefined): ShardReads | undefined;
  /** The other shard holding a consumer's logical cluster, if another does. */
  holder(cluster: string): string | undefined;
}

export interface ProviderViewsOptions {
  bindings: BindingCatalog;
  /** The types every workspace serves: claimed built-ins and APIBindings are served as these. */
  baseTypes: readonly ResourceType[];
  /** RBAC, for the content check; absent under AlwaysAllow. */
  authorizer?: Authorizer | undefined;
  /** Views kept (one per export in use); default 1,000. */
  maxKept?: number;
  /** The installation's other shards; absent when this shard is the only one. */
  shards?: ViewShards;
}

/** One request's way into a view: the view and the consumer it addresses. */
export class ViewEntry {
  constructor(
    private readonly views: ProviderViews,
    readonly view: ProviderView,
    readonly target: string,
    /** The other shards' part of a request across all consumers. */
    private readonly otherShards: ShardReads | undefined,
    /** The other shard holding the one consumer addressed, which answers the request instead. */
    readonly holder: string | undefined,
    /** The verbs the export's shard found the user holds on the content, for a request it sent on (view-delegation.ts). */
    private readonly delegatedContent?: readonly string[],
  ) {}

  /** The logical cluster registry calls address: the consumer, or ALL_CLUSTERS. */
  get cluster(): string {
    return this.target;
  }

  get address(): ViewAddress {
    return { exportCluster: this.view.exportCluster, exportName: this.view.exportName, target: this.target };
  }

  /** Asks for what `authorize` decides by another shard's answer (a claimed export's policy held there). */
  async prepare(a: Attributes): Promise<void> {
    const claim = a.resourceRequest ? this.view.claimOf(a.apiGroup, a.resource) : undefined;
    if (claim?.identityHash) await this.views.prepareClaimedPolicies(claim.identityHash, a);
  }

  /** What a request of `user` sent on to the consumer's shard carries: whom it acts for and the verbs they hold on the export's content. */
  delegation(user: AuthUser): Delegation {
    return { user, content: this.views.contentVerbs(this.view.exportCluster, this.view.exportName, user) };
  }

  /** Every check of a request in the view: the content check, then the target's. */
  authorize(a: Attributes): void {
    if (this.delegatedContent) checkDelegatedContent(this.view.exportCluster, this.view.exportName, this.delegatedContent, a);
    else this.views.checkContent(this.view.exportCluster, this.view.exportName, a);
    this.view.checkTarget(this.target, a);
    const claim = a.resourceRequest ? this.view.claimOf(a.apiGroup, a.resource) : undefined;
    if (claim?.identityHash) this.views.checkClaimedPolicies(claim.identityHash, a);
  }

  scope(type: Pick<ResourceType, 'group' | 'resource'>, verb: string): RequestScope {
    const scope = this.view.scope(this.target, type, verb);
    return this.otherShards ? { ...scope, otherShards: this.otherShards } : scope;
  }
}

/** The provider views of every export, built on first use and rebuilt when exports or schemas change. */
export class ProviderViews {
  private readonly cache = new Map<string, { version: number; view: ProviderView | undefined }>();

  constructor(private readonly options: ProviderViewsOptions) {}

  /**
   * kcp's content check: the user needs the request's verb on `apiexports/content` of the export,
   * in the export's workspace. Throws the Forbidden ApiError. Nothing is checked without RBAC.
   */
  checkContent(exportCluster: string, exportName: string, a: Attributes): void {
    const decision = this.contentDecision(exportCluster, exportName, a.user, a.verb);
    if (decision.allowed) return;
    throw forbidden(a, `${forbiddenMessage(a)}: API export: "${exportName}", workspace: "${exportCluster}" RBAC decision: ${decision.reason}`);
  }

  /** The verbs `user` holds on the export's content: what a request sent on to a consumer's shard may do there. */
  contentVerbs(exportCluster: string, exportName: string, user: UserInfo): string[] {
    return CONTENT_VERBS.filter((verb) => this.contentDecision(exportCluster, exportName, user, verb).allowed);
  }

  private contentDecision(exportCluster: string, exportName: string, user: UserInfo, verb: string): { allowed: boolean; reason?: string } {
    const authorizer = this.options.authorizer;
    if (!authorizer) return { allowed: true };
    const content = resourceAttributes(user, verb, { apiGroup: APIS_GROUP, resource: 'apiexports', subresource: 'content', name: exportName });
    return authorizer.decide({ cluster: exportCluster, ...content });
  }

  /**
   * kcp's third check: a claimed resource of another export is also limited by the maximal
   * permission policy of every export with that identity, for the provider's user prefixed
   * `apis.kcp.io:binding:` — claiming an API gives no more than its owner lets consumers do.
   */
  checkClaimedPolicies(identityHash: string, a: Attributes): void {
    const authorizer = this.options.authorizer;
    if (!authorizer) return;
    for (const owner of this.options.bindings.exportsOfIdentity(identityHash)) {
      if (!owner.record.localPolicy) continue;
      const asked = { ...a, cluster: owner.cluster, user: prefixedUser(a.user) };
      const refusal = (reason: string) => forbidden(a, `${forbiddenMessage(a)}: API export "${owner.cluster}"|"${owner.name}" policy: ${reason}`);
      // An owner on another shard decides there: its kept answer (see prepare), or a refusal that a
      // caller able to wait (GraphQL's registry calls) waits out while the answer is asked.
      const decision = authorizer.decideIfKnown(asked);
      if (!decision) {
        const answer = authorizer.decideWhereHeld(asked).then((d) => (d.allowed ? undefined : refusal(d.reason)));
        throw refusedPending(refusal(`the decision of the shard holding workspace "${owner.cluster}" is not known here yet; retry`), answer);
      }
      if (!decision.allowed) throw refusal(decision.reason);
    }
  }

  /** Asks the shards holding the owners' workspaces for what checkClaimedPolicies decides, so it finds their answers kept. */
  async prepareClaimedPolicies(identityHash: string, a: Attributes): Promise<void> {
    const authorizer = this.options.authorizer;
    if (!authorizer) return;
    const owners = this.options.bindings.exportsOfIdentity(identityHash).filter((o) => o.record.localPolicy);
    await Promise.all(owners.map((o) => authorizer.decideWhereHeld({ ...a, cluster: o.cluster, user: prefixedUser(a.user) })));
  }

  /**
   * The view at `address` for `user` (after the content check); NotFound when no such export has
   * an identity. Across all consumers it reads the other shards too; a consumer another shard
   * holds is named as the entry's `holder`.
   */
  enter(address: ViewAddress, user?: UserInfo, delegatedContent?: readonly string[]): ViewEntry {
    const view = this.view(address.exportCluster, address.exportName);
    if (!view) throw notFound();
    const shards = this.options.shards;
    const across = address.target === ALL_CLUSTERS;
    const holder = across ? undefined : shards?.holder(address.target);
    // A request another shard sent on is answered here or nowhere: never sent around again.
    if (holder !== undefined && delegatedContent) throw new ApiError('ServiceUnavailable', `consumer ${address.target} is not held by this shard but by "${holder}"`, {});
    return new ViewEntry(this, view, address.target, across ? shards?.reads(address, user) : undefined, holder, delegatedContent);
  }

  /** The export's view as of the current exports and schemas, or undefined. */
  view(exportCluster: string, exportName: string): ProviderView | undefined {
    const key = `${exportCluster}/${exportName}`;
    const version = this.options.bindings.exportsVersion;
    const hit = this.cache.get(key);
    if (hit && hit.version === version) return hit.view;
    const view = this.build(exportCluster, exportName);
    this.cache.delete(key);
    this.cache.set(key, { version, view });
    if (this.cache.size > (this.options.maxKept ?? 1_000)) this.cache.delete(this.cache.keys().next().value as string);
    return view;
  }

  private build(exportCluster: string, exportName: string): ProviderView | undefined {
    const { bindings, baseTypes } = this.options;
    const exp = bindings.exportOf(exportCluster, exportName);
    if (!exp?.identityHash) return undefined;
    const types: ResourceType[] = [];
    const roles = new Map<string, Role>();
    const add = (t: ResourceType, role: Role): void => {
      const gr = `${t.group}/${t.resource}`;
      if (roles.has(gr) && roles.get(gr) !== role) return;
      roles.set(gr, role);
      if (!types.includes(t)) types.push(t);
    };
    for (const r of exp.resources) {
      const schema = bindings.schema(exportCluster, r.schema);
      if (schema) for (const t of boundTypes(schema, exp.identityHash)) add(t, EXPORTED);
    }
    for (const c of exp.claims) {
      const claim = normalized(c);
      const role: Role = { kind: 'claimed', claim };
      for (const t of this.claimedTypes(claim)) add(t, role);
    }
    if (!roles.has(`${APIS_GROUP}/apibindings`)) {
      for (const t of baseTypes) if (t.group === APIS_GROUP && t.resource === 'apibindings') add(t, BINDINGS);
    }
    return new ProviderView(exportCluster, exportName, types, roles, bindings);
  }

  /** The types a claim reaches: another export's by its identity, else the built-in (or apis.kcp.io) ones. */
  private claimedTypes(claim: PermissionClaim): readonly ResourceType[] {
    if (claim.identityHash) {
      const found = this.options.bindings.schemaOfIdentity(claim.identityHash, claim.group, claim.resource);
      return found ? boundTypes(found.schema, claim.identityHash) : [];
    }
    const wanted = groupResource(claim);
    return this.options.baseTypes.filter((t) => !t.ephemeral && groupResource(normalized(t)) === wanted);
  }
}
