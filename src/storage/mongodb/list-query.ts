/**
 * Range scans over the objects collection: for a list's shape (one cluster or all, one namespace
 * or all), the filter and sort that read the keys strictly after a position in (cluster,
 * namespace, name) order, the order continue tokens resume in, tombstones left out. MongoDB
 * compares strings by their UTF-8 bytes (simple collation), as key-order.ts does; each shape's
 * sort matches an index (objects_by_key within a cluster, objects_by_resource across clusters).
 */
import type { Filter, Sort } from 'mongodb';
import { comparePositions, type Position } from '../key-order.js';
import { LIVE, type ObjectDoc } from './collections.js';

export interface ScanShape {
  /** undefined: all clusters. */
  cluster: string | undefined;
  resource: string;
  namespace: string | undefined;
}

export interface ScanPlan {
  filter: Filter<ObjectDoc>;
  sort: Sort;
}

/** The scan of rows after `after`; undefined if none can follow it. */
export function planScan(shape: ScanShape, after: Position): ScanPlan | undefined {
  const { cluster, resource, namespace } = shape;
  if (cluster !== undefined) {
    if (namespace !== undefined) {
      const at = comparePositions([cluster, namespace, ''], [after[0], after[1], '']);
      if (at < 0) return undefined; // the position lies beyond this namespace
      return { filter: { c: cluster, r: resource, ns: namespace, n: { $gt: at === 0 ? after[2] : '' }, ...LIVE }, sort: { c: 1, r: 1, ns: 1, n: 1 } };
    }
    const at = comparePositions([cluster, '', ''], [after[0], '', '']);
    if (at < 0) return undefined;
    const [ns, n] = at === 0 ? [after[1], after[2]] : ['', ''];
    return {
      filter: { c: cluster, r: resource, $or: [{ ns: { $gt: ns } }, { ns, n: { $gt: n } }], ...LIVE },
      sort: { c: 1, r: 1, ns: 1, n: 1 },
    };
  }
  const [c, ns, n] = after;
  return {
    filter: {
      r: resource,
      $or: [{ c: { $gt: c } }, { c, ns: { $gt: ns } }, { c, ns, n: { $gt: n } }],
      ...(namespace !== undefined ? { ns: namespace } : {}),
      ...LIVE,
    },
    sort: { r: 1, c: 1, ns: 1, n: 1 },
  };
}
