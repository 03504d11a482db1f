/**
 * What every logical cluster's APIBindings bind, kept by one wildcard watch on APIBindings and one
 * on APIResourceSchemas (only providers hold those). It is a source of the composed API catalog:
 * a consumer serves the types of the schemas its bindings' `status.boundResources` name, under the
 * export's identity. Clusters without bindings cost nothing; a binding costs a few small records,
 * and consumers of the same export share one set of types, one ApiSet and one GraphQL schema.
 * It also answers, without a store read, who binds an export (the provider's view) and which
 * binding serves a resource in a cluster (the maximal permission policy).
 */
import type { ClusterTypes, TypeSource } from '../apis/index.js';
import { ClusterIndex, type ClusterEntry, type ControllerLog } from '../controllers/index.js';
import type { KubeObject } from '../meta/index.js';
import type { ResourceType } from '../registry/index.js';
import type { ObjectKey, Store } from '../storage/index.js';
import type { OtherShards } from '../tenancy/index.js';
import { boundTypes } from './bound-types.js';
import { isSystemExport, servedByBuiltin } from './system-exports.js';
import {
  BINDING_RESOURCE,
  bindingSpecOf,
  bindingStatusOf,
  EXPORT_RESOURCE,
  exportSpecOf,
  exportStatusOf,
  SCHEMA_RESOURCE,
  type AcceptablePermissionClaim,
  type BoundResource,
  type ExportedResource,
  type PermissionClaim,
} from './types.js';

/** One export, as far as authorizing its consumers' and its provider's requests needs it. */
export interface ExportRecord {
  identityHash: string;
  /** `maximalPermissionPolicy.local`: consumers' access is also limited by RBAC in the export's workspace. */
  localPolicy: boolean;
  /** What the provider's view serves: the exported resources and the claims. */
  resources: readonly ExportedResource[];
  claims: readonly PermissionClaim[];
  key: string;
}

/** One binding, as far as serving and the provider's view need it. */
export interface BindingRecord {
  name: string;
  /** The export's logical cluster (its name) and the export's name. */
  exportCluster: string;
  exportName: string;
  resources: readonly BoundResource[];
  /** Claims the consumer accepted and the binding applied. */
  claims: readonly AcceptablePermissionClaim[];
  /** Changes whenever what the binding serves changes. */
  key: string;
}

export interface BindingCatalogOptions {
  store: Store;
  /** The installation's other shards: a binding here may serve an export one of them holds. */
  others?: OtherShards;
  log?: ControllerLog;
}

export class BindingCatalog implements TypeSource {
  private readonly schemas: ClusterIndex<KubeObject>;
  private readonly bindings: ClusterIndex<BindingRecord>;
  private readonly exports: ClusterIndex<ExportRecord>;
  private readonly derived = new WeakMap<ClusterEntry<BindingRecord>, ClusterTypes>();
  private exportsChanged = 0;
  private identities: { version: number; map: Map<string, { cluster: string; name: string; record: ExportRecord }[]> } | undefined;
  private readonly others: OtherShards | undefined;

  constructor(options: BindingCatalogOptions) {
    this.others = options.others;
    // What another shard's exports and schemas say changes what bindings here serve.
    options.others?.onChange('apiexports', () => this.exportsChanged++);
    options.others?.onChange('apiresourceschemas', () => this.exportsChanged++);
    const common = { store: options.store, ...(options.log ? { log: options.log } : {}) };
    this.schemas = new ClusterIndex<KubeObject>({
      ...common,
      name: 'apiresourceschema-catalog',
      resource: SCHEMA_RESOURCE,
      value: (o) => o,
      same: (a, b) => a.metadata.uid === b.metadata.uid,
      onChange: () => this.exportsChanged++,
    });
    this.exports = new ClusterIndex<ExportRecord>({
      ...common,
      name: 'apiexport-catalog',
      resource: EXPORT_RESOURCE,
      value: exportRecord,
      same: (a, b) => a.key === b.key,
      onChange: () => this.exportsChanged++,
    });
    this.bindings = new ClusterIndex<BindingRecord>({
      ...common,
      name: 'apibinding-catalog',
      resource: BINDING_RESOURCE,
      value: record,
      same: (a, b) => a.key === b.key,
    });
  }

