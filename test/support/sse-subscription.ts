/**
 * A GraphQL subscription over SSE against a test server, collected until `controller` aborts:
 * each `data:` event's payload whole (`ssePayloads`), or what its first root field carried
 * (`sseSubscription`), in arrival order.
 */
type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface SseOptions<T> {
  /** A fetch that trusts the server's CA (default: the global fetch). */
  fetchImpl?: Fetch;
  /** What is kept of each payload (default: the payload). */
  map?: (payload: unknown) => T;
}

export function ssePayloads<T = unknown>(url: string, headers: Record<string, string>, query: string, controller: AbortController, options: SseOptions<T> = {}): T[] {
  const got: T[] = [];
  const map = options.map ?? ((p: unknown) => p as T);
  void (async () => {
    const res = await (options.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const data = text.slice(0, end).split('\n').find((l) => l.startsWith('data:'));
        text = text.slice(end + 2);
        if (data && data.length > 5) got.push(map(JSON.parse(data.slice(5))));
      }
    }
  })().catch(() => undefined);
  return got;
}

export function sseSubscription<T>(url: string, headers: Record<string, string>, query: string, controller: AbortController): T[] {
  return ssePayloads(url, headers, query, controller, { map: (p) => Object.values((p as { data?: Record<string, T> | null }).data ?? {})[0] as T });
}
