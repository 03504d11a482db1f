/**
 * A small typed client of Atoll's GraphQL API. Its operations are in operations.graphql;
 * `npm run codegen` (codegen.ts) turns them into typed documents in generated/graphql.ts, and
 * `request` and `subscribe` below take the result and variables types from the document.
 *
 * Run it against a workspace (it creates a ConfigMap in `default`, reads it back, lists and watches
 * it by label, and prints what it saw):
 *
 *   ATOLL_TOKEN=$(cat .atoll/pki/admin.token) NODE_EXTRA_CA_CERTS=.atoll/pki/ca.crt \
 *     npx tsx examples/client/client.ts https://127.0.0.1:6443/clusters/root/graphql [name]
 *
 * Atoll answers requests without credentials with 401: the client sends `ATOLL_TOKEN` as a bearer
 * token, in the Authorization header over HTTP and in connectionParams over graphql-ws.
 *
 * test/graphql/codegen.test.ts compiles it (the `@ts-expect-error` lines must stay errors) and runs
 * it against a real server.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  CreateConfigMapDocument,
  GetConfigMapDocument,
  ListConfigMapsDocument,
  WatchConfigMapsDocument,
  type WatchEventType,
} from './generated/graphql.js';

/** The errors of a GraphQL response, as the server sent them (`extensions.code` says which, see schema/README.md). */
export class GraphQLResponseError extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors.map((e) => (typeof e.extensions?.code === 'string' ? `${e.message} (${e.extensions.code})` : e.message)).join('; '));
    this.name = 'GraphQLResponseError';
  }
}

/** `Authorization: Bearer $ATOLL_TOKEN`, when the variable is set. */
const authorization = process.env.ATOLL_TOKEN ? `Bearer ${process.env.ATOLL_TOKEN}` : undefined;

/** Runs a query or mutation over HTTP (GraphQL over HTTP, POST). */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as FormattedExecutionResult<TResult>;
  if (body.errors?.length) throw new GraphQLResponseError(body.errors);
  if (body.data == null) throw new Error(`${url}: HTTP ${res.status} without data`);
  return body.data;
}

/**
 * Runs a subscription over graphql-ws on the same URL and yields its events; leaving the loop
 * (or `return()`) ends the subscription and closes the socket.
 */
export async function* subscribe<TResult, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): AsyncGenerator<TResult, void, undefined> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(authorization ? { connectionParams: { authorization } } : {}),
  });
  try {
    for await (const result of client.iterate<TResult>({ query: print(document), variables })) {
      if (result.errors?.length) throw new GraphQLResponseError(result.errors);
      if (result.data != null) yield result.data;
    }
  } finally {
    await client.dispose();
  }
}

export interface TourReport {
  created: { name: string; uid: string; resourceVersion: string };
  read: { labels: Record<string, string>; color: string | undefined };
  listed: string[];
  watched: { type: WatchEventType; name: string; data: Record<string, string> };
}

/** Creates ConfigMap `name` in `namespace`, reads it back, lists and watches it by its label. */
export async function tour(url: string, name: string, namespace = 'default'): Promise<TourReport> {
  const selector = `example=${name}`;
  const { createV1ConfigMap: created } = await request(url, CreateConfigMapDocument, {
    namespace,
    object: { metadata: { name, labels: { example: name } }, data: { color: 'blue' } },
    fieldManager: 'codegen-example',
  });
  if (!created?.metadata?.uid || !created.metadata.resourceVersion) throw new Error('createV1ConfigMap returned no metadata');

  const { v1 } = await request(url, GetConfigMapDocument, { name, namespace });
  const read = v1.ConfigMap;
  // StringMap is Record<string, string>:
  const color: string | undefined = read?.data?.color;
  // @ts-expect-error -- ConfigMap data values are strings, not numbers.
  const _asNumber: number | undefined = read?.data?.color;
  // @ts-expect-error -- GetConfigMap does not select `immutable`, so its result has no such field.
  void read?.immutable;
  // @ts-expect-error -- `name` is a required variable of GetConfigMap.
  const _withoutName = () => request(url, GetConfigMapDocument, { namespace });

  const listed = await request(url, ListConfigMapsDocument, { namespace, labelSelector: selector });
  const names = (listed.v1.ConfigMaps?.items ?? []).flatMap((item) => (item.metadata?.name ? [item.metadata.name] : []));

  // Without a resourceVersion the watch starts with the current objects, as ADDED.
  let watched: TourReport['watched'] | undefined;
  for await (const { v1_configmaps: event } of subscribe(url, WatchConfigMapsDocument, { namespace, labelSelector: selector })) {
    if (event?.object.metadata?.name === name) {
      watched = { type: event.type, name, data: event.object.data ?? {} };
      break;
    }
  }
  if (!watched) throw new Error('the subscription ended before it showed the ConfigMap');

  return {
    created: { name, uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion },
    read: { labels: read?.metadata?.labels ?? {}, color },
    listed: names,
    watched,
  };
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  const url = process.argv[2] ?? 'http://127.0.0.1:6443/clusters/root/graphql';
  const name = process.argv[3] ?? `codegen-example-${Date.now().toString(36)}`;
  console.log(JSON.stringify(await tour(url, name), null, 2));
}
