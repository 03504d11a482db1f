/**
 * Streams a registry watch as the apiserver does: HTTP 200, then one JSON WatchEvent per line
 * (`{"type":"ADDED","object":{...}}`). An error after the stream began — a resourceVersion that
 * is too old, a consumer cut off for being too slow — becomes a final ERROR event carrying a
 * Status, which is what client-go and kubectl expect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../meta/index.js';
import { ApiError, errors, type EventStream, type ResourceType } from '../registry/index.js';
import { tableRow, columnDefinitions, type IncludeObject } from './table.js';

/** The longest delay setTimeout keeps: a watch asking for longer ends at it (still beyond any client's wait). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WatchStreamOptions {
  table?: { version: 'v1' | 'v1beta1'; include: IncludeObject };
  /** Close the stream after this many seconds (the client re-watches). */
  timeoutSeconds?: number;
  /** Aborted when the server shuts down: watches end at once so draining need not wait for them. */
  shutdown?: AbortSignal;
}

export async function streamWatch(
  req: IncomingMessage,
  res: ServerResponse,
  t: ResourceType,
  watch: EventStream,
  opts: WatchStreamOptions,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  res.flushHeaders();
  let closed = false;
  const stop = (): void => {
    closed = true;
    watch.close();
  };
  req.on('close', stop);
  res.on('close', stop);
  // A watch admitted just as shutdown began finds the signal already aborted: no event will come.
  if (opts.shutdown?.aborted) stop();
  else opts.shutdown?.addEventListener('abort', stop, { once: true });
  // setTimeout takes at most 2^31-1 ms (~24.8 days); a longer timeout would fire at once.
  const timer = opts.timeoutSeconds ? setTimeout(stop, Math.min(opts.timeoutSeconds * 1000, MAX_TIMER_MS)) : undefined;
  let first = true;

  const render = (object: KubeObject): object => {
    if (!opts.table) return object;
    const apiVersion = `meta.k8s.io/${opts.table.version}`;
    // Only the first event carries the column definitions, as the apiserver sends them.
    const table = {
      kind: 'Table',
      apiVersion,
      metadata: { resourceVersion: object.metadata.resourceVersion ?? '' },
      columnDefinitions: first ? columnDefinitions(t) : null,
      rows: [tableRow(t, object, apiVersion, opts.table.include)],
    };
    first = false;
    return table;
  };
  const write = (type: string, object: object): boolean => res.write(`${JSON.stringify({ type, object })}\n`);

  try {
    for await (const event of watch) {
      if (closed) break;
      const ok = write(event.type, event.type === 'BOOKMARK' ? event.object : render(event.object));
      // Back-pressure: wait for the socket rather than buffering without bound; a consumer that
      // stays behind is cut off by the watch hub and told where to resume.
      if (!ok && !closed) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  } catch (err) {
    if (!closed) {
      const api = err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
      write('ERROR', api.toStatus());
    }
  } finally {
    if (timer) clearTimeout(timer);
    req.off('close', stop);
    opts.shutdown?.removeEventListener('abort', stop);
    watch.close();
    if (!res.writableEnded) res.end();
  }
}
