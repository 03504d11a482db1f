/**
 * The shared matcher of admission configurations: rules with wildcards and subresources, scope,
 * resource names, exclusions, matchPolicy Exact/Equivalent, object and namespace selectors (the
 * namespace read once per request, never for cluster-scoped objects or empty selectors).
 */
import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { configMaps, events, eventsV1, namespaces, clusterRoles, type AdmissionRequest, type Operation, type ResourceType } from '../../src/registry/index.js';
import { equivalentsFrom, matcher, namespaceReader, ruleMatches, attributesOf, type Webhook } from '../../src/admission/index.js';
import { useRegistry } from '../support/registry-fixture.js';

const cm = (labels: Record<string, string> = {}, name = 'c1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns1', labels } });

function req(type: ResourceType, operation: Operation, object?: KubeObject, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { operation, type, context: { cluster: 'c' }, dryRun: false, ...(object ? { object } : {}), ...extra };
}

/** A namespace getter that counts its reads. */
function namespaceOf(labels: Record<string, string> | undefined) {
  let reads = 0;
  const get = async (): Promise<KubeObject | undefined> => {
    reads++;
    return labels ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', labels } } : undefined;
  };
  return { get, reads: () => reads };
}

const rule = (resources: string[], extra: Record<string, unknown> = {}) => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources, ...extra });

describe('rules', () => {
  const create = attributesOf(req(configMaps, 'CREATE', cm()));
  const status = { ...create, subresource: 'status' };

  it('match operations, groups, versions and resources, with "*" wildcards', () => {
    expect(ruleMatches(rule(['configmaps']), create)).toBe(true);
    expect(ruleMatches(rule(['secrets']), create)).toBe(false);
    expect(ruleMatches(rule(['configmaps'], { operations: ['UPDATE'] }), create)).toBe(false);
    expect(ruleMatches(rule(['configmaps'], { operations: ['*'] }), create)).toBe(true);
    expect(ruleMatches(rule(['configmaps'], { apiGroups: ['apps'] }), create)).toBe(false);
    expect(ruleMatches(rule(['configmaps'], { apiGroups: ['*'], apiVersions: ['*'] }), create)).toBe(true);
    expect(ruleMatches(rule(['configmaps'], { apiVersions: ['v2'] }), create)).toBe(false);
    expect(ruleMatches(rule(['*']), create)).toBe(true);
  });

  it('match subresources only when named: "x/sub", "x/*", "*/sub", "*/*"; "*" and "x" never match a subresource', () => {
    expect(ruleMatches(rule(['configmaps']), status)).toBe(false);
    expect(ruleMatches(rule(['*']), status)).toBe(false);
    expect(ruleMatches(rule(['configmaps/status']), status)).toBe(true);
    expect(ruleMatches(rule(['configmaps/scale']), status)).toBe(false);
    expect(ruleMatches(rule(['configmaps/*']), status)).toBe(true);
    expect(ruleMatches(rule(['*/status']), status)).toBe(true);
    expect(ruleMatches(rule(['*/*']), status)).toBe(true);
    expect(ruleMatches(rule(['*/*']), create)).toBe(true);
    expect(ruleMatches(rule(['configmaps/status']), create)).toBe(false);
  });

  it('match scope and resource names', () => {
    expect(ruleMatches(rule(['configmaps'], { scope: 'Namespaced' }), create)).toBe(true);
    expect(ruleMatches(rule(['configmaps'], { scope: 'Cluster' }), create)).toBe(false);
    expect(ruleMatches(rule(['configmaps'], { scope: '*' }), create)).toBe(true);
    const role = attributesOf(req(clusterRoles, 'CREATE', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }));
    expect(ruleMatches({ ...rule(['clusterroles'], { scope: 'Cluster' }), apiGroups: ['rbac.authorization.k8s.io'] }, role)).toBe(true);
    expect(ruleMatches({ ...rule(['clusterroles'], { scope: 'Namespaced' }), apiGroups: ['rbac.authorization.k8s.io'] }, role)).toBe(false);
    expect(ruleMatches(rule(['configmaps'], { resourceNames: ['c1'] }), create)).toBe(true);
    expect(ruleMatches(rule(['configmaps'], { resourceNames: ['c2'] }), create)).toBe(false);
  });

  it('read the name of a DELETE from the old object', () => {
    const del = attributesOf(req(configMaps, 'DELETE', undefined, { oldObject: cm({}, 'gone') }));
    expect(del.name).toBe('gone');
    expect(ruleMatches(rule(['configmaps'], { operations: ['DELETE'], resourceNames: ['gone'] }), del)).toBe(true);
  });
});

