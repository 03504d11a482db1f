/**
 * Tracing hooks with an OpenTelemetry SDK registered as an operator would (in-memory exporter,
 * AsyncLocalStorage context, W3C propagation): one REST request gives one trace that continues
 * the caller's, server → surface → registry → store, each span the child of the one before.
 */
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

const fx = useServer();

describe('tracing', () => {
  it('traces one request from the server through the surface and the registry to the store, continuing the caller’s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    exporter.reset();
    const res = await fx.fetch(`${fx.base}${CONFIGMAPS('root')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.adminToken}`, 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ metadata: { name: 'traced' } }),
    });
    expect(res.status).toBe(201);
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const named = (name: string): ReadableSpan => {
      const found = spans.find((s) => s.name === name);
      expect(found, `${name} in ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
      return found as ReadableSpan;
    };
    const server = named('HTTP POST');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(server.attributes['http.response.status_code']).toBe(201);
    expect(server.attributes['atoll.request_id']).toBe(res.headers.get('audit-id'));
    const surface = named('kube REST');
    expect(surface.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    const registry = named('registry.create');
    expect(registry.parentSpanContext?.spanId).toBe(surface.spanContext().spanId);
    expect(registry.attributes).toMatchObject({ 'atoll.resource': 'configmaps', 'atoll.group': '' });
    const store = named('storage.create');
    expect(store.parentSpanContext?.spanId).toBe(registry.spanContext().spanId);
  });

  it('records a refused request on its spans', async () => {
    exporter.reset();
    expect((await fx.call('GET', `${CONFIGMAPS('root')}/absent`)).status).toBe(404);
    const registry = exporter.getFinishedSpans().find((s) => s.name === 'registry.get' && s.attributes['atoll.resource'] === 'configmaps');
    expect(registry?.status.code).toBe(2);
    expect(registry?.events.some((e) => e.name === 'exception')).toBe(true);
  });
});
