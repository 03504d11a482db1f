/**
 * Rule matching with Kubernetes' semantics (rbac/v1 evaluation helpers): verbs and API groups
 * match exactly or by `*`; resources match `*`, exactly (`pods/log` for a subresource request),
 * or as a star followed by `/<subresource>` (that subresource of every resource); resourceNames,
 * when present, must list the requested name; non-resource URLs match `*`, exactly, or by prefix
 * when they end in `*` (`/apis/*`).
 */
import type { Attributes, Rule } from './types.js';

const ALL = '*';

export const verbMatches = (rule: Rule, verb: string): boolean => rule.verbs.includes(ALL) || rule.verbs.includes(verb);

export const apiGroupMatches = (rule: Rule, group: string): boolean => rule.apiGroups.includes(ALL) || rule.apiGroups.includes(group);

/** `combined` is `resource` or `resource/subresource`; `subresource` alone serves the star-slash-subresource rules. */
export function resourceMatches(rule: Rule, combined: string, subresource: string): boolean {
  for (const r of rule.resources) {
    if (r === ALL || r === combined) return true;
    // `*/scale` grants the scale subresource of every resource, but no main resource.
    if (subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export const resourceNameMatches = (rule: Rule, name: string): boolean => rule.resourceNames.length === 0 || rule.resourceNames.includes(name);

export function nonResourceURLMatches(rule: Rule, path: string): boolean {
  for (const url of rule.nonResourceURLs) {
    if (url === ALL || url === path) return true;
    if (url.endsWith(ALL) && path.startsWith(url.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** Whether one rule grants the request (rbac's `RuleAllows`). */
export function ruleAllows(a: Attributes, rule: Rule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceURLMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** A stored (or bootstrap) policy rule in normalised form; anything malformed reads as empty. */
export function normalizeRule(raw: unknown): Rule {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

/** A key equal for equal rules (for de-duplicating aggregated and reviewed rule lists). */
export const ruleKey = (r: Rule): string => JSON.stringify([r.verbs, r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);

/** Appends the rules `out` does not hold yet. */
export function addUnique(out: Rule[], seen: Set<string>, rules: readonly Rule[]): void {
  for (const r of rules) {
    const k = ruleKey(r);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
}