describe('matchResources', () => {
  const m = matcher();
  const none = async () => undefined;

  it('applies exclusions after rules', async () => {
    const r = req(configMaps, 'CREATE', cm());
    expect(await m.matchesResources({ resourceRules: [rule(['configmaps'])] }, r, none)).toBe(true);
    expect(await m.matchesResources({ resourceRules: [rule(['*'])], excludeResourceRules: [rule(['configmaps'])] }, r, none)).toBe(false);
    expect(await m.matchesResources({ resourceRules: [rule(['*'])], excludeResourceRules: [rule(['configmaps'], { resourceNames: ['other'] })] }, r, none)).toBe(true);
    // A binding that only excludes narrows the policy by those exclusions.
    expect(await m.matchesResources({ excludeResourceRules: [rule(['configmaps'])] }, r, none)).toBe(false);
    expect(await m.matchesResources({ excludeResourceRules: [rule(['secrets'])] }, r, none)).toBe(true);
    // Absent matchResources (a binding without any) narrows nothing.
    expect(await m.matchesResources(undefined, r, none)).toBe(true);
  });

  it('matches objectSelector against the new or the old object', async () => {
    const sel = { objectSelector: { matchLabels: { team: 'a' } } };
    expect(await m.matchesResources(sel, req(configMaps, 'CREATE', cm({ team: 'a' })), none)).toBe(true);
    expect(await m.matchesResources(sel, req(configMaps, 'CREATE', cm({ team: 'b' })), none)).toBe(false);
    expect(await m.matchesResources(sel, req(configMaps, 'UPDATE', cm({ team: 'b' }), { oldObject: cm({ team: 'a' }) }), none)).toBe(true);
    expect(await m.matchesResources(sel, req(configMaps, 'DELETE', undefined, { oldObject: cm({ team: 'a' }) }), none)).toBe(true);
    const exists = { objectSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } };
    expect(await m.matchesResources(exists, req(configMaps, 'CREATE', cm()), none)).toBe(true);
  });

  it('matches namespaceSelector against the namespace’s labels, reading it only when needed', async () => {
    const sel = { namespaceSelector: { matchLabels: { env: 'prod' } } };
    const prod = namespaceOf({ env: 'prod' });
    expect(await m.matchesResources(sel, req(configMaps, 'CREATE', cm()), prod.get)).toBe(true);
    const dev = namespaceOf({ env: 'dev' });
    expect(await m.matchesResources(sel, req(configMaps, 'CREATE', cm()), dev.get)).toBe(false);
    const missing = namespaceOf(undefined);
    expect(await m.matchesResources(sel, req(configMaps, 'CREATE', cm()), missing.get)).toBe(false);
    // An empty selector reads nothing.
    const untouched = namespaceOf({ env: 'prod' });
    expect(await m.matchesResources({ namespaceSelector: {} }, req(configMaps, 'CREATE', cm()), untouched.get)).toBe(true);
    expect(untouched.reads()).toBe(0);
    // Cluster-scoped objects always match; a Namespace matches by its own labels.
    const role = req(clusterRoles, 'CREATE', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } });
    expect(await m.matchesResources(sel, role, untouched.get)).toBe(true);
    const ns = (labels: Record<string, string>) => req(namespaces, 'CREATE', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels } });
    expect(await m.matchesResources(sel, ns({ env: 'prod' }), untouched.get)).toBe(true);
    expect(await m.matchesResources(sel, ns({ env: 'dev' }), untouched.get)).toBe(false);
    expect(untouched.reads()).toBe(0);
  });
});

