/** JSON responses for the REST surface: content type, warnings, ETags, HEAD. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  etag?: string,
): void {
  if (notModified(req, res, etag)) return;
  write(req, res, code, JSON.stringify(body), contentType);
}

/** A body already encoded (a cached document), as sendObject sends objects. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, code: number, body: Buffer, contentType: string, etag?: string): void {
  if (notModified(req, res, etag)) return;
  write(req, res, code, body, contentType);
}

/**
 * A body in pieces already encoded (a List around its items' JSON), written one after the other
 * instead of copied into one Buffer first: the items are kept encoded and are large.
 */
export function sendChunks(req: IncomingMessage, res: ServerResponse, code: number, chunks: readonly Buffer[], contentType: string): void {
  let length = 0;
  for (const c of chunks) length += c.length;
  res.writeHead(code, { 'content-type': contentType, 'content-length': length });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // Corked, the pieces leave in one write with the headers.
  res.cork();
  for (const c of chunks) res.write(c);
  res.end();
  res.uncork();
}

/** Tags the response with `etag`, and answers 304 (true) when the client already holds it. */
function notModified(req: IncomingMessage, res: ServerResponse, etag: string | undefined): boolean {
  if (!etag) return false;
  res.setHeader('etag', `"${etag}"`);
  const inm = req.headers['if-none-match'];
  if (!inm || !inm.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${etag}"`)) return false;
  res.writeHead(304);
  res.end();
  return true;
}

function write(req: IncomingMessage, res: ServerResponse, code: number, body: string | Buffer, contentType: string): void {
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Warnings as RFC 7234 Warning headers (code 299), as the apiserver sends them to kubectl. A
 * warning may quote what the client sent (a field name in any script, with control characters),
 * which Node refuses in a header — failing a write already applied with a 500 — or writes as UTF-8
 * or Latin-1 depending on how the answer is flushed: characters outside printable ASCII are sent
 * as `\uXXXX` escapes (quoted, so clients unquote them to that text).
 */
export function setWarnings(res: ServerResponse, warnings: readonly string[] | undefined): void {
  if (!warnings || warnings.length === 0) return;
  res.setHeader(
    'warning',
    warnings.map((w) => {
      const quoted = w.replace(/["\\]/g, (c) => `\\${c}`);
      return `299 - "${quoted.replace(/[^\x20-\x7e]/g, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
    }),
  );
}
