/**
 * Permission claims: an export claims access to resources of its consumers it does not serve
 * itself (built-ins such as ConfigMaps, or another export's resources by identity hash), with
 * verbs; each consumer accepts or rejects each claim in its binding, with a selector. What the
 * provider may see and do is what both sides agree on: the accepted claims the export makes, with
 * the verbs in both lists and the consumer's selector.
 */
import { labelSelectorFromObject, type KubeObject } from '../meta/index.js';
import type { ConditionUpdate } from './conditions.js';
import type { AcceptablePermissionClaim, PermissionClaim, PermissionClaimSelector } from './types.js';

export type AppliedClaim = PermissionClaim & { selector: PermissionClaimSelector };

/** Claims are matched by group, resource and identity. */
export const claimKey = (c: { group?: string; resource: string; identityHash?: string }): string => `${c.resource}.${c.group ?? ''}:${c.identityHash ?? ''}`;

/** The verbs both the export and the consumer grant (`*` on either side stands for the other's). */
export function effectiveVerbs(exported: readonly string[], accepted: readonly string[]): string[] {
  if (exported.includes('*')) return [...accepted];
  if (accepted.includes('*')) return [...exported];
  return exported.filter((v) => accepted.includes(v));
}

/** What a binding applies of its accepted claims, and the PermissionClaimsValid condition. */
export function reconcileClaims(accepted: readonly AcceptablePermissionClaim[], exported: readonly PermissionClaim[]): { applied: AppliedClaim[]; valid: ConditionUpdate } {
  const byKey = new Map(exported.map((c) => [claimKey(c), c]));
  const applied: AppliedClaim[] = [];
  const invalid: string[] = [];
  for (const c of accepted) {
    if (c.state !== 'Accepted') continue;
    const e = byKey.get(claimKey(c));
    if (!e) {
      invalid.push(`unexpected/invalid claim for ${c.resource}.${c.group ?? ''} (identity "${c.identityHash ?? ''}")`);
      continue;
    }
    applied.push({
      group: c.group ?? '',
      resource: c.resource,
      ...(c.identityHash ? { identityHash: c.identityHash } : {}),
      verbs: effectiveVerbs(e.verbs, c.verbs ?? ['*']),
      selector: c.selector,
    });
  }
  const shown = invalid.slice(0, 5);
  const valid: ConditionUpdate = invalid.length
    ? {
        type: 'PermissionClaimsValid',
        status: 'False',
        severity: 'Error',
        reason: 'InvalidPermissionClaims',
        message: `${invalid.length} unexpected and/or invalid permission claims (showing first ${shown.length}): [${shown.join(', ')}]`,
      }
    : { type: 'PermissionClaimsValid', status: 'True' };
  return { applied, valid };
}

/** Whether a claim's selector admits the object. */
export function selects(selector: PermissionClaimSelector | undefined, o: KubeObject): boolean {
  if (!selector || selector.matchAll) return true;
  return labelSelectorFromObject(selector).matches(o.metadata.labels ?? {});
}
