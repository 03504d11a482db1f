/**
 * Workspace admission: what a Workspace becomes when it is created, and what only the system may
 * change afterwards.
 *
 * - A new Workspace gets its type from the parent workspace's type when it names none; a type
 *   named without a path is looked up from the parent up to root; the type must exist and allow
 *   this parent (and the parent's type this child) — else Invalid / Forbidden, nothing written.
 *   A reference the client wrote is kept as written (kcp does not fill in the path it found).
 * - No workspace may be created inside a logical cluster that is being deleted.
 * - `spec.URL` is the system's to set (here, from the parent's path); LogicalClusters are created by the
 *   system only, and deleted through their Workspace unless they say `directlyDeletable`.
 */
import { isPlainObject, labelSelectorFromObject, SelectorParseError, type KubeObject, type LabelSelectorObject } from '../meta/index.js';
import { errors, isSystem, type AdmissionHook, type FieldError, type Registry } from '../registry/index.js';
import {
  LOGICAL_CLUSTER_NAME,
  lcSpecOf,
  logicalClusterKey,
  logicalClusters,
  OWNER_ANNOTATION,
  PATH_ANNOTATION,
  SHARD_ANNOTATION,
  shards,
  specOf,
  TYPE_ANNOTATION,
  typeReference,
  workspaces,
  type TypeReference,
} from './kinds/index.js';
import { ROOT_CLUSTER } from './root.js';
import { ROOT_PATH, type WorkspaceTypeRules } from './types.js';

export interface WorkspaceAdmissionOptions {
  registry: Registry;
  rules: WorkspaceTypeRules;
  /** Where the server is reached (`spec.URL` = `<baseUrl>/clusters/<path>`); empty until it listens. */
  baseUrl: () => string;
}

/** Where a logical cluster sits: its path and its type key (`root:universal`), from its LogicalCluster. */
export interface ClusterPlace {
  path: string;
  type: string;
  deleting: boolean;
}

/** Reads the place of a logical cluster; undefined when its LogicalCluster is gone. */
export async function placeOf(registry: Registry, cluster: string): Promise<ClusterPlace | undefined> {
  const lc = await registry.store.get(logicalClusterKey(cluster));
  if (!lc) return undefined;
  const annotations = lc.metadata.annotations ?? {};
  return {
    path: annotations[PATH_ANNOTATION] ?? cluster,
    type: annotations[TYPE_ANNOTATION] ?? `${ROOT_PATH}:universal`,
    deleting: lc.metadata.deletionTimestamp !== undefined,
  };
}

/** The type each Workspace being created resolved to, for the admission steps after defaulting. */
const admittedTypes = new WeakMap<KubeObject, Required<TypeReference>>();

/** The type a Workspace in creation resolved to (with the path where it was found), once defaulting ran. */
export const admittedType = (object: KubeObject): Required<TypeReference> | undefined => admittedTypes.get(object);

/** Mutating hook: defaults and checks a new Workspace's type. */
export function workspaceDefaulting({ registry, rules, baseUrl }: WorkspaceAdmissionOptions): AdmissionHook {
  return async ({ operation, type, context, object }) => {
    if (operation !== 'CREATE' || type !== workspaces || !object) return;
    const name = object.metadata.name ?? '';
    const parent = await placeOf(registry, context.cluster);
    if (!parent) throw errors.forbidden(workspaces, name, `logical cluster ${context.cluster} does not exist`);
    if (parent.deleting) throw errors.forbidden(workspaces, name, `workspace ${parent.path} is being deleted`);
    const spec = specOf(object);
    // Admission runs before validation: a spec or type reference of the wrong shape is left for it to refuse.
    if (!isPlainObject(object.spec ?? {}) || (spec.type !== undefined && !typeReference.safeParse(spec.type).success)) return;
    const ref = spec.type ? await rules.complete(spec.type, parent.path) : await rules.defaultChild(parent.type);
    await rules.checkAllowed(name, ref, parent.type);
    admittedTypes.set(object, ref);
    if (!spec.type) object.spec = { ...spec, type: ref };
    // The creator becomes the workspace's admin (scheduling binds it); what a client wrote here
    // would let it name someone else, so the annotation is always the server's.
    const annotations = { ...object.metadata.annotations };
    delete annotations[OWNER_ANNOTATION];
    const user = context.user;
    if (user && !isSystem(context)) annotations[OWNER_ANNOTATION] = JSON.stringify({ username: user.name, ...(user.uid ? { uid: user.uid } : {}) });
    object.metadata.annotations = annotations;
    // Set here rather than by the scheduler: one write less per workspace. Before the server
    // listens there is no URL yet; the scheduler fills it in then.
    const base = baseUrl();
    if (base) (object.spec as { URL?: string }).URL = workspaceUrl(base, childPath(parent.path, name));
  };
}

