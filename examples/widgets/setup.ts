/**
 * Puts the example in place on a server, idempotently: the provider workspace with the Widget
 * schema and export (converted from schema.graphql by the SDL converter), consumer workspaces that
 * bind it, and a widget in each.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiStatusError, type HttpClient } from '../../src/sdk/index.js';
import { sdlToKinds, toExportDocuments, type ExportDocuments } from '../../src/sdl/index.js';

/** The example's SDL; a compiled copy of this module (dist/examples/…) reads it from the sources. */
export const SCHEMA_FILE = fileURLToPath(new URL('schema.graphql', import.meta.url)).replace(`${path.sep}dist${path.sep}examples${path.sep}`, `${path.sep}examples${path.sep}`);
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

/** The APIResourceSchema(s) and the APIExport `widgets` the SDL converter makes of schema.graphql. */
export function exportDocuments(file = SCHEMA_FILE): ExportDocuments {
  return toExportDocuments(sdlToKinds([{ name: file, body: fs.readFileSync(file, 'utf8') }]), 'widgets');
}

/** The provider workspace with the schema and export; returns its logical cluster name once the export has an identity. */
export async function publishExport(http: HttpClient, provider: string): Promise<string> {
  const [parent, name] = splitPath(provider);
  const cluster = await ensureWorkspace(http, parent, name);
  const docs = exportDocuments();
  for (const schema of docs.schemas) await apply(http, `/clusters/${provider}/apis/apis.kcp.io/v1alpha1/apiresourceschemas`, schema as Obj);
  await apply(http, `/clusters/${provider}/apis/apis.kcp.io/v1alpha2/apiexports`, docs.export as Obj);
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

function splitPath(workspace: string): [string, string] {
  const i = workspace.lastIndexOf(':');
  if (i <= 0) throw new Error(`${workspace}: a workspace path below root, e.g. root:widgets-provider`);
  return [workspace.slice(0, i), workspace.slice(i + 1)];
}
