/**
 * A small Kubernetes REST client over node:http(s), with the kubeconfig's CA, client certificate
 * and bearer token (Node's fetch takes no CA without the undici package). JSON in, JSON out; a
 * failure is a CliError carrying the server's Status message.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeObject } from '../meta/index.js';
import { agentFor } from '../sdk/http.js';
import type { Connection } from './kubeconfig.js';
import { CliError } from './errors.js';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export class RestClient {
  private readonly agent: http.Agent;

  /** `base` is a workspace URL (`https://host:6443/clusters/root:provider`) or the server's origin. */
  constructor(
    readonly base: string,
    private readonly conn: Connection,
  ) {
    this.agent = agentFor({ ...conn, server: base });
  }

  close(): void {
    this.agent.destroy();
  }

  /** A request to `path` below the workspace URL (or below `root`, such as the server's origin). */
  request(method: string, path: string, body?: unknown, root = this.base): Promise<Reply> {
    const url = new URL(root + path);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.conn.token) headers.authorization = `Bearer ${this.conn.token}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: parseBody(text) });
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => reject(new CliError(`cannot reach ${url.origin}: ${e.code ?? e.message}`)));
      req.end(payload);
    });
  }

  /** The object, or undefined when it does not exist. */
  async get(path: string): Promise<KubeObject | undefined> {
    const r = await this.request('GET', path);
    if (r.status === 404) return undefined;
    return ok(r, `GET ${path}`) as unknown as KubeObject;
  }

  async create(path: string, object: KubeObject): Promise<KubeObject> {
    return ok(await this.request('POST', path, object), `create ${object.kind} ${object.metadata.name}`) as unknown as KubeObject;
  }

  async update(path: string, object: KubeObject): Promise<KubeObject> {
    return ok(await this.request('PUT', `${path}/${object.metadata.name}`, object), `update ${object.kind} ${object.metadata.name}`) as unknown as KubeObject;
  }
}

function parseBody(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // Not a Status (a proxy's HTML page): its start is the best message there is.
    return { message: text.trim().slice(0, 200) };
  }
}

/** The body of a 2xx reply; otherwise a CliError with the Status message. */
export function ok(r: Reply, what: string): Record<string, unknown> {
  if (r.status >= 200 && r.status < 300) return r.body;
  const message = typeof r.body.message === 'string' ? r.body.message : `HTTP ${r.status}`;
  throw new CliError(`${what}: ${message}`);
}
