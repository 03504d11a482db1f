/**
 * Watches as GraphQL subscriptions. GraphQL allows subscription fields only on the root type, so
 * each resource gets two root fields named after its query path, lower-cased: one object
 * (`v1_configmap(name, namespace)`) and a list (`v1_configmaps(namespace, labelSelector, …)`,
 * `rbac_authorization_k8s_io_v1_roles`). Each yields `{ type, object }` events from the shared
 * registry watch, so semantics are REST's: without `resourceVersion` the current objects come
 * first as ADDED, then changes; with one, changes after it (EXPIRED when it is too old). A watch
 * error ends the subscription with one last payload carrying the error's code.
 *
 * `onlyOnSelectedChange: true` drops MODIFIED events that change nothing the subscription selected
 * (kubernetes-graphql-gateway's default; Atoll's is every event, as a REST watch sends). The
 * source remembers, per subscription, the last object it saw of each name and hands it with the
 * next MODIFIED as `previous`; the execution layer (shared-events.ts) executes both and compares.
 */
import type { ObjectRef } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { KubeObject } from '../meta/index.js';
import type { RegistryWatchEvent, ResourceType, WatchQuery } from '../registry/index.js';
import { pollable, type Closable, type Pollable } from '../storage/index.js';
import type { Builder, Obj, Types } from './builder.js';
import { selectedName } from '../auth/index.js';
import { authorize, requestContext, type GraphQLContext } from './context.js';
import { toGraphQLError, waitingOutPending } from './errors.js';
import { readGuard } from './field-guards.js';
import type { ResourceFields, SchemaLayout } from './layout.js';
import type { NameTable } from './name-table.js';
import type { OpenApiTypes, OutputRef } from './openapi-types.js';
import { COMPARES_PREVIOUS, type WatchPayload } from './shared-events.js';
import { kindIdentity } from './type-plan.js';

/** What a subscription's source yields: a watch event, or the error that ended the watch. */
type Delivery = WatchPayload | { error: unknown };

const EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const;

export function addSubscriptionFields(builder: Builder, layout: SchemaLayout, types: OpenApiTypes, names: NameTable): void {
  const eventType = builder.enumType(names.claim('enum:WatchEventType', 'WatchEventType'), {
    description: 'What happened to the object: ADDED, MODIFIED, DELETED, or BOOKMARK (only a resourceVersion to resume from).',
    values: EVENT_TYPES,
  });
  const fields: [string, (t: SubscriptionFields) => ReturnType<SubscriptionFields['field']>][] = [];
  for (const g of layout.groups) {
    for (const v of g.versions) {
      const prefix = g.fieldName === undefined ? v.fieldName : `${g.fieldName}_${v.fieldName}`;
      for (const r of v.resources) {
        const event = eventObject(builder, r.type, types.kindObject(r.type), eventType, names);
        fields.push([`${prefix}_${r.singular.toLowerCase()}`, (t) => watchField(t, r, event, true)]);
        fields.push([`${prefix}_${r.plural.toLowerCase()}`, (t) => watchField(t, r, event, false)]);
      }
    }
  }
  builder.subscriptionType({ fields: (t) => Object.fromEntries(fields.map(([name, make]) => [name, make(t)])) });
}

type SubscriptionFields = PothosSchemaTypes.SubscriptionFieldBuilder<Types, object>;
type EventRef = ObjectRef<Types, RegistryWatchEvent>;

function eventObject(builder: Builder, t: ResourceType, object: OutputRef, eventType: ReturnType<Builder['enumType']>, names: NameTable): EventRef {
  const kindName = names.nameOf(kindIdentity(t)) ?? t.kind;
  return builder.objectRef<RegistryWatchEvent>(names.claim(`event:${t.group}/${t.version}/${t.kind}`, `${kindName}Event`)).implement({
    description: `A change to a ${t.kind}.`,
    fields: (f) => ({
      type: f.field({ type: eventType, nullable: false, resolve: eventTypeOf }),
      object: f.field({ type: object, nullable: false, resolve: eventObjectOf }),
    }),
  });
}

