/**
 * The Widget example in one command (`npm run example:widgets`, with `npm start` running in
 * another terminal): publishes the export in root:widgets-provider, binds it in two consumers,
 * puts a widget in each, runs the controller (leader-elected on a Lease in the provider
 * workspace), prints what each consumer's frontend query shows, and keeps reconciling until
 * Ctrl-C, which shuts it down gracefully (`--once` exits after printing).
 *
 * Credentials: `$KUBECONFIG`, else the server's `.atoll/admin.kubeconfig`.
 */
import { HttpClient, loadKubeconfig } from '../../src/sdk/index.js';
import { widgetsController } from './controller.js';
import { consumerWidgets, describeWidget } from './frontend.js';
import { bindConsumer, publishExport, putWidget } from './setup.js';

const PROVIDER = 'root:widgets-provider';
const CONSUMERS = ['root:widgets-consumer-a', 'root:widgets-consumer-b'];

const connection = loadKubeconfig({ file: process.env.KUBECONFIG ?? '.atoll/admin.kubeconfig' });
const http = new HttpClient(connection);
const transport = process.argv.includes('--graphql') ? 'graphql' : 'rest';

const exportCluster = await publishExport(http, PROVIDER);
console.log(`export widgets published in ${PROVIDER} (logical cluster ${exportCluster})`);
for (const [i, consumer] of CONSUMERS.entries()) {
  const cluster = await bindConsumer(http, consumer, PROVIDER);
  await putWidget(http, consumer, `widget-${i + 1}`, { size: i + 2, color: i % 2 ? 'blue' : 'red' });
  console.log(`${consumer} (${cluster}) binds the export and holds widget-${i + 1}`);
}

const controller = widgetsController({
  connection,
  exportCluster,
  leaseWorkspace: PROVIDER,
  transport,
  onStatusWritten: (key, w) => console.log(`reconciled ${key.workspace}/${key.namespace}/${key.name} generation ${w.metadata.generation}: ${w.status?.summary}`),
  onError: (err, key) => console.error(`error${key ? ` on ${key.workspace}/${key.namespace}/${key.name}` : ''}: ${(err as Error).message}`),
});
console.log(`controller waiting for the Lease, then watching every consumer over ${transport}`);
await controller.start();

// What each consumer's frontend sees once the controller has caught up.
for (const consumer of CONSUMERS) {
  for (let tries = 0; ; tries++) {
    const widgets = await consumerWidgets(http, consumer);
    if (widgets.every((w) => w.status?.observedGeneration === w.metadata.generation) || tries > 100) {
      for (const w of widgets) console.log(`frontend of ${consumer}: ${describeWidget(w)}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shutdown = async (): Promise<void> => {
  await controller.stop();
  http.close();
  console.log('controller stopped, Lease released');
};
if (process.argv.includes('--once')) {
  await shutdown();
} else {
  console.log('reconciling; edit a widget in a consumer to see it, Ctrl-C to stop');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown());
}
