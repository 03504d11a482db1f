/**
 * Prometheus metrics (prom-client) at `/metrics`, named as kube-apiserver names its own
 * (`<namespace>_<subsystem>_<name>_<unit>`, histograms for latencies). Labels are bounded: verb,
 * API group, resource and code, never the workspace — a label per workspace would make one series
 * per tenant, the cardinality kcp's metrics are criticised for. A resource name is only taken
 * into the labels once a request for it was answered other than 404, so probing made-up names
 * adds no series; past MAX_RESOURCES distinct names the rest count as `other`.
 *
 * What lives in lower layers is read when scraped (watchers, work queues, the derived caches)
 * or arrives on a diagnostics channel (the store's commits, admission webhook calls), so those
 * layers import nothing of this.
 *
 * `/metrics` needs what kube-apiserver asks: an authenticated user allowed `get` on the
 * non-resource URL `/metrics` (in root: the platform admin, or a ClusterRole granting it there).
 */
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WEBHOOK_CALL_CHANNEL, type WebhookCallMessage } from '../admission/webhooks/index.js';
import { derivedCaches } from '../apis/index.js';
import type { AccessControl } from '../auth/index.js';
import { workQueueDepths } from '../controllers/index.js';
import { parseRequestInfo } from '../kube/index.js';
import { ApiError } from '../registry/index.js';
import { COMMIT_CHANNEL, type CommitMessage } from '../storage/index.js';
import { ROOT_CLUSTER } from '../tenancy/index.js';
import { sendError } from './http.js';

/** Distinct resource label values kept; more are counted as `other`. */
const MAX_RESOURCES = 500;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What one answered request is counted under. */
export interface RequestLabels {
  /** `rest`, `graphql`, `health`, `metrics` or `other`. */
  surface: string;
  verb: string;
  group: string;
  resource: string;
  code: string;
}

