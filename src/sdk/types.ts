/** The shapes the SDK reads: Kubernetes objects as the provider's view serves them, and what addresses them. */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

/** Any object of the view; `T` in the SDK's generics extends it (e.g. types generated from the export's SDL). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** The annotation the view puts on every object read across consumers: its logical cluster. */
export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** One object in one consumer: what the work queue holds and `reconcile` receives. */
export interface ObjectKey {
  /** The consumer's logical cluster name (the object's `kcp.io/cluster` annotation). */
  workspace: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** A resource of the export, as REST addresses it. */
export interface ResourceRef {
  /** Empty for the core group. */
  group: string;
  version: string;
  /** The plural, lower-case: `widgets`. */
  resource: string;
  /** Default true. */
  namespaced?: boolean;
}

/** An APIExport's provider view (kcp's APIExport virtual workspace). */
export interface ViewRef {
  /** The export's logical cluster name (the view takes no workspace paths, as in kcp). */
  exportCluster: string;
  exportName: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject> {
  type: WatchEventType;
  object: T;
}

export const keyString = (k: ObjectKey): string => `${k.workspace}/${k.namespace}/${k.name}`;

/** The consumer an object of the view lives in; throws when the view did not annotate it. */
export function workspaceOf(o: KubeObject): string {
  const ws = o.metadata.annotations?.[CLUSTER_ANNOTATION];
  if (!ws) throw new Error(`object ${o.metadata.namespace ?? ''}/${o.metadata.name} has no ${CLUSTER_ANNOTATION} annotation: read it through the provider's view`);
  return ws;
}

export const keyOf = (o: KubeObject): ObjectKey => ({ workspace: workspaceOf(o), namespace: o.metadata.namespace ?? '', name: o.metadata.name });

/** The REST path of a resource below a workspace or view prefix: `apis/<group>/<version>/…` or `api/v1/…`. */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = namespace && r.namespaced !== false ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name === undefined ? '' : `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
  return `${base}${ns}/${r.resource}${obj}`;
}

/** The view's URL path for one consumer or, with `*`, all of them. */
export const viewPath = (v: ViewRef, target: string): string =>
  `/services/apiexport/${encodeURIComponent(v.exportCluster)}/${encodeURIComponent(v.exportName)}/clusters/${target === '*' ? '*' : encodeURIComponent(target)}`;
