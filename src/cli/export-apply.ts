/**
 * `atoll export apply`: creates the APIResourceSchemas an SDL makes (each named by its content, so
 * unchanged kinds are left alone and changed ones are new schemas, as schemas are immutable) and
 * creates or updates the APIExport to serve them, keeping the export's other fields (permission
 * claims, identity). A change that would break stored objects (see src/sdl/breaking.ts) is
 * refused with the reasons unless forced — but only when some consumer stores objects of the
 * resource, which the export's view (across all consumers) answers with a list of one item.
 */
import { exportSpecOf, schemaSpecOf, sliceStatusOf, type APIExportSpec, type ExportedResource } from '../apiexports/index.js';
import { deepEqual, type KubeObject } from '../meta/index.js';
import { breakingChanges, type ExportDocuments } from '../sdl/index.js';
import { CliError } from './errors.js';
import type { RestClient } from './rest.js';

const SCHEMAS = '/apis/apis.kcp.io/v1alpha1/apiresourceschemas';
const EXPORTS = '/apis/apis.kcp.io/v1alpha2/apiexports';
const SLICES = '/apis/apis.kcp.io/v1alpha1/apiexportendpointslices';

export interface ApplyOptions {
  force: boolean;
  /** Receives one line per object, as kubectl apply prints them. */
  report: (line: string) => void;
}

export async function applyExport(client: RestClient, docs: ExportDocuments, options: ApplyOptions): Promise<void> {
  const name = docs.export.metadata.name as string;
  const current = await client.get(`${EXPORTS}/${name}`);
  if (current) await checkStoredObjects(client, current, docs, options);
  for (const schema of docs.schemas) {
    const existing = await client.get(`${SCHEMAS}/${schema.metadata.name}`);
    if (!existing) {
      await client.create(SCHEMAS, schema);
      options.report(`apiresourceschema.apis.kcp.io/${schema.metadata.name} created`);
    } else if (!deepEqual(schemaSpecOf(existing).versions.map((v) => v.schema), schemaSpecOf(schema).versions.map((v) => v.schema))) {
      throw new CliError(`apiresourceschema ${schema.metadata.name} exists with another schema; delete it or change the SDL`);
    } else {
      options.report(`apiresourceschema.apis.kcp.io/${schema.metadata.name} unchanged`);
    }
  }
  const resources = exportSpecOf(docs.export).resources ?? [];
  if (!current) {
    await client.create(EXPORTS, docs.export);
    options.report(`apiexport.apis.kcp.io/${name} created`);
  } else if (deepEqual(exportSpecOf(current).resources ?? [], resources)) {
    options.report(`apiexport.apis.kcp.io/${name} unchanged`);
  } else {
    const spec: APIExportSpec = { ...exportSpecOf(current), resources };
    await client.update(EXPORTS, { ...current, spec: spec as unknown as Record<string, unknown> });
    options.report(`apiexport.apis.kcp.io/${name} configured`);
  }
}

async function checkStoredObjects(client: RestClient, current: KubeObject, docs: ExportDocuments, options: ApplyOptions): Promise<void> {
  const refusals: string[] = [];
  for (const r of exportSpecOf(current).resources ?? []) {
    const next = docs.schemas.find((s) => schemaSpecOf(s).group === r.group && schemaSpecOf(s).names.plural === r.name);
    if (next?.metadata.name === r.schema) continue;
    const before = await client.get(`${SCHEMAS}/${r.schema}`);
    if (!before) continue;
    const reasons = breakingChanges(schemaSpecOf(before), next ? schemaSpecOf(next) : undefined);
    if (reasons.length === 0) continue;
    const resource = `${r.name}.${r.group}`;
    if (!(await storesObjects(client, current, r, schemaSpecOf(before).versions.find((v) => v.served)?.name))) {
      options.report(`${resource}: no consumer stores objects, so this change breaks nothing: ${reasons.join('; ')}`);
      continue;
    }
    refusals.push(`${resource}: ${reasons.join('; ')}`);
  }
  if (refusals.length === 0) return;
  if (options.force) {
    options.report(`applying with --force, although stored objects may break: ${refusals.join('; ')}`);
    return;
  }
  throw new CliError(`refused, this change would break stored objects (--force applies it anyway): ${refusals.join('; ')}`);
}

/**
 * Whether any consumer stores an object of the resource, through the export's view across all
 * consumers: its endpoint slice (which the server keeps for each export) lists one URL per shard
 * that has consumers, none while nobody binds the export. When the view cannot answer (no slice,
 * no permission), objects are assumed.
 */
async function storesObjects(client: RestClient, exp: KubeObject, r: ExportedResource, version: string | undefined): Promise<boolean> {
  const slice = await client.get(`${SLICES}/${exp.metadata.name}`).catch(() => undefined);
  if (!slice || !version) return true;
  for (const { url } of sliceStatusOf(slice).endpoints ?? []) {
    const reply = await client.request('GET', `/clusters/*/apis/${r.group}/${version}/${r.name}?limit=1`, undefined, url).catch(() => undefined);
    const items = reply?.status === 200 ? reply.body.items : undefined;
    if (!Array.isArray(items) || items.length > 0) return true;
  }
  return false;
}
