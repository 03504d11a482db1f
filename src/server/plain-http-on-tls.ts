/**
 * Plain HTTP sent to the HTTPS port gets an answer it can read — a 400 saying to use https, as Go's
 * net/http server gives — instead of a connection closed without a word (curl's "Empty reply from
 * server"). OpenSSL recognises an HTTP request where a TLS record should be (ERR_SSL_HTTP_REQUEST);
 * nothing has been sent on the connection yet, so the answer goes out unencrypted on the TCP
 * socket under the failed TLS one.
 */
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const BODY = 'Client sent an HTTP request to an HTTPS server: use https://\n';
const ANSWER = `HTTP/1.0 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(BODY)}\r\nconnection: close\r\n\r\n${BODY}`;

/** The TCP socket a server-side TLS socket wraps (Node's `_parent`, set for every wrapped socket). */
type WrappedTls = TLSSocket & { _parent?: Socket };

export function answerPlainHttp(server: Server): void {
  server.on('tlsClientError', (err: Error & { code?: string }, tls: WrappedTls) => {
    const raw = tls._parent;
    if (err.code === 'ERR_SSL_HTTP_REQUEST' && raw && !raw.destroyed && raw.writable) raw.end(ANSWER);
  });
}
