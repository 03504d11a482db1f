/**
 * The MongoDB store is observed as the embedded one is: each group commit is announced on the
 * commit channel (the /metrics histograms subscribe to it) with its size and duration, and each
 * operation runs in a `storage.*` span, the child of the caller's (OpenTelemetry SDK, in memory).
 */
import diagnostics from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_CHANNEL, type CommitMessage } from '../../src/storage/index.js';
import { MongoStore } from '../../src/storage/mongodb/index.js';
import { ferretdbUnavailable, startFerretDB, type FerretDB } from '../support/ferretdb.js';
import { key, obj } from './contract.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let server: FerretDB | undefined;

describe.skipIf(ferretdbUnavailable !== undefined)(`MongoDB backend: metrics and tracing${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    server = await startFerretDB();
  }, 600_000);
  afterAll(async () => {
    await server?.dispose();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('announces each group commit with its size and duration, and traces each operation under its caller', async () => {
    const store = await MongoStore.open({ url: (server as FerretDB).url('observed') });
    const commits: CommitMessage[] = [];
    const listener = (message: unknown): void => void commits.push(message as CommitMessage);
    diagnostics.subscribe(COMMIT_CHANNEL, listener);
    try {
      exporter.reset();
      await trace.getTracer('test').startActiveSpan('caller', async (caller) => {
        await Promise.all(['a', 'b', 'c'].map((n) => store.create(key(n), obj(n))));
        await store.update(key('a'), obj('a', undefined, { v: '2' }));
        await store.get(key('a'));
        await store.list({ cluster: 'c1', resource: 'configmaps' });
        await store.delete(key('b'));
        caller.end();
      });
      expect(commits.map((c) => c.writes)).toEqual([3, 1, 1]);
      for (const c of commits) expect(c.seconds).toBeGreaterThan(0);

      const spans = exporter.getFinishedSpans();
      const caller = spans.find((s) => s.name === 'caller');
      const names = spans.filter((s) => s.parentSpanContext?.spanId === caller?.spanContext().spanId).map((s) => s.name);
      expect(names.sort()).toEqual(['storage.create', 'storage.create', 'storage.create', 'storage.delete', 'storage.get', 'storage.list', 'storage.update']);
      expect(spans.find((s) => s.name === 'storage.update')?.attributes).toMatchObject({ 'atoll.cluster': 'c1', 'atoll.resource': 'configmaps' });
    } finally {
      diagnostics.unsubscribe(COMMIT_CHANNEL, listener);
      await store.close();
    }
  });
});
