/**
 * The GraphQL transport: a paged list query over HTTP and a graphql-ws subscription on the
 * provider view's all-consumers endpoint (`/services/apiexport/<cluster>/<export>/graphql`).
 * GraphQL returns only the fields asked for, so the caller gives the object's selection set (it
 * must include `metadata { name namespace resourceVersion annotations }`; the SDK adds nothing).
 * Field names follow schema/README.md: group `widgets.example.dev` → `widgets_example_dev`, list
 * field `Widgets`, subscription `widgets_example_dev_v1_widgets`.
 *
 * Subscriptions carry no bookmarks, so after a long quiet spell a resume may meet EXPIRED and
 * relist; a subscriber cut off as TOO_SLOW resumes from its last revision.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiStatusError } from './errors.js';
import type { HttpClient } from './http.js';
import type { ListResult, Transport } from './transport.js';
import type { KubeObject, ResourceRef, ViewRef, WatchEvent } from './types.js';

export interface GraphQLTransportOptions {
  resource: ResourceRef;
  /** The kind, as the GraphQL type and list field are named from it: `Widget`. */
  kind: string;
  /** The object's selection set, without the outer braces. */
  selection: string;
  /** Items per list page (default 500). */
  pageSize?: number;
}

interface GqlError {
  message: string;
  extensions?: { code?: string; resourceVersion?: string };
}

/** schema/README.md: `.` and `-` become `_`, a leading digit gets a `_`. */
const groupField = (group: string): string => group.replace(/[.-]/g, '_').replace(/^(\d)/, '_$1');

/** The list field: the kind with the plural's ending, else kind + `List`. */
function listField(kind: string, plural: string): string {
  const lower = kind.toLowerCase();
  return plural.startsWith(lower) && plural !== lower ? kind + plural.slice(kind.length) : `${kind}List`;
}

/** An error of a GraphQL reply as the SDK's ApiStatusError (EXPIRED is 410, so the informer relists). */
function gqlError(errors: readonly GqlError[]): ApiStatusError {
  const e = errors[0] ?? { message: 'GraphQL error' };
  const code = e.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  const http = code === 'EXPIRED' ? 410 : code === 'TOO_SLOW' ? 429 : code === 'FORBIDDEN' ? 403 : code === 'UNAUTHENTICATED' ? 401 : 500;
  return new ApiStatusError(http, code === 'EXPIRED' ? 'Expired' : code, errors.map((x) => x.message).join('; '), { errors });
}

export class GraphQLTransport<T extends KubeObject> implements Transport<T> {
  readonly name = 'graphql';
  private readonly endpoint: string;
  private readonly ws: Client;
  private readonly wrap: (inner: string) => string;
  private readonly listPath: string[];
  private readonly subscriptionField: string;

  constructor(
    private readonly http: HttpClient,
    view: ViewRef,
    private readonly options: GraphQLTransportOptions,
  ) {
    this.endpoint = `/services/apiexport/${encodeURIComponent(view.exportCluster)}/${encodeURIComponent(view.exportName)}/graphql`;
    const r = options.resource;
    const list = listField(options.kind, r.resource);
    const prefix = r.group ? [groupField(r.group), r.version] : [r.version];
    this.listPath = [...prefix, list];
    this.wrap = (inner) => prefix.reduceRight((body, f) => `${f} { ${body} }`, inner);
    this.subscriptionField = `${prefix.join('_')}_${r.resource.toLowerCase()}`;
    const { ca, clientCertificate, clientKey, insecureSkipTlsVerify } = http.connection;
    // graphql-ws makes the socket itself; this class gives it the kubeconfig's TLS material.
    class TlsWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ...(ca ? { ca } : {}), ...(clientCertificate ? { cert: clientCertificate, key: clientKey } : {}), rejectUnauthorized: !insecureSkipTlsVerify });
      }
    }
    this.ws = createClient({
      url: `${http.origin.replace(/^http/, 'ws')}${this.endpoint}`,
      webSocketImpl: TlsWebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: http.token ? { authorization: `Bearer ${http.token}` } : {},
    });
  }

  async list(signal: AbortSignal): Promise<ListResult<T>> {
    const items: T[] = [];
    let token: string | null = null;
    let resourceVersion = '';
    const field = this.listPath[this.listPath.length - 1] as string;
    const query = `query($limit: Int, $continue: String) { ${this.wrap(`${field}(limit: $limit, continue: $continue) { items { ${this.options.selection} } resourceVersion continue }`)} }`;
    do {
      const reply = await this.http
        .json<{ data?: Record<string, unknown>; errors?: GqlError[] }>('POST', this.endpoint, { body: { query, variables: { limit: this.options.pageSize ?? 500, continue: token } }, signal })
        .catch((err: unknown) => {
          const errors = err instanceof ApiStatusError ? (err.status?.errors as GqlError[] | undefined) : undefined;
          throw errors ? gqlError(errors) : err;
        });
      if (reply.errors?.length) throw gqlError(reply.errors);
      let page: unknown = reply.data;
      for (const f of this.listPath) page = (page as Record<string, unknown> | undefined)?.[f];
      const p = page as { items: T[]; resourceVersion: string; continue: string | null };
      items.push(...p.items);
      resourceVersion ||= p.resourceVersion;
      token = p.continue;
    } while (token);
    return { items, resourceVersion };
  }

  async *watch(resourceVersion: string, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const query = `subscription($rv: String) { ${this.subscriptionField}(resourceVersion: $rv) { type object { ${this.options.selection} } } }`;
    const events = this.ws.iterate<Record<string, WatchEvent<T>>>({ query, variables: { rv: resourceVersion } });
    const onAbort = (): void => void events.return?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const result of events) {
        if (result.errors?.length) throw gqlError(result.errors as GqlError[]);
        const e = result.data?.[this.subscriptionField];
        if (e) yield e;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await events.return?.();
    }
  }

  close(): void {
    void this.ws.dispose();
  }
}
