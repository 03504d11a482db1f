/**
 * Calls to admission webhooks over HTTPS (docs/admission.md, "Webhooks"). Each call is bounded:
 * - one keep-alive Agent per distinct (caBundle, host), so a webhook's TLS sessions are reused
 *   across requests; at most MAX_AGENTS of them, the least recently used closed beyond that;
 * - at most `maxConcurrent` calls in flight per webhook, the next ones queued (at most
 *   `maxQueued`; past that a call fails at once rather than pile up behind a slow webhook);
 * - the webhook's `timeoutSeconds` counts from the moment the call is asked for, queueing
 *   included, so a slow or dead webhook never holds a write longer than its timeout;
 * - answers larger than `maxResponseBytes` are cut off and fail.
 * Failures are WebhookCallErrors whose message says what went wrong (timeout, TLS, refused
 * destination, HTTP status, an answer that is not JSON).
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { MAX_NESTING_DEPTH, nestedDeeperThan } from '../../meta/index.js';
import { DestinationError, type DestinationPolicy } from './destinations.js';

/** Distinct (caBundle, host) agents kept open. */
export const MAX_AGENTS = 256;
/** Calls in flight to one webhook at once; further calls wait in its queue. */
export const DEFAULT_MAX_CONCURRENT = 32;
/** Calls waiting for one webhook; past that they fail at once (under the webhook's failurePolicy). */
export const DEFAULT_MAX_QUEUED = 256;
/** The largest AdmissionReview answer read (a mutating webhook's patch included). */
export const DEFAULT_MAX_RESPONSE_BYTES = 3 * 1024 * 1024;
/** How long an idle keep-alive connection to a webhook stays open. */
const IDLE_SOCKET_MS = 30_000;

export type CallFailure = 'timeout' | 'tls' | 'destination' | 'connection' | 'status' | 'response' | 'busy';

export class WebhookCallError extends Error {
  override readonly name = 'WebhookCallError';
  constructor(
    readonly failure: CallFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Where and how to call one webhook. */
export interface WebhookEndpoint {
  /** Identifies the webhook for its concurrency limit (its configuration's cluster, name and webhook name). */
  key: string;
  url: string;
  /** Base64 of PEM certificates to trust instead of the system's roots (`clientConfig.caBundle`). */
  caBundle?: string;
  timeoutSeconds: number;
}

export interface WebhookClientOptions {
  destinations: DestinationPolicy;
  maxConcurrent?: number;
  maxQueued?: number;
  maxResponseBytes?: number;
}

interface Lane {
  active: number;
  waiting: (() => void)[];
}

export class WebhookClient {
  private readonly agents = new Map<string, https.Agent>();
  private readonly lanes = new Map<string, Lane>();
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: WebhookClientOptions) {
    this.maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** POSTs `body` (JSON) to the webhook and answers its parsed JSON answer. Throws WebhookCallError. */
  async post(endpoint: WebhookEndpoint, body: string): Promise<unknown> {
    const what = `Post "${endpoint.url}"`;
    let url: URL;
    try {
      url = this.options.destinations.checkUrl(endpoint.url);
    } catch (e) {
      throw new WebhookCallError('destination', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const timeoutMs = endpoint.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const release = await this.enter(endpoint.key, timeoutMs, what);
    try {
      return await this.request(url, endpoint, body, Math.max(1, deadline - Date.now()), what);
    } finally {
      release();
    }
  }

  /** Closes every connection (server stop). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** Waits for a free slot of the webhook's lane; resolves with the function that frees it. */
  private enter(key: string, timeoutMs: number, what: string): Promise<() => void> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { active: 0, waiting: [] }));
    const own = lane;
    const release = (): void => {
      const next = own.waiting.shift();
      if (next) next();
      else if (--own.active === 0) this.lanes.delete(key);
    };
    if (own.active < this.maxConcurrent) {
      own.active++;
      return Promise.resolve(release);
    }
    if (own.waiting.length >= this.maxQueued) {
      return Promise.reject(new WebhookCallError('busy', `${what}: ${own.waiting.length} calls already wait for this webhook`));
    }
    return new Promise((resolve, reject) => {
      const go = (): void => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        const at = own.waiting.indexOf(go);
        if (at >= 0) own.waiting.splice(at, 1);
        reject(new WebhookCallError('timeout', `${what}: timed out after ${timeoutMs / 1000}s waiting for a free connection (the webhook is slow or busy)`));
      }, timeoutMs);
      own.waiting.push(go);
    });
  }

  private agentFor(url: URL, caBundle: string | undefined): https.Agent {
    const key = `${caBundle ?? ''}\n${url.host}`;
    const found = this.agents.get(key);
    if (found) {
      // Most recently used last: the first entry is the one to close when there are too many.
      this.agents.delete(key);
      this.agents.set(key, found);
      return found;
    }
    const ca = caBundle ? Buffer.from(caBundle, 'base64').toString('utf8') : undefined;
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: this.maxConcurrent,
      timeout: IDLE_SOCKET_MS,
      ...(ca ? { ca } : {}),
    });
    this.agents.set(key, agent);
    if (this.agents.size > MAX_AGENTS) {
      const [oldest, old] = this.agents.entries().next().value as [string, https.Agent];
      this.agents.delete(oldest);
      old.destroy();
    }
    return agent;
  }

  private request(url: URL, endpoint: WebhookEndpoint, body: string, timeoutMs: number, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: WebhookCallError | undefined, value?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(value);
      };
      const req = https.request(
        url,
        {
          method: 'POST',
          agent: this.agentFor(url, endpoint.caBundle),
          lookup: this.options.destinations.lookup,
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          this.readAnswer(res, what).then(
            (value) => finish(undefined, value),
            (err: WebhookCallError) => finish(err),
          );
        },
      );
      const timer = setTimeout(() => finish(new WebhookCallError('timeout', `${what}: timed out after ${endpoint.timeoutSeconds}s (timeoutSeconds)`)), timeoutMs);
      req.on('error', (err) => finish(classify(err, what)));
      req.end(body);
    });
  }

  private readAnswer(res: IncomingMessage, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          res.destroy();
          reject(new WebhookCallError('response', `${what}: the answer is larger than ${this.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => reject(classify(err, what)));
      res.on('end', () => {
        const text = Buffer.concat(chunks, size).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new WebhookCallError('status', `${what}: the webhook answered HTTP ${res.statusCode}${text ? `: ${excerpt(text)}` : ''}`));
          return;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          reject(new WebhookCallError('response', `${what}: the answer is not JSON: ${excerpt(text)}`));
          return;
        }
        if (nestedDeeperThan(value, MAX_NESTING_DEPTH)) {
          reject(new WebhookCallError('response', `${what}: the answer nests deeper than ${MAX_NESTING_DEPTH} levels`));
          return;
        }
        resolve(value);
      });
    });
  }
}

/** The start of a body, for a message (an HTML error page is not worth quoting whole). */
const excerpt = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/;

function classify(err: Error, what: string): WebhookCallError {
  if (err instanceof WebhookCallError) return err;
  if (err instanceof DestinationError) return new WebhookCallError('destination', `${what}: ${err.message}`);
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (TLS_CODES.test(code)) return new WebhookCallError('tls', `${what}: TLS: ${err.message} (${code}; check clientConfig.caBundle and the certificate's names)`);
  return new WebhookCallError('connection', `${what}: ${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`);
}
