/**
 * SDL → structural OpenAPI → APIResourceSchemas + APIExport and CRDs: every directive of
 * schema/atoll-directives.graphql, the defaults of @resource, several versions of one kind, and
 * the server's own CRD checks applied to the result.
 */
import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../src/crd/index.js';
import { fixture } from './support.js';
import { directiveDefinitions, pluralOf, sdlToKinds, toCrd, toExportDocuments, type ConvertedKind } from '../../src/sdl/index.js';

const props = (s: JSONSchemaProps | undefined): Record<string, JSONSchemaProps> => s?.properties ?? {};
const rootOf = (k: ConvertedKind, i = 0): JSONSchemaProps => k.versions[i]?.schema.openAPIV3Schema as JSONSchemaProps;

describe('SDL → schemas', () => {
  it('converts the Widget of issue 18 into an APIResourceSchema and an APIExport', () => {
    const kinds = sdlToKinds([fixture('widget.graphql')]);
    const docs = toExportDocuments(kinds);
    expect(docs.export).toMatchObject({
      apiVersion: 'apis.kcp.io/v1alpha2',
      kind: 'APIExport',
      metadata: { name: 'widgets.example.dev' },
      spec: { resources: [{ name: 'widgets', group: 'widgets.example.dev', schema: docs.schemas[0]?.metadata.name, storage: { crd: {} } }] },
    });
    const schema = docs.schemas[0];
    expect(schema?.metadata.name).toMatch(/^v[0-9a-f]{10}\.widgets\.widgets\.example\.dev$/);
    expect(schema?.spec).toMatchObject({
      group: 'widgets.example.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['examples'] },
    });
    const version = (schema?.spec as { versions: { schema: JSONSchemaProps; subresources: unknown; additionalPrinterColumns: unknown }[] }).versions[0];
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns).toEqual([{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }]);
    const root = version?.schema as JSONSchemaProps;
    expect(root.description).toBe('A widget.');
    expect(root.required).toEqual(['spec']);
    expect(Object.keys(props(root))).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const spec = props(root).spec;
    expect(spec).toEqual({
      type: 'object',
      properties: {
        size: { description: 'How big the widget is.', type: 'integer', format: 'int32', minimum: 1, default: 3 },
        color: { type: 'string', enum: ['red', 'blue'] },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
      required: ['size'],
      'x-kubernetes-validations': [{ rule: 'self.size <= 100', message: 'size must be at most 100' }],
    });
  });

  it('names schemas by content: the same SDL, the same names; a change, a new name', () => {
    const a = toExportDocuments(sdlToKinds([fixture('widget.graphql')]));
    const b = toExportDocuments(sdlToKinds([fixture('widget.graphql')]));
    expect(b.schemas[0]?.metadata.name).toBe(a.schemas[0]?.metadata.name);
    const changed = fixture('widget.graphql');
    changed.body = changed.body.replace('@minimum(value: 1)', '@minimum(value: 2)');
    expect(toExportDocuments(sdlToKinds([changed])).schemas[0]?.metadata.name).not.toBe(a.schemas[0]?.metadata.name);
  });

  it('makes plain CRDs too', () => {
    const [kind] = sdlToKinds([fixture('widget.graphql')]);
    const crd = toCrd(kind as ConvertedKind);
    expect(crd).toMatchObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.widgets.example.dev' } });
    expect((crd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0]?.schema.openAPIV3Schema).toEqual(rootOf(kind as ConvertedKind));
  });

  it('turns every directive into its keyword', () => {
    const [gadget] = sdlToKinds([fixture('everything.graphql')]);
    const kind = gadget as ConvertedKind;
    expect(kind.scope).toBe('Cluster');
    expect(kind.names).toEqual({ plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['gd'], categories: ['all', 'examples'] });
    expect(kind.versions.map((v) => [v.name, v.storage, v.served, v.deprecated, v.deprecationWarning])).toEqual([
      ['v2', true, true, undefined, undefined],
      ['v1', false, true, true, 'use v2'],
    ]);
    const v2 = kind.versions[0];
    expect(v2?.subresources).toEqual({ status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } });
    expect(v2?.additionalPrinterColumns).toEqual([
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'wanted', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(v2?.selectableFields).toEqual([{ jsonPath: '.spec.mode' }]);
    const root = rootOf(kind);
    expect(root['x-kubernetes-validations']).toEqual([
      { rule: "self.metadata.name.startsWith('g')", message: 'names start with g' },
      { rule: '!has(self.spec.replicas) || self.spec.replicas <= 10', message: 'at most 10', reason: 'FieldValueForbidden', fieldPath: '.spec.replicas' },
    ]);
    const spec = props(root).spec as JSONSchemaProps;
    expect(spec.required).toEqual(['mode', 'size']);
    expect(spec.minProperties).toBe(1);
    expect(spec['x-kubernetes-map-type']).toBe('granular');
    const p = props(spec);
    expect(p.replicas).toEqual({ type: 'integer', minimum: 0, maximum: 10, default: 1 });
    expect(p.ratio).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true, multipleOf: 0.25 });
    expect(p.name).toEqual({ type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]+$' });
    expect(p.when).toEqual({ type: 'string', format: 'date-time' });
    expect(p.mode).toEqual({ description: 'The speed.', type: 'string', enum: ['fast', 'slow'], default: 'fast' });
    expect(p.level).toEqual({ type: 'string', enum: ['low-1', 'high-2'], description: 'How loud.' });
    expect(p.hosts).toEqual({ type: 'array', items: { type: 'string', maxLength: 253, pattern: '^[a-z.]+$' }, minItems: 1, maxItems: 5, 'x-kubernetes-list-type': 'set' });
    expect(p.ports).toMatchObject({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name', 'port'], 'x-kubernetes-map-type': 'atomic' } });
    expect(p.labels).toEqual({ type: 'object', additionalProperties: { type: 'string' }, maxProperties: 20 });
    expect(p.limits).toEqual({ type: 'object', additionalProperties: { type: 'integer', format: 'int32', minimum: 0 } });
    expect(p.extra).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(p.options).toEqual({ type: 'object', properties: { verbose: { type: 'boolean' } }, maxProperties: 3, 'x-kubernetes-preserve-unknown-fields': true });
    expect(p.template).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-embedded-resource': true });
    const intOrString = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    expect(p.port).toEqual(intOrString);
    expect(p.target).toEqual(intOrString);
    expect(p.note).toEqual({ type: 'string', nullable: true });
    expect(p.matrix).toEqual({ type: 'array', items: { type: 'array', items: { type: 'integer', format: 'int32' } }, 'x-kubernetes-list-type': 'atomic' });
    expect(p.size?.['x-kubernetes-validations']).toEqual([
      { rule: 'oldSelf.hasValue() ? self >= oldSelf.value() : true', messageExpression: "'shrunk to ' + string(self)", optionalOldSelf: true },
    ]);
    expect(p.id).toEqual({ type: 'string' });
    expect(props(rootOf(kind, 1)).spec).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    const docs = toExportDocuments([kind]);
    expect(docs.schemas[0]?.spec).toMatchObject({ conversion: { strategy: 'None' } });
  });

  it('uses every directive the published definitions declare', () => {
    const declared = [...directiveDefinitions().matchAll(/^directive @(\w+)/gm)].map((m) => m[1]);
    const used = new Set([...fixture('everything.graphql').body.matchAll(/@(\w+)/g)].map((m) => m[1]));
    expect(declared.filter((d) => !used.has(d))).toEqual([]);
  });

  it('guesses plurals as Kubernetes tools do', () => {
    expect(['Widget', 'Policy', 'Class', 'Box', 'Key'].map(pluralOf)).toEqual(['widgets', 'policies', 'classes', 'boxes', 'keys']);
  });

  it('defaults names from the type: kind, plural, singular, list kind, namespaced', () => {
    const [k] = sdlToKinds([{ name: 'a.graphql', body: 'type Policy @resource(group: "p.example.dev", version: "v1") { spec: JSON }' }]);
    expect(k?.names).toEqual({ plural: 'policies', singular: 'policy', kind: 'Policy', listKind: 'PolicyList' });
    expect(k?.scope).toBe('Namespaced');
  });
});
