/** Rule matching and rule coverage, dimension by dimension (rbac/v1 evaluation helpers, policy comparator). */
import { describe, expect, it } from 'vitest';
import { covers, normalizeRule, nonResourceAttributes, resourceAttributes, ruleAllows, type Attributes } from '../../../src/auth/rbac/index.js';
import { user, type RawRule } from './support.js';

const bob = user('bob');
const res = (verb: string, resource: string, more: { apiGroup?: string; subresource?: string; name?: string; namespace?: string } = {}): Attributes =>
  resourceAttributes(bob, verb, { resource, namespace: 'default', ...more });
const path = (verb: string, p: string): Attributes => nonResourceAttributes(bob, verb, p);

const cm: RawRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] };

const matching: [string, RawRule, Attributes, boolean][] = [
  ['verb listed', cm, res('get', 'configmaps'), true],
  ['verb not listed', cm, res('delete', 'configmaps'), false],
  ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['configmaps'] }, res('deletecollection', 'configmaps'), true],
  ['core group is the empty string', cm, res('get', 'configmaps', { apiGroup: 'apps' }), false],
  ['apiGroup listed', { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), true],
  ['apiGroup *', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), true],
  ['resource not listed', cm, res('get', 'secrets'), false],
  ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', 'pods', { subresource: 'log' }), true],
  ['a resource does not cover its subresources', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'log' }), false],
  ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
  ['a subresource does not cover its resource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods'), false],
  ['*/scale covers every scale', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), true],
  ['*/scale not the main resource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps' }), false],
  ['*/scale not another subresource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps', subresource: 'status' }), false],
  ['resourceNames: get a listed name', { ...cm, resourceNames: ['a'] }, res('get', 'configmaps', { name: 'a' }), true],
  ['resourceNames: get another name', { ...cm, resourceNames: ['a'] }, res('get', 'configmaps', { name: 'b' }), false],
  ['resourceNames: list (no name)', { ...cm, resourceNames: ['a'] }, res('list', 'configmaps'), false],
  ['resourceNames: list with metadata.name=a', { ...cm, resourceNames: ['a'] }, res('list', 'configmaps', { name: 'a' }), true],
  ['resourceNames: create (no name)', { verbs: ['create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('create', 'configmaps'), false],
  ['resourceNames: deletecollection', { verbs: ['deletecollection'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('deletecollection', 'configmaps'), false],
  ['URL exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, path('get', '/version'), true],
  ['URL exact is exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, path('get', '/version/'), false],
  ['URL prefix *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('get', '/apis/apps/v1'), true],
  ['URL prefix * keeps its slash', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('get', '/apis'), false],
  ['URL *', { verbs: ['*'], nonResourceURLs: ['*'] }, path('access', '/'), true],
  ['URL verb must match', { verbs: ['get'], nonResourceURLs: ['/'] }, path('access', '/'), false],
  ['URL rule grants no resource', { verbs: ['*'], nonResourceURLs: ['*'] }, res('get', 'configmaps'), false],
  ['resource rule grants no URL', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, path('get', '/version'), false],
];

describe('rule matching', () => {
  it.each(matching)('%s', (_name, raw, attrs, allowed) => {
    expect(ruleAllows(attrs, normalizeRule(raw))).toBe(allowed);
  });
});

const coverage: [string, RawRule[], RawRule[], boolean][] = [
  ['* on everything covers anything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get', 'escalate'], apiGroups: ['x.io'], resources: ['things/status'] }], true],
  ['the same verbs', [cm], [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }], true],
  ['verb * is not covered by listed verbs', [cm], [{ verbs: ['*'], apiGroups: [''], resources: ['configmaps'] }], false],
  ['split across owner rules', [cm, { verbs: ['watch'], apiGroups: [''], resources: ['configmaps'] }], [{ verbs: ['get', 'watch'], apiGroups: [''], resources: ['configmaps'] }], true],
  ['*/scale covers a scale', [{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }], true],
  ['restricted names do not cover all names', [{ ...cm, resourceNames: ['a'] }], [cm], false],
  ['all names cover restricted names', [cm], [{ ...cm, resourceNames: ['a', 'b'] }], true],
  ['URL prefix covers a longer URL', [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/x/*'] }], true],
  ['another resource', [cm], [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], false],
];

describe('rule coverage (escalation checks)', () => {
  it.each(coverage)('%s', (_name, owner, wanted, covered) => {
    expect(covers(owner.map(normalizeRule), wanted.map(normalizeRule)).covered).toBe(covered);
  });
});
