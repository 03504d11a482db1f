/**
 * User impersonation as the apiserver's impersonation filter has it (`kubectl --as`, `--as-group`,
 * `--as-uid`): the `Impersonate-*` headers name a user to act as, each part of which the real user
 * must be allowed to impersonate (verb `impersonate` on users or serviceaccounts, groups,
 * authentication.k8s.io uids and userextras/<key>). This module reads the headers and builds the
 * checks and the user; AccessControl runs them.
 *
 * kcp adds a gate of its own, kept here: groups that carry privilege (`system:masters`,
 * `system:kcp:admin`, `system:authenticated`) may only be impersonated by a user who has them, and
 * extra keys that grant authority may not be set by clients at all — otherwise an admin, whom
 * RBAC allows everything, could become `system:masters`, which Atoll keeps for its controllers.
 */
import type { IncomingMessage } from 'node:http';
import { validateDNS1123Label, validateDNS1123Subdomain } from '../../meta/index.js';
import { ApiError, errors, SYSTEM_MASTERS } from '../../registry/index.js';
import {
  ADMIN_GROUP,
  ANONYMOUS_USER,
  AUTHENTICATED_GROUP,
  CLUSTER_NAME_EXTRA,
  SERVICE_ACCOUNT_PREFIX,
  SERVICE_ACCOUNTS_GROUP,
  UNAUTHENTICATED_GROUP,
  type AuthUser,
} from '../authn/types.js';
import { resourceAttributes, type Attributes } from '../rbac/types.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA = 'impersonate-extra-';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const AUTHENTICATION_VERSION = `${AUTHENTICATION_GROUP}/v1`;

/**
 * A request's `Impersonate-*` headers (names lower-case), each with every value sent: a repeated
 * `Impersonate-Group` is several groups, which Node's joined `req.headers` would run together.
 */
export type ImpersonationHeaders = Readonly<Record<string, readonly string[]>>;

const isImpersonation = (name: string): boolean => name === USER || name === GROUP || name === UID || name.startsWith(EXTRA);

/** The impersonation headers of an HTTP request, or undefined for the usual request that has none. */
export function impersonationHeaders(req: Pick<IncomingMessage, 'headers' | 'headersDistinct'>): ImpersonationHeaders | undefined {
  // Scanning the names first spares the common request Node's building of headersDistinct.
  if (!Object.keys(req.headers).some(isImpersonation)) return undefined;
  const found: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) if (isImpersonation(name) && values) found[name] = values;
  return found;
}

/** The same from headers a client wrote into an object (graphql-ws): names in any case, a string or strings each. */
export function impersonationHeadersIn(o: Readonly<Record<string, unknown>>): ImpersonationHeaders | undefined {
  const found: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(o)) {
    const name = key.toLowerCase();
    if (!isImpersonation(name)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length) found[name] = [...(found[name] ?? []), ...values];
  }
  return Object.keys(found).length ? found : undefined;
}

/** One thing to impersonate, shaped as the apiserver's ObjectReference (its 400 message prints them). */
export interface Impersonated {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace?: string;
  name: string;
  /** The extra key of a UserExtra. */
  key?: string;
}

/**
 * What the headers ask to impersonate, in the apiserver's order (user, groups, extras, uid);
 * empty when nothing. Throws the 400 Kubernetes answers for groups, extras or a uid without a user.
 */
export function requestedImpersonation(headers: ImpersonationHeaders): Impersonated[] {
  const wanted: Impersonated[] = [];
  const user = headers[USER]?.[0] ?? '';
  if (user) wanted.push(serviceAccountRef(user) ?? { kind: 'User', name: user });
  for (const group of headers[GROUP] ?? []) wanted.push({ kind: 'Group', name: group });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA)) continue;
    const key = unescapeKey(header.slice(EXTRA.length));
    for (const value of values) wanted.push({ kind: 'UserExtra', name: value, key });
  }
  const uid = headers[UID]?.[0] ?? '';
  if (uid) wanted.push({ kind: 'UID', name: uid });
  if (!user && wanted.length > 0) throw errors.badRequest(`requested [${wanted.map(goReference).join(' ')}] without impersonating a user`);
  return wanted;
}

