/**
 * Which ResourceType an event or an owner reference is about, within one logical cluster's API
 * set. Controllers get the API set per cluster from an injected `typesFor` (the lead's API
 * catalog), so a cluster with a CRD or a binding is handled like one with only built-ins.
 */
import type { OwnerReference } from '../meta/index.js';
import { groupResource, ownsStorage, type ResourceType } from '../registry/index.js';

/** The API set a logical cluster serves. */
export type TypesFor = (cluster: string) => Promise<readonly ResourceType[]>;

/** The group of an apiVersion: `apps/v1` → `apps`, `v1` → the core group. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The type stored under a storage key's resource. A type served from another resource's storage
 * (`storedAs`) is a second view of the same objects, so the owning type is preferred.
 */
export function typeByResource(types: readonly ResourceType[], resource: string): ResourceType | undefined {
  return types.find((t) => ownsStorage(t) && groupResource(t) === resource);
}

/** The type an owner reference names (any version of its group and kind). */
export function typeByOwner(types: readonly ResourceType[], ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): ResourceType | undefined {
  const group = groupOf(ref.apiVersion);
  return types.find((t) => ownsStorage(t) && t.group === group && t.kind === ref.kind);
}