  async start(): Promise<void> {
    // Schemas first: a binding's types are built from them.
    await this.schemas.start();
    await this.exports.start();
    await this.bindings.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.bindings.stop(), this.exports.stop(), this.schemas.stop()]);
  }

  /** An APIExport as the watch last saw it (or another shard's replica of it). */
  exportOf(cluster: string, name: string): ExportRecord | undefined {
    const here = this.exports.entry(cluster)?.values.get(name);
    if (here || !this.others) return here;
    const there = this.others.get('apiexports', cluster, name);
    return there ? replicatedRecord(there) : undefined;
  }

  /** Changes whenever any APIExport or APIResourceSchema changes (what the provider's views are built from). */
  get exportsVersion(): number {
    return this.exportsChanged;
  }

  /** Every export with that identity, with its cluster and name (exports sharing a secret share it). */
  exportsOfIdentity(identityHash: string): { cluster: string; name: string; record: ExportRecord }[] {
    return this.byIdentity().get(identityHash) ?? [];
  }

  /** Every export here and on the other shards by identity, made again when any export changes (asked per request in views). */
  private byIdentity(): Map<string, { cluster: string; name: string; record: ExportRecord }[]> {
    if (this.identities?.version === this.exportsChanged) return this.identities.map;
    const map = new Map<string, { cluster: string; name: string; record: ExportRecord }[]>();
    const add = (cluster: string, name: string, record: ExportRecord): void => {
      if (!record.identityHash) return;
      const list = map.get(record.identityHash) ?? [];
      list.push({ cluster, name, record });
      map.set(record.identityHash, list);
    };
    for (const cluster of this.exports.clusterNames()) {
      for (const [name, record] of this.exports.entry(cluster)?.values ?? []) add(cluster, name, record);
    }
    // A permission claim may name an export another shard holds, by its identity.
    for (const { cluster, object } of this.others?.list('apiexports') ?? []) add(cluster, object.metadata.name ?? '', replicatedRecord(object));
    this.identities = { version: this.exportsChanged, map };
    return map;
  }

  /**
   * The schema an export serves group/resource from under `identityHash` (a permission claim names
   * another export's resource so), with that export's cluster.
   */
  schemaOfIdentity(identityHash: string, group: string, resource: string): { cluster: string; schema: KubeObject } | undefined {
    for (const { cluster, record } of this.exportsOfIdentity(identityHash)) {
      const r = record.resources.find((x) => x.group === group && x.name === resource);
      const schema = r ? this.schema(cluster, r.schema) : undefined;
      if (schema) return { cluster, schema };
    }
    return undefined;
  }

  async refresh(cluster: string): Promise<void> {
    await this.bindings.refresh(cluster);
    const exporters = new Set([...(this.bindings.entry(cluster)?.values.values() ?? [])].map((b) => b.exportCluster));
    await Promise.all([...exporters].filter((c) => !this.schemas.entry(c)).map((c) => this.schemas.refresh(c)));
  }

  /** The bindings of a cluster that bind something, by name. */
  bindingsOf(cluster: string): ReadonlyMap<string, BindingRecord> | undefined {
    return this.bindings.entry(cluster)?.values;
  }

  /** The binding in the cluster that serves group/resource, if a binding does. */
  bindingFor(cluster: string, group: string, resource: string): BindingRecord | undefined {
    for (const b of this.bindings.entry(cluster)?.values.values() ?? []) {
      if (b.resources.some((r) => r.group === group && r.resource === resource)) return b;
    }
    return undefined;
  }

  /** The cluster's bindings of one export (usually one). */
  bindingsOfExport(cluster: string, exportCluster: string, exportName: string): BindingRecord[] {
    const out: BindingRecord[] = [];
    for (const b of this.bindings.entry(cluster)?.values.values() ?? []) if (b.exportCluster === exportCluster && b.exportName === exportName) out.push(b);
    return out;
  }

  /** Whether any workspace binds the export (a scan that stops at the first consumer). */
  hasConsumers(exportCluster: string, exportName: string): boolean {
    for (const cluster of this.bindings.clusterNames()) if (this.bindingsOfExport(cluster, exportCluster, exportName).length > 0) return true;
    return false;
  }

  /** An APIResourceSchema as the watch last saw it (or another shard's replica of it). */
  schema(cluster: string, name: string): KubeObject | undefined {
    return this.schemas.entry(cluster)?.values.get(name) ?? this.others?.get('apiresourceschemas', cluster, name);
  }

  /** The types a bound resource is served as; undefined while its schema is not known here yet. */
  typesOfBound(exportCluster: string, bound: BoundResource): ResourceType[] | undefined {
    const schema = this.schema(exportCluster, bound.schema.name);
    if (!schema || schema.metadata.uid !== bound.schema.UID) return undefined;
    return boundTypes(schema, bound.schema.identityHash);
  }

  typesOf(cluster: string): ClusterTypes | undefined {
    const entry = this.bindings.entry(cluster);
    if (!entry) return undefined;
    const memo = this.derived.get(entry);
    if (memo) return memo;
    const names = [...entry.values.keys()].sort();
    const types: ResourceType[] = [];
    const keys: string[] = [];
    let complete = true;
    for (const name of names) {
      const b = entry.values.get(name) as BindingRecord;
      for (const r of b.resources) {
        const served = this.typesOfBound(b.exportCluster, r);
        if (!served) {
          complete = false;
          continue;
        }
        types.push(...served);
        keys.push(`${b.exportCluster}/${r.schema.name}/${r.schema.UID}@${r.schema.identityHash}`);
      }
    }
    const key = keys.join(',');
    // A schema the watch has not delivered yet is looked for again on the next request.
    if (!complete) return { key, types };
    const out = shared(sharedTypes, key, () => ({ key, types }));
    this.derived.set(entry, out);
    return out;
  }
}