// Resolvers defined at module level: made inside eventObject they would keep its scope (the
// object type's ref, and through it the whole build) alive with the schema.
const eventTypeOf = (e: RegistryWatchEvent): RegistryWatchEvent['type'] => e.type;
const eventObjectOf = (e: RegistryWatchEvent): Obj => e.object as Obj;

function watchField(t: SubscriptionFields, r: ResourceFields, event: EventRef, single: boolean) {
  const rt = r.type;
  const resourceVersion = t.arg.string({ description: 'Resume after this resourceVersion; omit it to get the current objects first, as ADDED.' });
  const onlyOnSelectedChange = t.arg.boolean({
    description:
      'Send a MODIFIED event only when a field this subscription selects changed (compared with the object of that name before the change). Default false: every event, as a Kubernetes watch sends them.',
  });
  const args = single
    ? {
        name: t.arg.string({ required: true }),
        ...(rt.namespaced ? { namespace: t.arg.string({ required: true }) } : {}),
        resourceVersion,
        onlyOnSelectedChange,
      }
    : {
        ...(rt.namespaced ? { namespace: t.arg.string({ description: 'Omit it to watch every namespace.' }) } : {}),
        labelSelector: t.arg.string(),
        fieldSelector: t.arg.string(),
        resourceVersion,
        onlyOnSelectedChange,
      };
  return t.field({
    type: event,
    description: single ? `Changes to one ${rt.kind}.` : `Changes to ${rt.kind} objects matching the selectors.`,
    extensions: readGuard(rt),
    args,
    subscribe: (_root, a, ctx) => {
      const arg = (k: string): string | undefined => {
        const value = (a as Record<string, unknown>)[k];
        return typeof value === 'string' ? value : undefined;
      };
      const query: WatchQuery = {};
      const namespace = arg('namespace');
      if (namespace !== undefined) query.namespace = namespace;
      const rv = arg('resourceVersion');
      if (rv !== undefined) query.resourceVersion = rv;
      const labelSelector = arg('labelSelector');
      if (labelSelector !== undefined) query.labelSelector = labelSelector;
      const name = arg('name');
      const fieldSelector = name !== undefined ? `metadata.name=${name}` : arg('fieldSelector');
      if (fieldSelector !== undefined) query.fieldSelector = fieldSelector;
      const changesOnly = (a as Record<string, unknown>).onlyOnSelectedChange === true;
      return deliveries(ctx, rt, query, changesOnly) as unknown as AsyncIterable<RegistryWatchEvent>;
    },
    resolve: (delivery) => {
      const d = delivery as Delivery;
      if ('error' in d) throw toGraphQLError(d.error);
      return d;
    },
  });
}

/**
 * The registry watch as a subscription source that ends with its error instead of throwing it.
 * A subscription is authorized as a `watch` and, when it starts with the current objects (no
 * resourceVersion), also as the `list` those are; a single-object subscription as that name.
 * It ends with UNAUTHENTICATED when the credentials that started it are revoked.
 *
 * The client ending it (graphql-ws `complete`, an SSE disconnect) closes the watch at once: an
 * async generator waiting for the next event would take its `return()` only at that event, and
 * until then keep the watch (and the credentials' tracking) open. It is read by `next()` or, for
 * graphql-ws' fan-out, polled (Pollable, ws-fanout.ts); `next()` is polling with a wait.
 */
function deliveries(ctx: GraphQLContext, t: ResourceType, query: WatchQuery, changesOnly: boolean): WatchDeliveries {
  const source = new WatchDeliveries(changesOnly ? new Map() : undefined);
  void source.open(ctx, t, query);
  return source;
}

const DONE: IteratorResult<Delivery> = Object.freeze({ value: undefined, done: true });