/** The authorization the real user needs for one part (verb `impersonate`). */
export function impersonationAttributes(requester: AuthUser, w: Impersonated): Attributes {
  switch (w.kind) {
    case 'User':
      return resourceAttributes(requester, 'impersonate', { resource: 'users', name: w.name });
    case 'ServiceAccount':
      return resourceAttributes(requester, 'impersonate', { resource: 'serviceaccounts', namespace: w.namespace ?? '', name: w.name });
    case 'Group':
      return resourceAttributes(requester, 'impersonate', { resource: 'groups', name: w.name });
    case 'UserExtra':
      return resourceAttributes(requester, 'impersonate', { apiGroup: AUTHENTICATION_GROUP, resource: 'userextras', subresource: w.key ?? '', name: w.name });
    case 'UID':
      return resourceAttributes(requester, 'impersonate', { apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: w.name });
  }
}

/** kcp's refusal of what RBAC cannot be trusted with (see above), or undefined. */
export function privilegeRefusal(requester: AuthUser, wanted: readonly Impersonated[]): ApiError | undefined {
  if (requester.groups.includes(SYSTEM_MASTERS)) return undefined;
  for (const w of wanted) {
    if (w.kind === 'UserExtra' && w.key !== undefined && reservedExtra(w.key)) {
      return new ApiError('Forbidden', `forbidden: impersonating the extra key "${w.key}" is not allowed for the requestor`, {});
    }
  }
  const privileged = wanted.some((w) => w.kind === 'Group' && PRIVILEGED_GROUPS.has(w.name) && !requester.groups.includes(w.name));
  return privileged ? new ApiError('Forbidden', 'forbidden: impersonation is not allowed for the requestor', {}) : undefined;
}

const PRIVILEGED_GROUPS = new Set([SYSTEM_MASTERS, ADMIN_GROUP, AUTHENTICATED_GROUP]);

/** Keys only authenticators set: kcp's own (`*kcp.io*`) and the logical cluster of a service account. */
const reservedExtra = (key: string): boolean => key.toLowerCase().includes('kcp.io') || key === CLUSTER_NAME_EXTRA;

/**
 * The user the request acts as once every part was allowed. Kubernetes adds `system:authenticated`
 * (`system:unauthenticated` for system:anonymous) and, when no group was given, a service
 * account's own groups. An impersonated service account is one of `cluster`'s own, as its token
 * there would be, so it enters and matches ServiceAccount subjects there.
 */
export function impersonatedUser(wanted: readonly Impersonated[], cluster: string): AuthUser {
  const groupsGiven = wanted.some((w) => w.kind === 'Group');
  let serviceAccount = false;
  let name = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const w of wanted) {
    switch (w.kind) {
      case 'ServiceAccount':
        name = `${SERVICE_ACCOUNT_PREFIX}${w.namespace ?? ''}:${w.name}`;
        serviceAccount = true;
        if (!groupsGiven) groups = [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${w.namespace ?? ''}`];
        break;
      case 'User':
        name = w.name;
        break;
      case 'Group':
        groups.push(w.name);
        break;
      case 'UserExtra':
        (extra[w.key ?? ''] ??= []).push(w.name);
        break;
      case 'UID':
        uid = w.name;
        break;
    }
  }
  if (name !== ANONYMOUS_USER) {
    if (!groups.includes(AUTHENTICATED_GROUP) && !groups.includes(UNAUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  } else if (!groups.includes(UNAUTHENTICATED_GROUP)) {
    groups.push(UNAUTHENTICATED_GROUP);
  }
  if (serviceAccount) extra[CLUSTER_NAME_EXTRA] = [cluster];
  return { name, groups, ...(uid !== undefined ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

/** `system:serviceaccount:<ns>:<name>` with a valid namespace and name (apiserver's SplitUsername), else undefined: then it is a plain user name. */
function serviceAccountRef(user: string): Impersonated | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = user.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (validateDNS1123Label(namespace).length || validateDNS1123Subdomain(name).length) return undefined;
  return { kind: 'ServiceAccount', namespace, name };
}

/** Clients percent-encode keys that are not header-safe (`acme.com%2Fproject`); a malformed escape is kept as sent, as Go's PathUnescape fallback. */
function unescapeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Go's `%v` of a v1.ObjectReference (Kind Namespace Name UID APIVersion ResourceVersion FieldPath), as the 400 message shows them. */
function goReference(w: Impersonated): string {
  const apiVersion = w.kind === 'UserExtra' || w.kind === 'UID' ? AUTHENTICATION_VERSION : '';
  return `{${[w.kind, w.namespace ?? '', w.name, '', apiVersion, '', w.key ?? ''].join(' ')}}`;
}
