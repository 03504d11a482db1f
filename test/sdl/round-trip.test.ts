/**
 * CRD / APIResourceSchema → SDL → schema gives the original back (structurally), and
 * SDL → schema → SDL → schema is stable: the printed SDL is a fixed point after one round.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CrdSpec, JSONSchemaProps } from '../../src/crd/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { schemasToSdl, sdlToKinds, SdlError, toCrd, toExportDocuments } from '../../src/sdl/index.js';
import { fixture, fixturePath } from './support.js';

const yamlObjects = (file: string): KubeObject[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject);

const withoutAdded = (s: JSONSchemaProps | undefined): JSONSchemaProps => {
  const { apiVersion: _a, kind: _k, metadata: _m, ...properties } = s?.properties ?? {};
  return { ...s, properties };
};

describe('SDL round trips', () => {
  it('CRD → SDL → CRD gives the original CRD (names, scope, versions, schema, columns, subresources)', () => {
    const [crd] = yamlObjects(fixturePath('crontab-crd.yaml'));
    const sdl = schemasToSdl([crd as KubeObject]);
    const kinds = sdlToKinds([{ name: 'crontab.graphql', body: sdl }]);
    expect(kinds).toHaveLength(1);
    const back = toCrd(kinds[0] as (typeof kinds)[number]);
    const { conversion: _c, ...original } = (crd as KubeObject).spec as unknown as CrdSpec;
    expect(back.metadata.name).toBe((crd as KubeObject).metadata.name);
    expect(back.spec).toEqual(original);
    // And the printed SDL is a fixed point.
    expect(schemasToSdl([back])).toBe(sdl);
  });

  it('APIResourceSchema → SDL → APIResourceSchema gives the original spec', () => {
    const [schema] = yamlObjects(fileURLToPath(new URL('../../examples/providers/widgets-schema.yaml', import.meta.url)));
    const sdl = schemasToSdl([schema as KubeObject]);
    const back = toExportDocuments(sdlToKinds([{ name: 'widgets.graphql', body: sdl }])).schemas[0] as KubeObject;
    const original = (schema as KubeObject).spec as { versions: { schema: JSONSchemaProps }[] };
    const spec = back.spec as typeof original;
    expect(spec.versions.map((v) => ({ ...v, schema: withoutAdded(v.schema) }))).toEqual(original.versions);
    expect({ ...spec, versions: [] }).toEqual({ ...original, versions: [], names: { ...(original as unknown as { names: object }).names } });
  });

  for (const name of ['widget.graphql', 'everything.graphql']) {
    it(`SDL → schema → SDL → schema is stable (${name})`, () => {
      const first = toExportDocuments(sdlToKinds([fixture(name)]));
      const sdl = schemasToSdl(first.schemas);
      const second = toExportDocuments(sdlToKinds([{ name: 'printed.graphql', body: sdl }]));
      expect(second.schemas.map((s) => s.spec)).toEqual(first.schemas.map((s) => s.spec));
      expect(second.schemas.map((s) => s.metadata.name)).toEqual(first.schemas.map((s) => s.metadata.name));
      expect(schemasToSdl(second.schemas)).toBe(sdl);
    });
  }

  it('prints several versions of a kind as types naming the kind, the storage version under the kind’s name', () => {
    const sdl = schemasToSdl(toExportDocuments(sdlToKinds([fixture('everything.graphql')])).schemas);
    expect(sdl).toContain('type Gadget\n  @resource(group: "gadgets.example.dev", version: "v2"');
    expect(sdl).toContain('type GadgetV1\n  @resource(group: "gadgets.example.dev", version: "v1", scope: Cluster, kind: "Gadget"');
  });

  it('refuses what SDL cannot say, with the schema path, instead of dropping it', () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.dev' },
      spec: {
        group: 'example.dev',
        names: { plural: 'things', kind: 'Thing' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      'dashed-name': { type: 'string' },
                      either: { type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ required: ['a'] }] },
                      empty: { type: 'object' },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    expect(() => schemasToSdl([crd])).toThrow(SdlError);
    expect(() => schemasToSdl([crd])).toThrow(
      [
        'things.example.dev v1.spec: "dashed-name" is not a GraphQL field name',
        "things.example.dev v1.spec.either: oneOf cannot be expressed in Atoll's SDL",
        "things.example.dev v1.spec.empty: an object schema without properties has no GraphQL type; use JSON (free-form) or give it properties",
      ].join('\n'),
    );
    expect(() => schemasToSdl([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }])).toThrow(
      'ConfigMap x: only CustomResourceDefinition and APIResourceSchema convert to SDL',
    );
  });
});
