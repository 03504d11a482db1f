/**
 * OpenTelemetry tracing hooks, off by default: spans go through @opentelemetry/api's global
 * tracer, which does nothing (and costs next to nothing) until the operator registers an SDK —
 * e.g. `node --import ./tracing.mjs dist/src/server/main.js` with a file that starts
 * `@opentelemetry/sdk-node` and an exporter. Each layer opens one span per unit of work, so a
 * request's trace reads server → surface → registry → store (docs/observability.md).
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const TRACER = 'atoll';

/** Runs `fn` in a span named `name` (the active span's child), ended when `fn` settles; errors are recorded. */
export function traced<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs `fn` in a server span for an incoming request, continuing the caller's trace when its
 * headers carry one (W3C `traceparent`, once the operator registers a propagator).
 */
export function tracedRequest<T>(name: string, headers: Record<string, string | string[] | undefined>, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return trace.getTracer(TRACER).startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

/**
 * Wraps the named methods of a class (its prototype) so each call runs in a span
 * `<prefix>.<method>`, with attributes read from the call's arguments: one line under the
 * registry's and the store's classes instead of a span in every method.
 */
export function traceMethods<T extends object>(prototype: T, methods: readonly (keyof T & string)[], prefix: string, attributes?: (...args: never[]) => Attributes): void {
  const describe = attributes as ((...args: unknown[]) => Attributes) | undefined;
  for (const name of methods) {
    const method = prototype[name] as (...args: unknown[]) => Promise<unknown>;
    const wrapped = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      return traced(`${prefix}.${name}`, describe ? describe(...args) : {}, () => method.apply(this, args));
    };
    Object.defineProperty(prototype, name, { value: wrapped, writable: true, configurable: true });
  }
}
