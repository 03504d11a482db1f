/**
 * One consumer's request in a provider's view, answered by the shard holding that consumer
 * (docs/shards.md): the export's shard decides the content check — it holds the export's
 * workspace and its RBAC — and sends the request on with the shards' token, naming in one header
 * whom it acts for and which verbs that user holds on the export's content. The consumer's shard
 * checks the rest (the binding, the claims) and acts as that user. Only a request authenticated
 * as a shard is taken to carry the header; forwarding drops any a client sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SHARD_USER, type AuthUser } from '../auth/index.js';
import { ApiError } from '../registry/index.js';

export const DELEGATION_HEADER = 'atoll-view-delegation';

/** The verbs the content check is decided for before a request is sent on. */
export const CONTENT_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

export interface Delegation {
  /** Whom the request acts for, as the export's shard authenticated them. */
  user: AuthUser;
  /** The verbs that user holds on the export's content. */
  content: readonly string[];
}

/** Sends a view's request on to the shard holding its consumer, with the delegation. */
export interface ShardForwarder {
  forward(shard: string, req: IncomingMessage, res: ServerResponse, path: string, delegation: Delegation): void;
  forwardUpgrade(shard: string, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, delegation: Delegation): void;
}

export function delegationHeader(d: Delegation): string {
  return Buffer.from(JSON.stringify(d)).toString('base64url');
}

/**
 * The delegation a request carries: undefined without the header; a 403 when a caller other than
 * a shard sends one, a 400 when it is malformed.
 */
export function delegationOf(headers: Readonly<Record<string, string | string[] | undefined>>, authenticated: AuthUser | undefined): Delegation | undefined {
  const value = headers[DELEGATION_HEADER];
  if (value === undefined) return undefined;
  if (authenticated?.name !== SHARD_USER.name) throw new ApiError('Forbidden', `${DELEGATION_HEADER} is only taken from the installation's shards`, {});
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!isDelegation(parsed)) throw new ApiError('BadRequest', `malformed ${DELEGATION_HEADER} header`, {});
  return parsed;
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function isDelegation(v: unknown): v is Delegation {
  if (!v || typeof v !== 'object') return false;
  const { user, content } = v as { user?: { name?: unknown; groups?: unknown; extra?: unknown }; content?: unknown };
  if (!user || typeof user.name !== 'string' || !strings(user.groups) || !strings(content)) return false;
  return user.extra === undefined || (typeof user.extra === 'object' && user.extra !== null && Object.values(user.extra).every(strings));
}
