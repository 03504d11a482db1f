/**
 * The REST transport: a paged list and a watch across every consumer through the provider's view
 * (`/services/apiexport/<cluster>/<export>/clusters/<star>/…?watch=1&allowWatchBookmarks=true`, `<star>` being `*`).
 * Bookmarks move the resume point forward while nothing changes, so a reconnect after a quiet hour
 * does not ask for history the server has compacted. Without a view it lists and watches the
 * server's own wildcard (`/clusters/<star>/…`, privileged), as the front proxy does on each shard.
 */
import { statusError } from './errors.js';
import type { HttpClient } from './http.js';
import type { ListResult, Transport } from './transport.js';
import { resourcePath, viewPath, type KubeObject, type ResourceRef, type ViewRef, type WatchEvent } from './types.js';

export interface RestTransportOptions {
  /** Items per list page (default 500). */
  pageSize?: number;
  labelSelector?: string;
}

interface ListBody<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export class RestTransport<T extends KubeObject> implements Transport<T> {
  readonly name = 'rest';
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    view: ViewRef | undefined,
    resource: ResourceRef,
    private readonly options: RestTransportOptions = {},
  ) {
    this.base = `${view ? viewPath(view, '*') : '/clusters/*'}${resourcePath({ ...resource, namespaced: false })}`;
  }

  async list(signal: AbortSignal): Promise<ListResult<T>> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const q = new URLSearchParams({ limit: String(this.options.pageSize ?? 500) });
      if (token) q.set('continue', token);
      if (this.options.labelSelector) q.set('labelSelector', this.options.labelSelector);
      const page = await this.http.json<ListBody<T>>('GET', `${this.base}?${q}`, { signal });
      items.push(...(page.items ?? []));
      // Every page of a paged list shows the first page's revision.
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      token = page.metadata?.continue || undefined;
    } while (token);
    return { items, resourceVersion };
  }

  async *watch(resourceVersion: string, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion });
    if (this.options.labelSelector) q.set('labelSelector', this.options.labelSelector);
    for await (const line of this.http.lines(`${this.base}?${q}`, signal)) {
      const event = JSON.parse(line) as { type: string; object: T & { code?: number } };
      if (event.type === 'ERROR') throw statusError(event.object.code ?? 500, event.object);
      yield event as WatchEvent<T>;
    }
  }

  close(): void {
    // The HTTP client belongs to whoever made it (the controller writes through it too).
  }
}