/**
 * What the bindings of one export have in common, kept once: ten thousand consumers of an export
 * then cost a pointer each instead of their own copies of its schema names, UIDs and identity.
 * Keys come from what the controller wrote from real exports, so the map stays small; past its
 * bound, records simply keep their own copies.
 */
const MAX_SHARED = 10_000;
const sharedParts = new Map<string, Pick<BindingRecord, 'exportCluster' | 'exportName' | 'resources' | 'key'>>();
const sharedTypes = new Map<string, ClusterTypes>();

function shared<T>(map: Map<string, T>, key: string, make: () => T): T {
  const hit = map.get(key);
  if (hit) return hit;
  const made = make();
  if (map.size < MAX_SHARED) map.set(key, made);
  return made;
}

/** Records of other shards' exports, by the replica's object (a new object when the export changes). */
const replicatedRecords = new WeakMap<KubeObject, ExportRecord>();

/** Another shard's export as a record, made once per replicated object (asked per request by the maximal permission policy). */
function replicatedRecord(o: KubeObject): ExportRecord {
  let record = replicatedRecords.get(o);
  if (!record) replicatedRecords.set(o, (record = exportRecord(o)));
  return record;
}

function exportRecord(o: KubeObject): ExportRecord {
  const identityHash = exportStatusOf(o).identityHash ?? '';
  const spec = exportSpecOf(o);
  const localPolicy = spec.maximalPermissionPolicy?.local !== undefined;
  const resources = spec.resources ?? [];
  const claims = spec.permissionClaims ?? [];
  return { identityHash, localPolicy, resources, claims, key: JSON.stringify([identityHash, localPolicy, resources, claims]) };
}

/**
 * What a binding contributes: nothing until the controller resolved its export, and nothing for
 * kinds the built-ins serve (root's system exports, bound in every workspace: a workspace must not
 * cost a record for them).
 */
function record(o: KubeObject, key: ObjectKey): BindingRecord | undefined {
  const status = bindingStatusOf(o);
  const exportName = bindingSpecOf(o).reference?.export?.name;
  const exportCluster = status.apiExportClusterName;
  if (!exportCluster || !exportName) return undefined;
  const resources = (status.boundResources ?? []).filter((r) => !servedByBuiltin(exportCluster, r.schema.name));
  const applied = status.appliedPermissionClaims ?? [];
  const claims = (bindingSpecOf(o).permissionClaims ?? []).filter(
    (c) => c.state === 'Accepted' && applied.some((a) => a.group === c.group && a.resource === c.resource && (a.identityHash ?? '') === (c.identityHash ?? '')),
  );
  if (claims.length === 0 && isSystemExport(exportCluster, exportName)) return undefined;
  const base = JSON.stringify([exportCluster, exportName, resources]);
  const parts = shared(sharedParts, base, () => ({ exportCluster, exportName, resources, key: base }));
  return { name: key.name, ...parts, claims, key: claims.length === 0 ? parts.key : JSON.stringify([base, claims]) };
}
