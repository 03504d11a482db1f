/**
 * Puts the example in place on a server, idempotently: the provider workspace with the Widget
 * schema and export, consumer workspaces that bind it, and a widget in each.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ApiStatusError, type HttpClient } from '../../src/sdk/index.js';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const TENANCY = 'apis/tenancy.kcp.io/v1alpha1/workspaces';
const FIELD_MANAGER = 'widgets-example';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until it returns a value (default 60 s). */
async function until<V>(what: string, read: () => Promise<V | undefined>, timeoutMs = 60_000): Promise<V> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
}

/** Creates `parent:name` unless it exists; waits until it is Ready; returns its logical cluster name. */
export async function ensureWorkspace(http: HttpClient, parent: string, name: string): Promise<string> {
  try {
    await http.json('POST', `/clusters/${parent}/${TENANCY}`, { body: { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name } } });
  } catch (err) {
    if (!(err instanceof ApiStatusError && err.code === 409)) throw err;
  }
  return until(`workspace ${parent}:${name}`, async () => {
    const ws = await http.json<Obj>('GET', `/clusters/${parent}/${TENANCY}/${name}`);
    return ws.status?.phase === 'Ready' && typeof ws.spec?.cluster === 'string' ? ws.spec.cluster : undefined;
  });
}

/** Server-side apply of one object at `collection` (its REST collection path). */
async function apply(http: HttpClient, collection: string, o: Obj): Promise<void> {
  await http.json('PATCH', `${collection}/${o.metadata.name}?fieldManager=${FIELD_MANAGER}&force=true`, { body: o, contentType: 'application/apply-patch+yaml' });
}

const yamlFile = (f: string): Obj => parse(fs.readFileSync(here(f), 'utf8')) as Obj;

/** The provider workspace with the schema and export; returns its logical cluster name once the export has an identity. */
export async function publishExport(http: HttpClient, provider: string): Promise<string> {
  const [parent, name] = splitPath(provider);
  const cluster = await ensureWorkspace(http, parent, name);
  await apply(http, `/clusters/${provider}/apis/apis.kcp.io/v1alpha1/apiresourceschemas`, yamlFile('apiresourceschema.yaml'));
  await apply(http, `/clusters/${provider}/apis/apis.kcp.io/v1alpha2/apiexports`, yamlFile('apiexport.yaml'));
  await until('the export’s identity', async () => (await http.json<Obj>('GET', `/clusters/${provider}/apis/apis.kcp.io/v1alpha2/apiexports/widgets`)).status?.identityHash);
  return cluster;
}

/** A consumer workspace that binds the export; returns its logical cluster name once the binding is Bound. */
export async function bindConsumer(http: HttpClient, consumer: string, provider: string): Promise<string> {
  const [parent, name] = splitPath(consumer);
  const cluster = await ensureWorkspace(http, parent, name);
  const bindings = `/clusters/${consumer}/apis/apis.kcp.io/v1alpha2/apibindings`;
  await apply(http, bindings, { apiVersion: 'apis.kcp.io/v1alpha2', kind: 'APIBinding', metadata: { name: 'widgets' }, spec: { reference: { export: { path: provider, name: 'widgets' } } } });
  await until(`${consumer}'s binding`, async () => ((await http.json<Obj>('GET', `${bindings}/widgets`)).status?.phase === 'Bound' ? true : undefined));
  return cluster;
}

/** Creates or updates a widget in a consumer (by workspace path). */
export async function putWidget(http: HttpClient, consumer: string, name: string, spec: Record<string, unknown>, namespace = 'default'): Promise<void> {
  await apply(http, `/clusters/${consumer}/apis/widgets.example.dev/v1/namespaces/${namespace}/widgets`, { apiVersion: 'widgets.example.dev/v1', kind: 'Widget', metadata: { name }, spec });
}

function splitPath(path: string): [string, string] {
  const i = path.lastIndexOf(':');
  if (i <= 0) throw new Error(`${path}: a workspace path below root, e.g. root:widgets-provider`);
  return [path.slice(0, i), path.slice(i + 1)];
}
