/** One predicate for "does this object belong to the result", shared by lists and watches. */
import type { KubeObject } from '../meta/index.js';
import type { ObjectFilter, ObjectKey } from './types.js';

export type ObjectPredicate = (key: ObjectKey, object: KubeObject) => boolean;

export function compileFilter(filter: ObjectFilter): ObjectPredicate {
  const { namespace, labelSelector, fieldSelector, visible } = filter;
  const checkLabels = labelSelector && !labelSelector.empty ? labelSelector : undefined;
  const checkFields = fieldSelector && !fieldSelector.empty ? fieldSelector : undefined;
  return (key, object) =>
    (namespace === undefined || key.namespace === namespace) &&
    (!checkLabels || checkLabels.matches(object.metadata.labels)) &&
    (!checkFields || checkFields.matches(object)) &&
    (!visible || visible(key.cluster, object));
}

/** True when the filter keeps everything, so counts and pages need no per-object evaluation. */
export function filtersNothing(filter: ObjectFilter): boolean {
  return (!filter.labelSelector || filter.labelSelector.empty) && (!filter.fieldSelector || filter.fieldSelector.empty) && !filter.visible;
}
