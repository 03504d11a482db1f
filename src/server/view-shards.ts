/**
 * A provider's view across the shards of an installation (docs/shards.md): the export's shard
 * answers a list or watch over every consumer with its own and each other shard's, read from the
 * same view path there (`/services/apiexport/<export cluster>/<export>/clusters/*`) with the
 * shards' token. A shard asked by another shard answers with its own consumers only — that is
 * what the request from a shard is for, and it keeps the merge one level deep. A single
 * consumer's request is sent on to the shard holding the consumer (src/kube/virtual.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DELEGATION_HEADER, delegationHeader, type Delegation, type ShardForwarder, type ViewAddress, type ViewShards } from '../apiexports/index.js';
import { SHARD_USER, type AuthUser } from '../auth/index.js';
import type { KubeObject } from '../meta/index.js';
import { forward, forwardUpgrade, refuseUpgradeSocket, sendUnavailable, type ForwardTarget, type Upstream } from '../proxy/index.js';
import { ApiError, eventStream, type EventStream, type ListQuery, type RegistryWatchEvent, type ResourceType, type ShardList, type ShardReads, type StatusReason, type WatchQuery } from '../registry/index.js';
import { agentFor, ApiStatusError, resourcePath, viewPath, type HttpClient } from '../sdk/index.js';
import type { ShardPeers } from './shard-peers.js';

export class PeerViewShards implements ViewShards, ShardForwarder {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(private readonly peers: ShardPeers) {}

  reads(address: ViewAddress, user: AuthUser | undefined): ShardReads | undefined {
    if (user?.name === SHARD_USER.name) return undefined;
    const others = this.peers.otherShards();
    if (others.length === 0) return undefined;
    const base = viewPath(address, '*');
    const http = (shard: string): HttpClient => this.peers.http(shard);
    return {
      self: this.peers.self,
      others,
      list: async (shard, t, q) => {
        type Body = { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
        let body: Body;
        try {
          body = await http(shard).json<Body>('GET', `${base}${pathOf(t, q)}?${params(q)}`);
        } catch (err) {
          throw asApiError(shard, err);
        }
        const meta = body.metadata ?? {};
        return { items: body.items ?? [], resourceVersion: meta.resourceVersion ?? '', ...(meta.continue ? { continue: meta.continue } : {}) } satisfies ShardList;
      },
      watch: async (shard, t, q) => {
        try {
          return remoteWatch(shard, http(shard), `${base}${pathOf(t, q)}?${params(q, true)}`);
        } catch (err) {
          throw asApiError(shard, err);
        }
      },
    };
  }

  holder(cluster: string): string | undefined {
    return this.peers.holderOf(cluster);
  }

  forward(shard: string, req: IncomingMessage, res: ServerResponse, path: string, delegation: Delegation): void {
    forward(req, res, this.target(shard, path, delegation, (why) => sendUnavailable(res, why)));
  }

  forwardUpgrade(shard: string, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, delegation: Delegation): void {
    forwardUpgrade(req, socket, head, this.target(shard, path, delegation, (why) => refuseUpgradeSocket(socket, 503, 'ServiceUnavailable', why)));
  }

  /** `path` at `shard`, sent with the delegation; `refuse` tells the client why the shard cannot be reached. */
  private target(shard: string, path: string, delegation: Delegation, refuse: (why: string) => void): ForwardTarget {
    return {
      upstream: this.upstream(shard),
      path,
      unavailable: (err) => refuse(`the shard "${shard}" holding this consumer cannot be reached: ${err.message}`),
      set: { [DELEGATION_HEADER]: delegationHeader(delegation) },
    };
  }

  /** The shard as forwarding dials it: its own address and the shards' token instead of the client's credentials. */
  private upstream(shard: string): Upstream {
    const http = this.peers.http(shard);
    const known = this.upstreams.get(shard);
    if (known && known.origin === http.origin) return known;
    const upstream: Upstream = { origin: http.origin, agent: agentFor(http.connection), ...(http.token ? { bearer: http.token } : {}) };
    this.upstreams.set(shard, upstream);
    return upstream;
  }
}

/** The API path of `t` below the view, in the query's namespace. */
function pathOf(t: ResourceType, q: ListQuery): string {
  return resourcePath({ group: t.group, version: t.version, resource: t.resource, namespaced: t.namespaced }, q.namespace);
}

function params(q: ListQuery & WatchQuery, watch = false): URLSearchParams {
  const p = new URLSearchParams();
  if (watch) p.set('watch', '1');
  if (q.labelSelector) p.set('labelSelector', q.labelSelector);
  if (q.fieldSelector) p.set('fieldSelector', q.fieldSelector);
  if (q.limit) p.set('limit', String(q.limit));
  if (q.continue) p.set('continue', q.continue);
  if (q.resourceVersion !== undefined) p.set('resourceVersion', q.resourceVersion);
  if (q.resourceVersionMatch) p.set('resourceVersionMatch', q.resourceVersionMatch);
  if (q.allowWatchBookmarks) p.set('allowWatchBookmarks', 'true');
  return p;
}

/** What another shard answered, as this shard's ApiError; a shard that cannot be reached is a 503. */
function asApiError(shard: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ApiStatusError) return new ApiError(err.reason as StatusReason, `shard "${shard}": ${err.message}`);
  return new ApiError('ServiceUnavailable', `shard "${shard}" cannot be reached: ${(err as Error).message}`);
}

/** Another shard's watch as an EventStream; a refusal (410, 403) comes as the stream's failure. */
function remoteWatch(shard: string, http: HttpClient, path: string): EventStream {
  const abort = new AbortController();
  const events = async function* (): AsyncGenerator<RegistryWatchEvent> {
    for await (const line of http.lines(path, abort.signal)) {
      const e = JSON.parse(line) as { type: string; object: KubeObject & { reason?: string; message?: string } };
      if (e.type === 'ERROR') throw new ApiError((e.object.reason ?? 'InternalError') as StatusReason, `shard "${shard}": ${e.object.message ?? 'the watch failed'}`);
      yield e as RegistryWatchEvent;
    }
  };
  return eventStream(events(), () => abort.abort(), (err) => asApiError(shard, err));
}
