/**
 * A graphql-ws subscription to the ConfigMaps of `default` in one workspace, through whatever is in
 * front (a shard, the front proxy, `npm run cluster`): resolves once `name` was ADDED. `create` is
 * called until the subscription has seen it, since the subscription opens asynchronously.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from './eventually.js';

export interface WsConfigMapWatch {
  /** The workspace's GraphQL endpoint, ws:// or wss://. */
  url: string;
  /** The CA to trust, and a client certificate to present. */
  tls?: { ca?: string | undefined; cert?: string; key?: string };
  /** Sent as connectionParams. */
  authorization?: string | undefined;
  name: string;
  create(): Promise<unknown>;
}

export async function seeConfigMapAddedOverWs(w: WsConfigMapWatch): Promise<void> {
  const client = createClient({
    url: w.url,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ...w.tls });
      }
    },
    retryAttempts: 0,
    ...(w.authorization ? { connectionParams: { authorization: w.authorization } } : {}),
  });
  try {
    const names: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ v1_configmaps: { type: string; object: { metadata: { name: string } } } }>(
        { query: 'subscription { v1_configmaps(namespace: "default") { type object { metadata { name } } } }' },
        {
          next: (r) => {
            const e = r.data?.v1_configmaps;
            if (e?.type === 'ADDED') names.push(e.object.metadata.name);
            if (names.includes(w.name)) {
              stop();
              resolve();
            }
          },
          error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
          complete: () => resolve(),
        },
      );
    });
    await eventually(async () => {
      await w.create();
      if (!names.includes(w.name)) throw new Error(`${w.name} not seen yet`);
    });
    await done;
  } finally {
    await client.dispose();
  }
}
