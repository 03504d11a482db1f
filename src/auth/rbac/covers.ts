/**
 * Whether one set of rules covers another (rbac's policy comparator), for escalation checks: the
 * rules to grant are broken down into single (group, resource, verb[, name]) and (URL, verb)
 * tuples, and each tuple must be covered by one rule held. Wildcards cover only what they name:
 * `*` covers everything, a star followed by `/scale` covers every scale subresource, a URL ending
 * in `*` covers its prefix; a tuple with verb `*` is covered only by a rule with verb `*`.
 */
import type { Rule } from './types.js';

/** `*` on everything: what it takes to write an aggregating ClusterRole without `escalate`. */
export const FULL_AUTHORITY: readonly Rule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
];

const rule = (r: Partial<Rule>): Rule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r });

/** The rule as tuples of at most one verb, group, resource and name (rbac's `BreakdownRule`). */
export function breakdownRule(r: Rule): Rule[] {
  const out: Rule[] = [];
  for (const group of r.apiGroups) {
    for (const resource of r.resources) {
      for (const verb of r.verbs) {
        if (r.resourceNames.length === 0) out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb] }));
        else for (const name of r.resourceNames) out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] }));
      }
    }
  }
  for (const url of r.nonResourceURLs) for (const verb of r.verbs) out.push(rule({ nonResourceURLs: [url], verbs: [verb] }));
  return out;
}

const hasAll = (set: readonly string[], items: readonly string[]): boolean => items.every((i) => set.includes(i));

function resourcesCover(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes('*') || hasAll(owner, wanted)) return true;
  for (const path of wanted) {
    if (owner.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0 || !owner.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

const urlCovers = (owner: string, sub: string): boolean => owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')));

const urlsCover = (owner: readonly string[], wanted: readonly string[]): boolean => wanted.every((p) => owner.some((o) => urlCovers(o, p)));

/** Whether `owner` covers `sub`, a tuple from breakdownRule (rbac's `ruleCovers`). */
export function ruleCovers(owner: Rule, sub: Rule): boolean {
  const names = sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (
    (owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs)) &&
    (owner.apiGroups.includes('*') || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourcesCover(owner.resources, sub.resources) &&
    urlsCover(owner.nonResourceURLs, sub.nonResourceURLs) &&
    names
  );
}

/** Whether `owner` covers every rule of `wanted`; the tuples it does not cover otherwise. */
export function covers(owner: readonly Rule[], wanted: readonly Rule[]): { covered: boolean; missing: Rule[] } {
  const missing: Rule[] = [];
  for (const w of wanted) for (const sub of breakdownRule(w)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return { covered: missing.length === 0, missing };
}

/**
 * Merges single-group, single-resource tuples that differ only in their verb (rbac's
 * `CompactRules`), so a missing `get, list, watch` reads as one line.
 */
export function compactRules(rules: readonly Rule[]): Rule[] {
  const out: Rule[] = [];
  const simple = new Map<string, string[]>();
  for (const r of rules) {
    if (r.apiGroups.length === 1 && r.resources.length === 1 && r.resourceNames.length === 0 && r.nonResourceURLs.length === 0) {
      const key = `${r.apiGroups[0] ?? ''}\0${r.resources[0] ?? ''}`;
      const existing = simple.get(key);
      if (existing) {
        for (const v of r.verbs) if (!existing.includes(v)) existing.push(v);
        continue;
      }
      const verbs = [...r.verbs];
      simple.set(key, verbs);
      out.push(rule({ apiGroups: r.apiGroups, resources: r.resources, verbs }));
    } else {
      out.push(r);
    }
  }
  return out;
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export const goQuoted = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;

/** rbac's `CompactString`, as escalation errors list the missing rules. */
export function compactString(r: Rule): string {
  const parts: string[] = [];
  if (r.apiGroups.length) parts.push(`APIGroups:${goQuoted(r.apiGroups)}`);
  if (r.resources.length) parts.push(`Resources:${goQuoted(r.resources)}`);
  if (r.nonResourceURLs.length) parts.push(`NonResourceURLs:${goQuoted(r.nonResourceURLs)}`);
  if (r.resourceNames.length) parts.push(`ResourceNames:${goQuoted(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoted(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
