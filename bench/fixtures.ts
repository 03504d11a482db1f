/**
 * What the suites share: ConfigMap-like objects and their keys, temp data directories under
 * os.tmpdir() that are always removed, credentials for the servers under test, and small async
 * helpers that keep every suite bounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN_FILE, PKI_DIR } from '../src/auth/index.js';
import type { KubeObject } from '../src/meta/index.js';
import type { ObjectKey } from '../src/storage/index.js';

export const RESOURCE = 'configmaps';

export function cmKey(cluster: string, namespace: string, name: string): ObjectKey {
  return { cluster, resource: RESOURCE, namespace, name };
}

/** A small ConfigMap: two labels (`app` takes 10 values, `shard` 4) and two short data entries. */
export function configMap(namespace: string, name: string, i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: `app-${i % 10}`, 'bench.atoll.dev/shard': String(i % 4) },
    },
    data: { index: String(i), greeting: 'hello from the storage benchmarks' },
  };
}

/** The same ConfigMap as a client would POST it: the fixture's labels and data, no server-set fields. */
export function postableConfigMap(namespace: string, name: string, i: number): object {
  const cm = configMap(namespace, name, i);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: cm.metadata.labels }, data: cm.data };
}

/**
 * `Authorization: Bearer <token>`. Also valid as graphql-ws `connectionParams`, which the server
 * reads the same header from.
 */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** The admin's credentials for a server started on `dataDir` (the token it wrote on start, as kubectl finds it). */
export function adminHeaders(dataDir: string): { authorization: string } {
  return bearer(fs.readFileSync(path.join(dataDir, PKI_DIR, ADMIN_TOKEN_FILE), 'utf8').trim());
}

/** Runs `fn` with a fresh directory under os.tmpdir() and removes it afterwards, even on failure. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-bench-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Total size of the regular files directly in `dir` (the database, its WAL and shm). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(dir, entry.name)).size;
  }
  return total;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects if `promise` has not settled within `ms`, so a stuck benchmark ends instead of hanging. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Full garbage collection when node runs with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  globalThis.gc?.();
}

/** Memory after full collections (--expose-gc), with pauses so finalizers and freed buffers settle. */
export async function settledMemory(rounds = 3, pauseMs = 100): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < rounds; i++) {
    collectGarbage();
    await sleep(pauseMs);
  }
  return process.memoryUsage();
}

/** The API group of the benchmarks' exported widgets. */
export const WIDGETS_GROUP = 'widgets.bench.atoll.dev';

/** The APIResourceSchema of the benchmarks' widgets: a `spec.size` integer, namespaced. */
export const widgetsSchema = {
  apiVersion: 'apis.kcp.io/v1alpha1',
  kind: 'APIResourceSchema',
  metadata: { name: `v1.widgets.${WIDGETS_GROUP}` },
  spec: {
    group: WIDGETS_GROUP,
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } }],
  },
};
