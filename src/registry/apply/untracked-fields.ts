/**
 * Fields nobody owns: type meta, and metadata the server sets or that names the object. The
 * apiserver strips exactly these paths from the set of the manager just recorded (its
 * stripMeta step); `.metadata` goes only as a member, so labels and annotations stay tracked.
 */
import { FieldSet } from './field-set.js';
import { fieldElement } from './path-element.js';

const meta = (name: string) => [fieldElement('metadata'), fieldElement(name)];

const UNTRACKED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  meta('name'),
  meta('namespace'),
  meta('creationTimestamp'),
  meta('selfLink'),
  meta('uid'),
  meta('clusterName'),
  meta('generation'),
  meta('managedFields'),
  meta('resourceVersion'),
);

export const withoutUntracked = (set: FieldSet): FieldSet => set.difference(UNTRACKED);

/** Field-name paths (`[['status']]`) as a set, for a strategy's reset fields. */
export function pathsAsSet(paths: readonly (readonly string[])[] | undefined): FieldSet {
  return FieldSet.of(...(paths ?? []).map((p) => p.map(fieldElement)));
}
