/** Table columns (`kubectl get`) and discovery names of the built-in kinds. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import {
  builtinResourceTypes,
  clusterRoleBindings,
  clusterRoles,
  configMaps,
  events,
  eventsV1,
  eventFromStored,
  leases,
  limitRanges,
  namespaces,
  resourceQuotas,
  roleBindings,
  roles,
  secrets,
  serviceAccounts,
  type ResourceType,
} from '../../src/registry/index.js';

const MINUTE = 60_000;
// Milliseconds kept, so an age read a moment later cannot tick over into the next second.
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

function obj(fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'n', namespace: 'default', creationTimestamp: ago(5 * MINUTE + 20_000), ...meta }, ...fields };
}

const header = (t: ResourceType, wide = false): string[] => (t.columns ?? []).filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
const row = (t: ResourceType, o: KubeObject, wide = false): unknown[] => (t.columns ?? []).filter((c) => wide || c.priority === 0).map((c) => c.cell(o));
/** Kinds whose table is spelled out in full mark their name column; the rest get NAME and AGE around theirs. */
const fullTable = (t: ResourceType): boolean => (t.columns ?? []).some((c) => c.format === 'name');

describe('columns of the common shape (NAME … AGE added by the server)', () => {
  it('Namespace: STATUS', () => {
    expect(fullTable(namespaces)).toBe(false);
    expect(header(namespaces)).toEqual(['STATUS']);
    expect(row(namespaces, obj({ status: { phase: 'Terminating' } }))).toEqual(['Terminating']);
  });

  it('ConfigMap: DATA counts data and binaryData keys', () => {
    expect(header(configMaps)).toEqual(['DATA']);
    expect(row(configMaps, obj({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }))).toEqual([3]);
    expect(row(configMaps, obj({}))).toEqual([0]);
  });

  it('Secret: TYPE, DATA', () => {
    expect(header(secrets)).toEqual(['TYPE', 'DATA']);
    expect(row(secrets, obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } }))).toEqual(['kubernetes.io/tls', 2]);
  });

  it('ServiceAccount: SECRETS', () => {
    expect(header(serviceAccounts)).toEqual(['SECRETS']);
    expect(row(serviceAccounts, obj({}))).toEqual([0]);
    expect(row(serviceAccounts, obj({ secrets: [{ name: 'tok' }] }))).toEqual([1]);
  });

  it('Lease: HOLDER', () => {
    expect(header(leases)).toEqual(['HOLDER']);
    expect(row(leases, obj({ spec: { holderIdentity: 'node-1' } }))).toEqual(['node-1']);
    expect(row(leases, obj({ spec: {} }))).toEqual(['']);
  });

  it('ResourceQuota: REQUEST and LIMIT from status, sorted, canonical, unused as 0', () => {
    expect(header(resourceQuotas)).toEqual(['REQUEST', 'LIMIT']);
    const q = obj({
      status: {
        hard: { pods: '10', 'requests.cpu': '1', 'limits.memory': '2048Mi', 'limits.cpu': 2, 'count/configmaps': '5' },
        used: { pods: '3', 'requests.cpu': '500m', 'limits.memory': '1Gi' },
      },
    });
    expect(row(resourceQuotas, q)).toEqual(['count/configmaps: 0/5, pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 0/2, limits.memory: 1Gi/2Gi']);
    expect(row(resourceQuotas, obj({}))).toEqual(['', '']);
  });
});

