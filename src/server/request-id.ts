/**
 * A request's id, as kube-apiserver's Audit-Id: the client's own `Audit-Id` header when it sends
 * a sensible one (so a proxy's or a client's id follows the request), else a new UUID. It goes
 * back on the answer, into the log lines about the request and into the audit log.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a client-sent id may look like: short, and nothing that would garble a log line. */
const SENSIBLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const sent = req.headers['audit-id'];
  return typeof sent === 'string' && SENSIBLE.test(sent) ? sent : randomUUID();
}
