/**
 * A GraphQL subscription over SSE against a test server: what each `data:` event's first root
 * field carried, in arrival order, collected until `controller` aborts.
 */
export function sseSubscription<T>(url: string, headers: Record<string, string>, query: string, controller: AbortController): T[] {
  const got: T[] = [];
  void (async () => {
    const res = await fetch(url, {
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
        if (data && data.length > 5) got.push(Object.values((JSON.parse(data.slice(5)) as { data?: Record<string, T> | null }).data ?? {})[0] as T);
      }
    }
  })().catch(() => undefined);
  return got;
}