describe('tables spelled out in full', () => {
  it('Role, ClusterRole and LimitRange use the default table: NAME, CREATED AT', () => {
    for (const t of [roles, clusterRoles, limitRanges]) {
      expect(fullTable(t)).toBe(true);
      expect(header(t)).toEqual(['NAME', 'CREATED AT']);
      expect(t.columns?.[1]?.type).toBe('date');
      expect(row(t, obj({}, { name: 'admin', creationTimestamp: '2024-05-01T10:00:00Z' }))).toEqual(['admin', '2024-05-01T10:00:00Z']);
    }
  });

  it('RoleBinding and ClusterRoleBinding: NAME, ROLE, AGE, then subjects when wide', () => {
    const rb = obj(
      {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [
          { kind: 'User', name: 'jane' },
          { kind: 'User', name: 'joe' },
          { kind: 'Group', name: 'devs' },
          { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
        ],
      },
      { name: 'viewers' },
    );
    for (const t of [roleBindings, clusterRoleBindings]) {
      expect(fullTable(t)).toBe(true);
      expect(header(t)).toEqual(['NAME', 'ROLE', 'AGE']);
      expect(header(t, true)).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
      expect(row(t, rb, true)).toEqual(['viewers', 'ClusterRole/view', '5m20s', 'jane, joe', 'devs', 'ci/builder']);
    }
  });

  it('Event: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
    expect(fullTable(events)).toBe(true);
    expect(header(events)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(header(events, true)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    const legacy = obj(
      {
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
        reason: 'BackOff',
        message: '  Back-off restarting failed container\n',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: ago(3 * 60 * MINUTE),
        lastTimestamp: ago(2 * MINUTE + 5000),
        count: 7,
        type: 'Warning',
      },
      { name: 'web-1.17a' },
    );
    expect(row(events, legacy, true)).toEqual([
      '2m5s',
      'Warning',
      'BackOff',
      'pod/web-1',
      'spec.containers{web}',
      'kubelet, node-1',
      'Back-off restarting failed container',
      '3h',
      7,
      'web-1.17a',
    ]);
  });

  it('Event: new-style events fall back to eventTime, series and the reporting fields', () => {
    const modern = obj({
      involvedObject: { kind: 'Node' },
      reason: 'Rebooted',
      eventTime: ago(10 * MINUTE),
      reportingComponent: 'kubelet',
      type: 'Normal',
    });
    expect(row(events, modern, true)).toEqual(['10m', 'Normal', 'Rebooted', 'node', '', 'kubelet', '', '10m', 1, 'n']);
    const series = { ...modern, series: { count: 4, lastObservedTime: ago(30_000) }, reportingInstance: 'node-1' };
    expect(row(events, series, true)).toEqual(['30s', 'Normal', 'Rebooted', 'node', '', 'kubelet, node-1', '', '10m', 4, 'n']);
    const nothing = obj({});
    expect(row(events, nothing)).toEqual(['<unknown>', '', '', '', '']);
  });

  it('events.k8s.io/v1 shows the same table over its own shape', () => {
    const core = obj({ involvedObject: { kind: 'Pod', name: 'p' }, message: 'hi', reason: 'R', type: 'Normal', count: 2, lastTimestamp: ago(MINUTE) });
    const v1 = eventFromStored(core);
    expect(v1).toMatchObject({ regarding: core.involvedObject, note: 'hi', deprecatedCount: 2 });
    expect(header(eventsV1, true)).toEqual(header(events, true));
    expect(row(eventsV1, v1, true)).toEqual(row(events, core, true));
  });
});

describe('discovery names', () => {
  it('short names and categories as the apiserver reports them', () => {
    const names = Object.fromEntries(builtinResourceTypes.map((t) => [`${t.resource}.${t.group}`, t.shortNames]));
    expect(names).toEqual({
      'namespaces.': ['ns'],
      'configmaps.': ['cm'],
      'secrets.': [],
      'serviceaccounts.': ['sa'],
      'events.': ['ev'],
      'limitranges.': ['limits'],
      'resourcequotas.': ['quota'],
      'events.events.k8s.io': ['ev'],
      'leases.coordination.k8s.io': [],
      'roles.rbac.authorization.k8s.io': [],
      'clusterroles.rbac.authorization.k8s.io': [],
      'rolebindings.rbac.authorization.k8s.io': [],
      'clusterrolebindings.rbac.authorization.k8s.io': [],
    });
    // None of these kinds is in "all" (that is for workloads and services).
    expect(builtinResourceTypes.every((t) => t.categories.length === 0)).toBe(true);
  });

  it('scope and name rules per kind', () => {
    const byName = Object.fromEntries(builtinResourceTypes.map((t) => [`${t.resource}.${t.group}`, `${t.namespaced ? 'ns' : 'cluster'}/${t.nameRule}`]));
    expect(byName).toMatchObject({
      'events.': 'ns/path-segment',
      'events.events.k8s.io': 'ns/subdomain',
      'roles.rbac.authorization.k8s.io': 'ns/path-segment',
      'clusterroles.rbac.authorization.k8s.io': 'cluster/path-segment',
      'clusterrolebindings.rbac.authorization.k8s.io': 'cluster/path-segment',
      'leases.coordination.k8s.io': 'ns/subdomain',
    });
    expect(resourceQuotas.hasStatus).toBe(true);
  });
});
