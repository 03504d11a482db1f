/**
 * The REST benchmark's client side, in the bench process: single requests (seeding, capturing a
 * response) and a closed-loop load generator that keeps a fixed number of keep-alive requests in
 * flight for a fixed time, counting completed 200 responses and recording each one's latency.
 * Any other status fails the measurement: a fast error page must never count as throughput.
 */
import http from 'node:http';

/** No single request may take longer than this; a stuck server fails the suite instead of hanging it. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface LoadResult {
  /** Completed 200 responses. */
  count: number;
  perSecond: number;
  /** Latency of every completed request, ms, sorted ascending. */
  latencies: Float64Array;
}

/** What `load` sends instead of a plain GET, and how it checks each 200 response. */
export interface LoadOptions {
  /** Default GET. */
  method?: string;
  /** Sent as JSON with every request (serialized once). */
  body?: unknown;
  /** Added to (or replacing) the default accept and content-type headers. */
  headers?: http.OutgoingHttpHeaders;
  /** Called with each 200 response; a throw fails the measurement (e.g. a GraphQL reply with `errors`, which comes with 200). */
  check?: (res: HttpResult) => void;
}

/**
 * One request to `baseUrl` + `path` through `agent`; resolves with the whole response. `body` is
 * sent as JSON (a Buffer as is); `extraHeaders` add to or replace the default headers.
 */
export function request(
  agent: http.Agent,
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders?: http.OutgoingHttpHeaders,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<HttpResult> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  Object.assign(headers, extraHeaders);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no response after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like `request`, but rejects unless the status is `expected`, quoting the start of the body. */
export async function expectStatus(
  agent: http.Agent,
  baseUrl: string,
  method: string,
  path: string,
  expected: number,
  body?: unknown,
  extraHeaders?: http.OutgoingHttpHeaders,
  timeoutMs?: number,
): Promise<HttpResult> {
  const res = await request(agent, baseUrl, method, path, body, extraHeaders, timeoutMs);
  if (res.status !== expected) {
    throw new Error(`${method} ${path}: status ${res.status}, expected ${expected}: ${res.body.toString('utf8', 0, 500)}`);
  }
  return res;
}

/**
 * Keeps `concurrency` GETs of `path` in flight for `durationMs` (each worker sends its next
 * request when the previous one completes) over a keep-alive agent with one socket per worker.
 * `path` may be a function, called per request (e.g. a random workspace each time). `options`
 * make it another method with a body (e.g. a GraphQL POST) and check each response.
 */
export async function load(
  baseUrl: string,
  path: string | (() => string),
  concurrency: number,
  durationMs: number,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const pathFor = typeof path === 'string' ? () => path : path;
  const method = options.method ?? 'GET';
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const deadline = performance.now() + durationMs;
  return drive(concurrency, () => performance.now() < deadline, async (agent) => {
    const res = await expectStatus(agent, baseUrl, method, pathFor(), 200, payload, options.headers);
    options.check?.(res);
  });
}

/**
 * Keeps `concurrency` requests in flight over a keep-alive agent with one socket per worker: each
 * worker calls `send` again when its previous one completes, while `more()` says so. The first
 * failure stops every worker and is thrown.
 */
export async function drive(concurrency: number, more: () => boolean, send: (agent: http.Agent) => Promise<void>): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failure: Error | undefined;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (failure === undefined && more()) {
      const sent = performance.now();
      try {
        await send(agent);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
        return;
      }
      latencies.push(performance.now() - sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  if (failure) throw failure;
  const seconds = (performance.now() - start) / 1000;
  return { count: latencies.length, perSecond: latencies.length / seconds, latencies: Float64Array.from(latencies).sort() };
}

/** Several measured runs as one: all their requests over the sum of their durations. */
export function mergeLoads(runs: readonly LoadResult[]): LoadResult {
  let count = 0;
  let seconds = 0;
  for (const r of runs) {
    count += r.count;
    seconds += r.count / r.perSecond;
  }
  const latencies = new Float64Array(count);
  let at = 0;
  for (const r of runs) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  return { count, perSecond: count / seconds, latencies: latencies.sort() };
}

/**
 * Opens a watch (`path` carries `watch=1`) and calls `onEvent` with each event line, parsed;
 * resolves once the server answered 200 with a function that closes it. `onEnd` hears of a stream
 * that ends or fails before it is closed, so a waiting measurement fails instead of hanging.
 */
export function openWatch(baseUrl: string, path: string, headers: http.OutgoingHttpHeaders, onEvent: (event: unknown) => void, onEnd?: (err: Error) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const req = http.get(new URL(path, baseUrl), { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch ${path}: status ${res.statusCode}`));
      resolve(() => {
        closed = true;
        req.destroy();
      });
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          onEvent(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
        }
      });
      res.on('error', (err) => closed || onEnd?.(err));
      res.on('end', () => closed || onEnd?.(new Error(`watch ${path}: the stream ended`)));
    });
    req.on('error', (err) => (closed ? undefined : reject(err)));
  });
}
