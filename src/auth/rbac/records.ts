/**
 * The parts of RBAC objects authorization reads, extracted once when an object enters the index
 * (stored objects carry managedFields and the like, which the index need not keep): a role's
 * labels, rules and aggregation selectors; a binding's role reference and subjects.
 */
import { labelSelectorFromObject, type KubeObject, type LabelSelector, type LabelSelectorObject } from '../../meta/index.js';
import { normalizeRule } from './rules.js';
import type { RoleRefInfo, Rule } from './types.js';

export interface RoleRecord {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Empty for ClusterRoles. */
  namespace: string;
  labels: Readonly<Record<string, string>>;
  rules: readonly Rule[];
  /**
   * Set for a ClusterRole with an aggregationRule: its rules are then the union of the rules of
   * the ClusterRoles these selectors match (its own `rules` field is ignored, as the aggregation
   * controller would overwrite it). A selector that does not parse matches nothing.
   */
  aggregation?: readonly LabelSelector[];
}

export interface SubjectRecord {
  kind: string;
  name: string;
  namespace: string;
}

export interface BindingRecord {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Empty for ClusterRoleBindings. */
  namespace: string;
  roleRef: RoleRefInfo;
  subjects: readonly SubjectRecord[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const objects = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)) : [];

const MATCH_NOTHING: LabelSelector = { requirements: [], empty: false, matches: () => false, toString: () => '<invalid>' };

function selector(raw: Record<string, unknown>): LabelSelector {
  try {
    return labelSelectorFromObject(raw as LabelSelectorObject);
  } catch {
    return MATCH_NOTHING;
  }
}

export function roleRecord(o: KubeObject, kind: 'Role' | 'ClusterRole'): RoleRecord {
  const record: RoleRecord = {
    kind,
    name: o.metadata.name ?? '',
    namespace: kind === 'Role' ? (o.metadata.namespace ?? '') : '',
    labels: { ...(o.metadata.labels ?? {}) },
    rules: (Array.isArray(o.rules) ? o.rules : []).map(normalizeRule),
  };
  const agg = o.aggregationRule;
  if (kind === 'ClusterRole' && agg && typeof agg === 'object') {
    const selectors = objects((agg as Record<string, unknown>).clusterRoleSelectors);
    // rbac's hasAggregationRule: an aggregationRule without selectors aggregates nothing.
    if (selectors.length > 0) record.aggregation = selectors.map(selector);
  }
  return record;
}

export function bindingRecord(o: KubeObject, kind: 'RoleBinding' | 'ClusterRoleBinding'): BindingRecord {
  const ref = (o.roleRef && typeof o.roleRef === 'object' ? o.roleRef : {}) as Record<string, unknown>;
  return {
    kind,
    name: o.metadata.name ?? '',
    namespace: kind === 'RoleBinding' ? (o.metadata.namespace ?? '') : '',
    roleRef: { kind: text(ref.kind), name: text(ref.name) },
    subjects: objects(o.subjects).map((s) => ({ kind: text(s.kind), name: text(s.name), namespace: text(s.namespace) })),
  };
}

/** rbac's `hasAggregationRule` on a stored or incoming ClusterRole. */
export function hasAggregationRule(o: KubeObject | undefined): boolean {
  const agg = o?.aggregationRule;
  return !!agg && typeof agg === 'object' && objects((agg as Record<string, unknown>).clusterRoleSelectors).length > 0;
}
