/** startControllers: one wildcard watch per controller whatever the number of workspaces. */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { namespaceLifecycle, startControllers, type ControllerLog } from '../../src/controllers/index.js';
import { builtinResourceTypes, configMaps, namespaces, Registry } from '../../src/registry/index.js';
import { EmbeddedStore } from '../../src/storage/index.js';
import { eventually, exists } from './support/fixture.js';

const inner = new EmbeddedStore();
afterEach(async () => {
  await inner.close();
});

describe('startControllers', () => {
  it('takes the server’s pino logger, watches all clusters with two watches, and stops cleanly', async () => {
    const registry = new Registry(inner);
    registry.use(namespaceLifecycle(registry));
    const log: ControllerLog = pino({ enabled: false });
    const running = startControllers({ registry, typesFor: async () => builtinResourceTypes, log });
    await running.synced;
    expect(inner.watcherCount).toBe(2);

    const clusters = Array.from({ length: 30 }, (_, i) => `ws-${i}`);
    for (const cluster of clusters) {
      await registry.create({ cluster }, namespaces, undefined, { metadata: { name: 'app' } });
      await registry.create({ cluster }, configMaps, 'app', { metadata: { name: 'settings' } });
    }
    // Workspaces add no watches (DESIGN decision 5).
    expect(inner.watcherCount).toBe(2);
    await registry.delete({ cluster: 'ws-7' }, namespaces, undefined, 'app');
    await eventually(async () => expect(await exists(() => registry.get({ cluster: 'ws-7' }, namespaces, undefined, 'app'))).toBe(false));
    expect(await exists(() => registry.get({ cluster: 'ws-8' }, configMaps, 'app', 'settings'))).toBe(true);

    await running.stop();
    expect(inner.watcherCount).toBe(0);
  });
});