/** Validating hook: the fields and objects only the system may write. */
export function workspaceGuard(): AdmissionHook {
  return ({ operation, type, context, object, oldObject, subresource }) => {
    if (type === workspaces && (operation === 'CREATE' || operation === 'UPDATE') && object && !subresource) {
      const errs = locationErrors(object);
      if (errs.length > 0) throw errors.invalid(workspaces, object.metadata.name ?? '', errs);
    }
    if (isSystem(context)) return;
    // The scheduler alone says which shard holds a workspace: a user naming one would place it
    // around the selector, or claim a logical cluster on a shard it never asked.
    if (type === workspaces && (operation === 'CREATE' || operation === 'UPDATE') && object) {
      const shard = object.metadata.annotations?.[SHARD_ANNOTATION];
      if (shard !== oldObject?.metadata.annotations?.[SHARD_ANNOTATION]) {
        throw errors.invalid(workspaces, object.metadata.name ?? '', [
          { type: 'FieldValueForbidden', field: `metadata.annotations[${SHARD_ANNOTATION}]`, value: shard, detail: 'set by the scheduler' },
        ]);
      }
    }
    if (type === workspaces && operation === 'UPDATE' && object && oldObject) {
      const before = oldObject.metadata.annotations?.[OWNER_ANNOTATION];
      if (object.metadata.annotations?.[OWNER_ANNOTATION] !== before) {
        throw errors.invalid(workspaces, object.metadata.name ?? '', [
          { type: 'FieldValueForbidden', field: `metadata.annotations[${OWNER_ANNOTATION}]`, value: object.metadata.annotations?.[OWNER_ANNOTATION], detail: 'set by the system from the creating user' },
        ]);
      }
    }
    if (type === workspaces && operation === 'UPDATE' && !subresource && object && oldObject) {
      if (specOf(object).URL !== specOf(oldObject).URL) {
        throw errors.invalid(workspaces, object.metadata.name ?? '', [
          { type: 'FieldValueForbidden', field: 'spec.URL', value: specOf(object).URL, detail: 'set by the system' },
        ]);
      }
    }
    // Only root's Shards name shards (the front proxy and the scheduler read those alone): a
    // namesake elsewhere would only mislead whoever reads it.
    if (type === shards && operation === 'CREATE' && context.cluster !== ROOT_CLUSTER) {
      throw errors.forbidden(shards, object?.metadata.name ?? '', 'Shards are registered in the root workspace only');
    }
    if (type !== logicalClusters) return;
    if (operation === 'CREATE') {
      throw errors.forbidden(logicalClusters, LOGICAL_CLUSTER_NAME, 'logical clusters are created by creating a Workspace');
    }
    if (operation === 'DELETE' && oldObject && !lcSpecOf(oldObject).directlyDeletable) {
      throw errors.forbidden(logicalClusters, LOGICAL_CLUSTER_NAME, `delete the Workspace that owns logical cluster ${context.cluster} instead`);
    }
  };
}

/** `spec.location.selector`, when given, must be a label selector (it picks the shard by its labels). */
function locationErrors(o: KubeObject): FieldError[] {
  const location = specOf(o).location;
  if (location === undefined) return [];
  const selector = (location as { selector?: unknown }).selector;
  const extra = Object.keys(location as object).filter((k) => k !== 'selector');
  if (extra.length > 0) return [{ type: 'FieldValueNotSupported', field: `spec.location.${extra[0] as string}`, value: extra[0], detail: 'supported: selector' }];
  if (selector === undefined || selector === null) return [];
  try {
    if (typeof selector !== 'object' || Array.isArray(selector)) throw new SelectorParseError('expected an object with matchLabels and matchExpressions');
    labelSelectorFromObject(selector as LabelSelectorObject);
    return [];
  } catch (e) {
    if (!(e instanceof SelectorParseError)) throw e;
    return [{ type: 'FieldValueInvalid', field: 'spec.location.selector', value: selector, detail: e.message }];
  }
}

/** Where a workspace is served. */
export const workspaceUrl = (baseUrl: string, path: string): string => `${baseUrl}/clusters/${path}`;

/** `<parent path>:<name>`, the path of a child workspace. */
export const childPath = (parentPath: string, name: string): string => `${parentPath}:${name}`;
