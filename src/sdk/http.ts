/**
 * The SDK's HTTP transport: node:http(s) with the kubeconfig's CA and client certificate (Node's
 * built-in fetch cannot take a CA without the undici package), JSON requests, and watch streams
 * read line by line. One keep-alive agent per client.
 */
import http from 'node:http';
import https from 'node:https';
import { statusError } from './errors.js';
import type { Connection } from './kubeconfig.js';

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** A keep-alive agent that trusts the connection's CA and presents its client certificate. */
export function agentFor(connection: Connection): http.Agent {
  return new URL(connection.server).protocol === 'https:'
    ? new https.Agent({
        keepAlive: true,
        ...(connection.ca ? { ca: connection.ca } : {}),
        ...(connection.clientCertificate ? { cert: connection.clientCertificate, key: connection.clientKey } : {}),
        rejectUnauthorized: !connection.insecureSkipTlsVerify,
        ...(connection.servername ? { servername: connection.servername } : {}),
      })
    : new http.Agent({ keepAlive: true });
}

export class HttpClient {
  /** Scheme, host and port of the server; API paths are absolute below it. */
  readonly origin: string;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly secure: boolean;

  constructor(readonly connection: Connection) {
    const url = new URL(connection.server);
    this.origin = url.origin;
    this.secure = url.protocol === 'https:';
    this.agent = agentFor(connection);
    this.headers = { accept: 'application/json', 'user-agent': 'atoll-sdk', ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}) };
  }

  /** The bearer token, for transports that carry it themselves (graphql-ws connectionParams). */
  get token(): string | undefined {
    return this.connection.token;
  }

  /** A JSON request; a status ≥ 400 throws an ApiStatusError from the server's Status. */
  async json<R = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const res = await this.open(method, path, options);
    const text = await readAll(res);
    if ((res.statusCode ?? 0) >= 400) throw statusError(res.statusCode ?? 0, errorBody(text));
    return (text ? JSON.parse(text) : {}) as R;
  }

  /**
   * A streaming GET (a watch): yields each line of the body. A status ≥ 400 throws before the
   * first line. The stream ends when the server ends it or `signal` aborts.
   */
  async *lines(path: string, signal?: AbortSignal): AsyncGenerator<string> {
    const res = await this.open('GET', path, signal ? { signal } : {});
    if ((res.statusCode ?? 0) >= 400) {
      throw statusError(res.statusCode ?? 0, errorBody(await readAll(res)));
    }
    res.setEncoding('utf8');
    let buffered = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) yield line;
        }
      }
    } catch (err) {
      // An abort or a dropped connection ends the stream; the caller resumes from what it saw.
      if (!signal?.aborted && !isReset(err)) throw err;
    } finally {
      res.destroy();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    // The length always: node:http sends a DELETE's body neither chunked nor with a length
    // unless told, so the server would take the request as bodiless (a DELETE's preconditions
    // ignored) and the body as a malformed next request.
    const headers = {
      ...this.headers,
      ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    };
    const request = this.secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError());
      const req = request(`${this.origin}${path}`, { method, headers, agent: this.agent }, resolve);
      req.on('error', reject);
      const signal = options.signal;
      if (signal) {
        // A controller passes one signal to every request: its listener must go with the request.
        const onAbort = (): void => void req.destroy(abortError());
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.end(body);
    });
  }
}

/** An error reply's Status, or its text as the message when it is not JSON (a proxy's HTML page). */
function errorBody(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return { message: text.slice(0, 500) };
  }
}

const abortError = (): Error => Object.assign(new Error('aborted'), { name: 'AbortError' });

const isReset = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).name === 'AbortError';
};

async function readAll(res: http.IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  return text;
}