describe('matchPolicy', () => {
  // core/v1 Events and events.k8s.io/v1 Events are the same stored objects.
  const equivalents = equivalentsFrom(async () => [configMaps, events, eventsV1]);
  const m = matcher(equivalents);
  const ev: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns1' } };
  const modern = { operations: ['CREATE'], apiGroups: ['events.k8s.io'], apiVersions: ['v1'], resources: ['events'] };
  const none = async () => undefined;

  it('Equivalent (the default) matches a request for another version of the same resource', async () => {
    const r = req(events, 'CREATE', ev);
    expect(await m.matchesResources({ resourceRules: [modern] }, r, none)).toBe(true);
    expect(await m.matchesResources({ resourceRules: [modern], matchPolicy: 'Equivalent' }, r, none)).toBe(true);
    expect(await m.matchesResources({ resourceRules: [modern], matchPolicy: 'Exact' }, r, none)).toBe(false);
    // Exclusions follow the same version.
    expect(await m.matchesResources({ resourceRules: [modern], excludeResourceRules: [modern] }, r, none)).toBe(false);
    // Unrelated resources have no equivalent.
    expect(await m.matchesResources({ resourceRules: [modern] }, req(configMaps, 'CREATE', cm()), none)).toBe(false);
  });

  it('groups a workspace’s versions once per API set: requests look their resource up', async () => {
    const served = [configMaps, events, eventsV1];
    const lookup = equivalentsFrom(async () => served);
    const first = await lookup(req(events, 'CREATE', ev));
    expect(first).toEqual([events, eventsV1]);
    expect(await lookup(req(eventsV1, 'CREATE', ev))).toBe(first);
    expect(await lookup(req(configMaps, 'CREATE', cm()))).toEqual([configMaps]);
  });

  it('tells a webhook which version its rules selected', async () => {
    const w: Webhook = { name: 'a.b.c', clientConfig: { url: 'https://x' }, rules: [modern], sideEffects: 'None', admissionReviewVersions: ['v1'], matchPolicy: 'Equivalent' };
    expect(await m.webhookResource(w, req(events, 'CREATE', ev))).toEqual(expect.objectContaining({ group: 'events.k8s.io', version: 'v1', resource: 'events' }));
    expect(await m.webhookResource(w, req(eventsV1, 'CREATE', { ...ev, apiVersion: 'events.k8s.io/v1' }))).toBe(eventsV1);
    expect(await m.webhookResource({ ...w, matchPolicy: 'Exact' }, req(events, 'CREATE', ev))).toBeUndefined();
    expect(await m.webhookMatches({ ...w, objectSelector: { matchLabels: { a: 'b' } } }, req(eventsV1, 'CREATE', ev), none)).toBe(false);
  });
});

describe('namespaceReader', () => {
  const fx = useRegistry();

  it('reads the request’s namespace once, whichever stage asks, and nothing for cluster-scoped requests', async () => {
    await fx.reg.create({ cluster: 'c' }, namespaces, undefined, { metadata: { name: 'ns1', labels: { env: 'prod' } } });
    const get = vi.spyOn(fx.reg, 'get');
    const reader = namespaceReader(fx.reg);
    const r = req(configMaps, 'CREATE', cm());
    const [a, b] = await Promise.all([reader(r)(), reader(r)()]);
    expect(a?.metadata.labels).toEqual({ env: 'prod' });
    expect(b).toBe(a);
    expect(await reader(r)()).toBe(a);
    expect(get).toHaveBeenCalledTimes(1);
    // Another request reads again; a missing namespace is undefined; a cluster-scoped request reads nothing.
    expect((await reader(req(configMaps, 'CREATE', cm()))())?.metadata.name).toBe('ns1');
    expect(await reader(req(configMaps, 'CREATE', { ...cm(), metadata: { name: 'x', namespace: 'absent' } }))()).toBeUndefined();
    expect(await reader(req(clusterRoles, 'CREATE', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }))()).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(3);
  });
});