export class WatchDeliveries implements AsyncIterableIterator<Delivery>, Pollable<Delivery> {
  private watch: (Closable<RegistryWatchEvent> & Pollable<RegistryWatchEvent>) | undefined;
  /** The last delivery, an error, when the watch ended with one. */
  private last: Delivery | undefined;
  /** The client is gone, or the last delivery was taken. */
  private ended = false;
  private revoked = false;
  private untrack: (() => void) | undefined;
  private listener: (() => void) | undefined;
  /** A pending next()'s wake-up. */
  private wake: (() => void) | undefined;
  declare readonly [COMPARES_PREVIOUS]?: true;

  constructor(private readonly sent: Map<string, KubeObject> | undefined) {
    if (sent) this[COMPARES_PREVIOUS] = true;
  }

  async open(ctx: GraphQLContext, t: ResourceType, query: WatchQuery): Promise<void> {
    const where = { namespace: query.namespace, name: selectedName(query.fieldSelector) };
    let watch: Closable<RegistryWatchEvent> & Pollable<RegistryWatchEvent>;
    try {
      watch = await waitingOutPending(async () => {
        if (query.resourceVersion === undefined) authorize(ctx, t, { verb: 'list', ...where });
        return pollable(await ctx.registry.watch(requestContext(ctx, t, { verb: 'watch', ...where }), t, query));
      });
    } catch (error) {
      // Refused at the start (forbidden, bad selector, too old a resourceVersion): one payload with the error.
      if (!this.ended) this.last = { error };
      this.ready();
      return;
    }
    if (this.ended) {
      watch.close();
      return;
    }
    this.watch = watch;
    this.untrack = ctx.trackCredentials?.(() => {
      this.revoked = true;
      watch.close();
      this.ready();
    });
    watch.onReady(() => this.ready());
    this.ready();
  }

  private ready(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    this.listener?.();
  }

  onReady(listener: () => void): void {
    this.listener = listener;
  }

  poll(): IteratorResult<Delivery> | undefined {
    const last = this.last;
    if (last) {
      this.last = undefined;
      this.end();
      return { value: last, done: false };
    }
    if (this.ended) return DONE;
    const watch = this.watch;
    if (!watch) return undefined;
    let r: IteratorResult<RegistryWatchEvent> | undefined;
    try {
      r = watch.poll();
    } catch (error) {
      return this.endWith({ error });
    }
    if (this.revoked) return this.endWith({ error: revokedError() });
    if (!r) return undefined;
    if (r.done) {
      this.end();
      return DONE;
    }
    return { value: this.sent ? withPrevious(this.sent, r.value) : r.value, done: false };
  }

  async next(): Promise<IteratorResult<Delivery>> {
    for (;;) {
      const r = this.poll();
      if (r) return r;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  return(): Promise<IteratorResult<Delivery>> {
    this.last = undefined;
    this.end();
    this.ready();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private endWith(last: Delivery): IteratorResult<Delivery> {
    this.end();
    return { value: last, done: false };
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.untrack?.();
    this.watch?.close();
  }
}

/**
 * The event with the last object of its name this subscription saw, for a MODIFIED (whether or not
 * that one was sent: it selected what the one sent before it did). Holds a reference per object
 * the subscription sees (the hub hands every watcher the same object, so no copies), and forgets
 * an object when it is DELETED. A MODIFIED of an object not seen before (a subscription
 * resumed from a resourceVersion) has none, and is sent.
 */
function withPrevious(sent: Map<string, KubeObject>, e: RegistryWatchEvent): WatchPayload {
  if (e.type === 'BOOKMARK') return e;
  const key = `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`;
  if (e.type === 'DELETED') {
    sent.delete(key);
    return e;
  }
  const previous = sent.get(key);
  sent.set(key, e.object);
  return e.type === 'MODIFIED' && previous ? { ...e, previous } : e;
}

function revokedError(): GraphQLError {
  return new GraphQLError('Unauthorized: the credentials this subscription was started with were revoked or are no longer valid', {
    extensions: { code: 'UNAUTHENTICATED', status: 401 },
  });
}