/** A watch or an event stream ends when the client goes: its duration is not a latency. */
const LONG_RUNNING = new Set(['watch', 'subscribe']);

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<keyof RequestLabels>;
  private readonly latency: Histogram<'surface' | 'verb' | 'group' | 'resource'>;
  private readonly resources = new Set<string>();
  private readonly onCommit: (message: unknown) => void;
  private readonly onWebhookCall: (message: unknown) => void;

  constructor(sources: { watchers: () => number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'atoll_apiserver_request_total',
      help: 'Requests answered, by surface, verb, API group, resource and HTTP code.',
      labelNames: ['surface', 'verb', 'group', 'resource', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'atoll_apiserver_request_duration_seconds',
      help: 'Time to answer a request (watches and subscriptions excluded), by surface, verb, API group and resource.',
      labelNames: ['surface', 'verb', 'group', 'resource'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'atoll_watch_hub_watchers',
      help: "Watchers of the store's change feed: REST watches, GraphQL subscriptions and the controllers' own watches.",
      registers,
      collect() {
        this.set(sources.watchers());
      },
    });
    new Gauge({
      name: 'atoll_workqueue_depth',
      help: "Items in each controller's work queue: queued, being handled, or waiting to retry.",
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        for (const [name, depth] of workQueueDepths()) this.set({ name }, depth);
      },
    });
    new Gauge({
      name: 'atoll_derived_cache_entries',
      help: 'Entries of the caches derived from API sets (GraphQL schemas, OpenAPI and discovery documents).',
      labelNames: ['cache'],
      registers,
      collect() {
        for (const c of derivedCaches()) this.set({ cache: c.name }, c.size);
      },
    });
    new Counter({
      name: 'atoll_derived_cache_requests_total',
      help: 'Lookups in the caches derived from API sets, by result (hit or miss: derived anew).',
      labelNames: ['cache', 'result'],
      registers,
      collect() {
        this.reset();
        for (const c of derivedCaches()) {
          this.inc({ cache: c.name, result: 'hit' }, c.hits);
          this.inc({ cache: c.name, result: 'miss' }, c.misses);
        }
      },
    });
    const commitLatency = new Histogram({
      name: 'atoll_storage_commit_duration_seconds',
      help: 'Time to commit one batch of writes to the store (embedded: one transaction, one fsync; MongoDB: the change records and the objects applied).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    const commitSize = new Histogram({
      name: 'atoll_storage_commit_batch_size',
      help: 'Writes committed together in one batch.',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000],
      registers,
    });
    this.onCommit = (message) => {
      const { writes, seconds } = message as CommitMessage;
      commitLatency.observe(seconds);
      commitSize.observe(writes);
    };
    diagnostics.subscribe(COMMIT_CHANNEL, this.onCommit);
    const webhookCalls = new Counter({
      name: 'atoll_admission_webhook_calls_total',
      help: 'Admission webhook calls, by type (validating, mutating) and result (allowed, denied, failed under failurePolicy Fail, ignored under Ignore).',
      labelNames: ['type', 'result'],
      registers,
    });
    const webhookLatency = new Histogram({
      name: 'atoll_admission_webhook_duration_seconds',
      help: 'Time of one admission webhook call, waiting for a connection included, by type.',
      labelNames: ['type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.onWebhookCall = (message) => {
      const { type, result, seconds } = message as WebhookCallMessage;
      webhookCalls.inc({ type, result });
      webhookLatency.observe({ type }, seconds);
    };
    diagnostics.subscribe(WEBHOOK_CALL_CHANNEL, this.onWebhookCall);
  }

  /** Counts an answered request. */
  observe(labels: RequestLabels, seconds: number): void {
    const counted = this.bounded(labels);
    this.requests.inc(counted);
    if (!LONG_RUNNING.has(counted.verb)) this.latency.observe({ surface: counted.surface, verb: counted.verb, group: counted.group, resource: counted.resource }, seconds);
  }

  /** The labels, with a group and resource never answered but 404 (or one too many) as `other`. */
  private bounded(labels: RequestLabels): RequestLabels {
    if (labels.resource === '' && labels.group === '') return labels;
    const key = `${labels.group}/${labels.resource}`;
    if (this.resources.has(key)) return labels;
    if (labels.code === '404' || this.resources.size >= MAX_RESOURCES) return { ...labels, group: 'other', resource: 'other' };
    this.resources.add(key);
    return labels;
  }

  /** `GET /metrics` for whoever may get that path in root. */
  handler(access: AccessControl): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
    return async (req, res, url) => {
      if (url.pathname !== '/metrics') return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`));
        return true;
      }
      const user = await access.authenticate({ headers: req.headers, socket: req.socket });
      access.authorize(ROOT_CLUSTER, { user, verb: 'get', resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path: '/metrics' });
      const text = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
      return true;
    };
  }

  close(): void {
    diagnostics.unsubscribe(COMMIT_CHANNEL, this.onCommit);
    diagnostics.unsubscribe(WEBHOOK_CALL_CHANNEL, this.onWebhookCall);
  }
}

const HEALTH = /^\/(healthz|readyz|livez)(\/|$)/;
const WORKSPACE_PATH = /^\/clusters\/[^/]+(\/.*)?$/;
const VIEW_PATH = /^\/services\/apiexport\/[^/]+\/[^/]+\/clusters\/[^/]+(\/.*)?$/;

/** Which part of the server a path belongs to (for metrics' labels and tracing's spans). */
export function surfaceOf(path: string): 'health' | 'metrics' | 'graphql' | 'rest' | 'other' {
  if (HEALTH.test(path)) return 'health';
  if (path === '/metrics') return 'metrics';
  if (path.endsWith('/graphql')) return 'graphql';
  if (WORKSPACE_PATH.test(path) || VIEW_PATH.test(path) || path === '/version' || path.startsWith('/api') || path.startsWith('/openapi/')) return 'rest';
  return 'other';
}

/** The labels of a request, from its method, path and query (kube's request info for REST). */
export function requestLabels(req: IncomingMessage, url: URL, code: number): RequestLabels {
  const status = String(code);
  const path = url.pathname;
  const method = (req.method ?? 'GET').toLowerCase();
  const surface = surfaceOf(path);
  if (surface === 'health' || surface === 'metrics') return { surface, verb: method, group: '', resource: '', code: status };
  if (surface === 'graphql') {
    const streaming = req.headers.accept?.includes('text/event-stream') === true;
    return { surface: 'graphql', verb: streaming ? 'subscribe' : method, group: '', resource: '', code: status };
  }
  const rest = WORKSPACE_PATH.exec(path) ?? VIEW_PATH.exec(path);
  const below = rest ? (rest[1] ?? '/') : path;
  try {
    const info = parseRequestInfo(req.method ?? 'GET', below, url.searchParams);
    if (info.kind === 'resource') {
      const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
      return { surface: 'rest', verb: info.verb, group: info.group, resource, code: status };
    }
    if (info.kind !== 'unknown') return { surface: 'rest', verb: 'get', group: '', resource: '', code: status };
  } catch {
    // A malformed path: counted below, without a resource.
  }
  return { surface: rest ? 'rest' : 'other', verb: method, group: '', resource: '', code: status };
}
