/**
 * `fetch` for a server whose certificate comes from a test's own CA. Node's built-in fetch cannot
 * be given a CA without the undici package; node:https can, and its response is wrapped in a
 * standard Response (status, headers, a streaming body), so tests read it as they read fetch's.
 */
import https from 'node:https';
import { Readable } from 'node:stream';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export function fetchTrusting(ca: string): Fetch {
  const agent = new https.Agent({ ca, keepAlive: true });
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers = new Headers(init.headers);
      const req = https.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), agent }, (res) => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(name, v);
        }
        const empty = res.statusCode === 204 || res.statusCode === 304 || init.method === 'HEAD';
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: res.statusCode ?? 0, headers: out }));
      });
      req.on('error', reject);
      init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      if (typeof init.body === 'string') req.end(init.body);
      else req.end();
    });
}
