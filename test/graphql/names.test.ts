/** The naming rules of the GraphQL surface: pure, readable, and unique even in contrived cases. */
import { describe, expect, it } from 'vitest';
import { NameTable } from '../../src/graphql/name-table.js';
import {
  componentFallbackTypeName,
  componentTypeName,
  fieldNames,
  groupFieldName,
  groupQueryTypeName,
  inputTypeName,
  isValidName,
  kindFallbackTypeName,
  kindTypeName,
  listTypeName,
  nestedTypeName,
  pluralFieldName,
  sanitizeName,
  versionQueryTypeName,
} from '../../src/graphql/names.js';

describe('root fields and containers', () => {
  it('names group fields with dots and dashes as underscores', () => {
    expect(groupFieldName('rbac.authorization.k8s.io')).toBe('rbac_authorization_k8s_io');
    expect(groupFieldName('cert-manager.io')).toBe('cert_manager_io');
    expect(groupFieldName('1password.com')).toBe('_1password_com');
  });

  it('names the containers after group and version', () => {
    expect(versionQueryTypeName('', 'v1')).toBe('V1Query');
    expect(groupQueryTypeName('rbac.authorization.k8s.io')).toBe('RbacAuthorizationK8sIoQuery');
    expect(versionQueryTypeName('rbac.authorization.k8s.io', 'v1')).toBe('RbacAuthorizationK8sIoV1Query');
  });
});

describe('type names', () => {
  it('prefixes kinds with PascalCase group and version', () => {
    expect(kindTypeName({ group: '', version: 'v1', kind: 'ConfigMap' })).toBe('V1ConfigMap');
    expect(kindTypeName({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' })).toBe('RbacAuthorizationK8sIoV1Role');
    expect(kindTypeName({ group: 'tenancy.kcp.io', version: 'v1alpha1', kind: 'Workspace' })).toBe('TenancyKcpIoV1alpha1Workspace');
    expect(kindTypeName({ group: 'cert-manager.io', version: 'v1', kind: 'Certificate' })).toBe('CertManagerIoV1Certificate');
  });

  it('derives list, input and nested names from the object type', () => {
    expect(listTypeName('V1ConfigMap')).toBe('V1ConfigMapList');
    expect(inputTypeName('V1ConfigMap')).toBe('V1ConfigMapInput');
    expect(nestedTypeName('TenancyKcpIoV1alpha1Workspace', 'spec')).toBe('TenancyKcpIoV1alpha1WorkspaceSpec');
    expect(nestedTypeName('X', 'defaultAPIBindings')).toBe('XDefaultAPIBindings');
  });

  it('shortens well-known component keys and falls back to the whole key', () => {
    expect(componentTypeName('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')).toBe('MetaV1ObjectMeta');
    expect(componentTypeName('io.k8s.api.core.v1.ObjectReference')).toBe('CoreV1ObjectReference');
    expect(componentTypeName('io.kcp.tenancy.v1alpha1.WorkspaceTypeReference')).toBe('TenancyV1alpha1WorkspaceTypeReference');
    expect(componentTypeName('io.k8s.apimachinery.pkg.api.resource.Quantity')).toBe('ApiResourceQuantity');
    expect(componentTypeName('com.example.v1.Props')).toBe('ComExampleV1Props');
    expect(componentFallbackTypeName('io.k8s.api.core.v1.ObjectReference')).toBe('IoK8sApiCoreV1ObjectReference');
  });

  it('has an underscore fallback for kinds, which PascalCase names never contain', () => {
    expect(kindFallbackTypeName({ group: 'a-b.io', version: 'v1', kind: 'Foo' })).toBe('a_b_io_v1_Foo');
    expect(kindFallbackTypeName({ group: '', version: 'v1', kind: 'Foo' })).toBe('v1_Foo');
  });
});

describe('resource fields', () => {
  it('uses the kind and its plural', () => {
    expect(pluralFieldName({ kind: 'ConfigMap', resource: 'configmaps' })).toBe('ConfigMaps');
    expect(pluralFieldName({ kind: 'NetworkPolicy', resource: 'networkpolicies' })).toBe('NetworkPolicies');
    expect(pluralFieldName({ kind: 'Endpoints', resource: 'endpoints' })).toBe('EndpointsList');
    expect(pluralFieldName({ kind: 'Foo', resource: 'bars' })).toBe('FooList');
  });
});

describe('field names', () => {
  it('keeps valid names and sanitizes the rest deterministically', () => {
    expect(sanitizeName('x-kubernetes-foo')).toBe('x_kubernetes_foo');
    expect(sanitizeName('$ref')).toBe('_ref');
    expect(sanitizeName('2fa')).toBe('_2fa');
    expect(sanitizeName('__proto')).toBe('_proto');
    expect(sanitizeName('a.b/c')).toBe('a_b_c');
    expect(sanitizeName('')).toBe('_');
    for (const k of ['x-kubernetes-foo', '$ref', '2fa', '__proto', '']) expect(isValidName(sanitizeName(k))).toBe(true);
  });

  it('lets valid names win and numbers the sanitized ones that collide, in key order', () => {
    const names = fieldNames(['a-b', 'a_b', 'a.b', 'URL', '$x']);
    expect([...names]).toEqual([
      ['a_b', 'a_b'],
      ['URL', 'URL'],
      ['_x', '$x'],
      ['a_b_2', 'a-b'],
      ['a_b_3', 'a.b'],
    ]);
    // Independent of the order the schema lists them in.
    expect(new Map(fieldNames(['a.b', '$x', 'URL', 'a_b', 'a-b']))).toEqual(new Map(names));
  });
});

describe('NameTable', () => {
  it('keeps the first claimant, then tries the fallback and numbers it, and reports each collision', () => {
    const reports: string[] = [];
    const table = new NameTable(['Query'], (m) => reports.push(m));
    expect(table.claim('kind:a.b.io/v1/Foo', 'ABIoV1Foo', 'a_b_io_v1_Foo')).toBe('ABIoV1Foo');
    expect(table.claim('kind:a-b.io/v1/Foo', 'ABIoV1Foo', 'a__b_io_v1_Foo')).toBe('a__b_io_v1_Foo');
    expect(table.claim('x', 'Query')).toBe('Query_2');
    expect(table.claim('y', 'Query')).toBe('Query_3');
    expect(table.claim('kind:a.b.io/v1/Foo', 'Other')).toBe('ABIoV1Foo');
    expect(table.nameOf('y')).toBe('Query_3');
    expect(reports).toHaveLength(3);
    expect(reports[0]).toContain('taken by kind:a.b.io/v1/Foo');
  });
});
