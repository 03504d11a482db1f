/**
 * A consumer's frontend query: the widgets of one consumer workspace, with the status the
 * provider's controller wrote, over the workspace's own GraphQL endpoint (the consumer needs
 * nothing of the provider but the binding).
 *
 *   npx tsx examples/widgets/frontend.ts root:widgets-consumer-a
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HttpClient, loadKubeconfig } from '../../src/sdk/index.js';
import type { Widget } from './widget.js';

export const WIDGETS_QUERY = `query Widgets($namespace: String) {
  widgets_example_dev { v1 { Widgets(namespace: $namespace) { items {
    metadata { name generation }
    spec { size color tags }
    status { observedGeneration ready summary }
  } } } }
}`;

interface Reply {
  data?: { widgets_example_dev?: { v1?: { Widgets?: { items: Widget[] } } } };
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The consumer's widgets in `namespace` (default: all), as its frontend reads them. */
export async function consumerWidgets(http: HttpClient, consumer: string, namespace?: string): Promise<Widget[]> {
  const reply = await http.json<Reply>('POST', `/clusters/${consumer}/graphql`, { body: { query: WIDGETS_QUERY, variables: { namespace: namespace ?? null } } });
  if (reply.errors?.length) throw new Error(reply.errors.map((e) => `${e.message} (${e.extensions?.code ?? '?'})`).join('; '));
  return reply.data?.widgets_example_dev?.v1?.Widgets?.items ?? [];
}

export const describeWidget = (w: Widget): string =>
  `${w.metadata.name} (generation ${w.metadata.generation ?? '?'}): ${w.status?.ready ? `ready, ${w.status.summary}` : 'not reconciled yet'}`;

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const consumer = process.argv[2] ?? 'root:widgets-consumer-a';
  const http = new HttpClient(loadKubeconfig({ file: process.env.KUBECONFIG ?? '.atoll/admin.kubeconfig' }));
  try {
    for (const w of await consumerWidgets(http, consumer)) console.log(`${consumer}: ${describeWidget(w)}`);
  } finally {
    http.close();
  }
}
