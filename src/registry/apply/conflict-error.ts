/**
 * The 409 an apply gets when it would change fields other managers own, worded exactly as the
 * apiserver words it (clients such as kubectl print it verbatim and parse the causes):
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a`.
 */
import { ApiError } from '../errors.js';
import { compareStrings, goQuote } from './go-values.js';
import type { FieldSet } from './field-set.js';
import type { ManagerRecord } from './managers.js';
import { formatPath } from './path-element.js';

export interface Conflict {
  /** The owner's identity (its managerId). */
  id: string;
  owner: ManagerRecord;
  /** The fields of `owner` the apply would change. */
  fields: FieldSet;
}

/** `"name"`, plus the subresource, plus `using <apiVersion>` for updaters (appliers have no version). */
export function describeManager(r: ManagerRecord): string {
  let s = goQuote(r.manager);
  if (r.subresource) s += ` with subresource ${goQuote(r.subresource)}`;
  return r.operation === 'Update' ? `${s} using ${r.apiVersion}` : s;
}

export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => compareStrings(a.id, b.id));
  const all = sorted.flatMap((c) => c.fields.paths().map((p) => ({ who: describeManager(c.owner), field: formatPath(p) })));
  const causes = all.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.who}`, field: c.field }));
  let message: string;
  if (all.length === 1) {
    const only = all[0] as { who: string; field: string };
    message = `Apply failed with 1 conflict: conflict with ${only.who}: ${only.field}`;
  } else {
    const lines = sorted.flatMap((c) => [`conflicts with ${describeManager(c.owner)}:`, ...c.fields.paths().map((p) => `- ${formatPath(p)}`)]);
    message = `Apply failed with ${all.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError('Conflict', message, { causes });
}
