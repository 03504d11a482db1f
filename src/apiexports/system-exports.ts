/**
 * Root's system exports, as kcp has them: `tenancy.kcp.io` (workspaces, workspace types) and
 * `topology.kcp.io` (partitions, partition sets), each an APIExport with its APIResourceSchemas,
 * and a ClusterRole that lets every authenticated user bind them. The `root:universal` type binds
 * both in every new workspace, so a workspace shows kcp's `tenancy.kcp.io-xxxxx` and
 * `topology.kcp.io-xxxxx` APIBindings and tools that wait for them to be Ready succeed.
 *
 * Unlike kcp, Atoll serves these kinds as built-ins in every workspace: a binding of a system
 * export names what it binds (status.boundResources, conditions) but adds no types, so a workspace
 * costs no memory for its two bindings and every workspace keeps sharing one API set. What is
 * served does not depend on the bindings: deleting one removes nothing.
 */
import { createHash } from 'node:crypto';
import { getIfExists } from '../controllers/index.js';
import { deepEqual, inlineSchema, type KubeObject } from '../meta/index.js';
import { ignoreAlreadyExists, SYSTEM_USER, type Registry, type RequestContext, type ResourceType } from '../registry/index.js';
import { ensureRootGrant, partitions, partitionSets, ROOT_CLUSTER, TENANCY_EXPORT, TOPOLOGY_EXPORT, workspaces, workspaceTypes } from '../tenancy/index.js';
import { apiExports, apiResourceSchemas } from './kinds/index.js';
import { exportSpecOf, type APIResourceSchemaSpec, type ExportedResource } from './types.js';

interface SystemExport {
  name: string;
  /** kcp's name for it in its bind ClusterRole: `system:kcp:apiexport:<short>:bind`. */
  short: string;
  kinds: readonly ResourceType[];
}

const SYSTEM_EXPORTS: readonly SystemExport[] = [
  { name: TENANCY_EXPORT, short: 'tenancy', kinds: [workspaces, workspaceTypes] },
  { name: TOPOLOGY_EXPORT, short: 'topology', kinds: [partitions, partitionSets] },
];

/** The APIResourceSchema of a built-in kind, built from the OpenAPI schema it is served with. */
function schemaSpecOfKind(t: ResourceType): APIResourceSchemaSpec {
  const named = t.schema ? t.schema.components[t.schema.name] : undefined;
  if (!named) throw new Error(`built-in ${t.resource}.${t.group} has no OpenAPI schema`);
  return {
    group: t.group,
    names: { plural: t.resource, singular: t.singular, kind: t.kind, listKind: t.listKind, shortNames: [...t.shortNames], categories: [...t.categories] },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    versions: [
      {
        name: t.version,
        served: true,
        storage: true,
        schema: inlineSchema(named, t.schema?.components ?? {}) as APIResourceSchemaSpec['versions'][number]['schema'],
        ...(t.hasStatus ? { subresources: { status: {} } } : {}),
      },
    ],
  };
}

/**
 * The schema's name: `<prefix>.<plural>.<group>`, the prefix derived from the content (kcp dates
 * and hashes its own), so a schema that changes in a new Atoll version gets a new name and the
 * export moves to it, as an APIResourceSchema is immutable.
 */
function schemaName(spec: APIResourceSchemaSpec): string {
  const digest = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 10);
  return `atoll-${digest}.${spec.names.plural}.${spec.group}`;
}

interface Built {
  exp: SystemExport;
  schemas: { name: string; spec: APIResourceSchemaSpec }[];
}

let built: Built[] | undefined;

function systemExports(): Built[] {
  built ??= SYSTEM_EXPORTS.map((exp) => ({
    exp,
    schemas: exp.kinds.map((k) => {
      const spec = schemaSpecOfKind(k);
      return { name: schemaName(spec), spec };
    }),
  }));
  return built;
}

let systemSchemaNames: ReadonlySet<string> | undefined;

/**
 * Whether a bound resource is one of root's system exports' kinds, which the built-ins serve: a
 * binding of it contributes no types and its deletion deletes no objects.
 */
export function servedByBuiltin(exportCluster: string, schemaName: string): boolean {
  systemSchemaNames ??= new Set(systemExports().flatMap((b) => b.schemas.map((s) => s.name)));
  return exportCluster === ROOT_CLUSTER && systemSchemaNames.has(schemaName);
}

/** Whether the export is one of root's system exports. */
export function isSystemExport(exportCluster: string, exportName: string): boolean {
  return exportCluster === ROOT_CLUSTER && SYSTEM_EXPORTS.some((e) => e.name === exportName);
}

/** Creates what is missing of the system exports in root; points an export at its current schemas. Idempotent. */
export async function ensureSystemExports(registry: Registry): Promise<void> {
  const ctx: RequestContext = { cluster: ROOT_CLUSTER, user: SYSTEM_USER };
  for (const { exp, schemas } of systemExports()) {
    for (const s of schemas) {
      await registry.create(ctx, apiResourceSchemas, undefined, { metadata: { name: s.name }, spec: s.spec as unknown as Record<string, unknown> }).catch(ignoreAlreadyExists);
    }
    const resources: ExportedResource[] = schemas.map((s) => ({ name: s.spec.names.plural, group: s.spec.group, schema: s.name, storage: { crd: {} } }));
    const current = await getIfExists(registry, ctx, apiExports, undefined, exp.name);
    if (!current) {
      await registry.create(ctx, apiExports, undefined, { metadata: { name: exp.name }, spec: { resources } }).catch(ignoreAlreadyExists);
    } else if (!deepEqual(exportSpecOf(current).resources ?? [], resources)) {
      await registry.update(ctx, apiExports, undefined, exp.name, { ...current, spec: { ...(current.spec as Record<string, unknown>), resources } } as KubeObject);
    }
    await ensureRootGrant(registry, {
      role: `system:kcp:apiexport:${exp.short}:bind`,
      rules: [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports'], resourceNames: [exp.name], verbs: ['bind'] }],
    });
  }
}
