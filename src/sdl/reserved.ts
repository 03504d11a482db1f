/**
 * API groups a provider's SDL may not define kinds in: the core group, Kubernetes' groups (a
 * workspace may define `deployments.apps` by CRD, as kcp allows, but an export of them would
 * collide with every consumer's own), kcp's groups, and every group Atoll serves built-in kinds in.
 */
import { baseTypes } from './base-types.js';

const KUBERNETES_SINGLE_WORD_GROUPS = new Set(['apps', 'batch', 'extensions', 'policy', 'autoscaling']);

let builtinGroups: Map<string, string[]> | undefined;

/** Atoll's built-in groups and the resources it serves in each. */
function builtins(): Map<string, string[]> {
  if (!builtinGroups) {
    builtinGroups = new Map();
    for (const t of baseTypes()) {
      const list = builtinGroups.get(t.group) ?? [];
      if (!list.includes(t.resource)) list.push(t.resource);
      builtinGroups.set(t.group, list);
    }
  }
  return builtinGroups;
}

const under = (group: string, domain: string): boolean => group === domain || group.endsWith(`.${domain}`);

/** Why `plural.group` may not be defined by a provider, or undefined when it may. */
export function reservedGroupReason(group: string, plural: string): string | undefined {
  const resource = group === '' ? plural : `${plural}.${group}`;
  if (group === '' || group === 'core') return `${resource}: the core group belongs to Kubernetes; give the resource a group of your own domain`;
  const served = builtins().get(group);
  if (served) {
    const clash = served.includes(plural) ? `, and Atoll serves ${resource} itself` : ` (${served.slice(0, 4).join(', ')}${served.length > 4 ? ', …' : ''})`;
    return `${resource}: group ${group} is built into Atoll${clash}; give the resource a group of your own domain`;
  }
  if (KUBERNETES_SINGLE_WORD_GROUPS.has(group) || under(group, 'k8s.io') || under(group, 'kubernetes.io')) {
    return `${resource}: group ${group} belongs to Kubernetes; an export of it would collide with the consumers' own; give the resource a group of your own domain`;
  }
  if (under(group, 'kcp.io')) return `${resource}: group ${group} belongs to kcp; give the resource a group of your own domain`;
  return undefined;
}
