/**
 * kcp's system CRD authorizer: the status of some kcp kinds is written by kcp's controllers only.
 * A workspace admin holds `*` on every resource of its workspace through `cluster-admin`, so RBAC
 * alone would let it rewrite what the system reports (a Workspace's phase, a WorkspaceType's
 * conditions); kcp denies those writes before RBAC is asked, for everyone but its always-allowed
 * groups. Reading the status stays RBAC's question.
 */
import type { Attributes } from './types.js';

/** `<group>/<resource>` whose `status` subresource only the system writes. */
const SYSTEM_STATUS = new Set(['tenancy.kcp.io/workspaces', 'tenancy.kcp.io/workspacetypes']);
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** The reason a request is refused whatever RBAC says, or undefined when RBAC decides. */
export function systemStatusRefusal(a: Attributes): string | undefined {
  if (!a.resourceRequest || a.subresource !== 'status' || READ_VERBS.has(a.verb)) return undefined;
  return SYSTEM_STATUS.has(`${a.apiGroup}/${a.resource}`) ? 'status update not permitted' : undefined;
}
