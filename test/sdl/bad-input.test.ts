/**
 * SDL that cannot become a structural schema: every problem is reported at once, each at its
 * `file:line:col`, in reading order.
 */
import { describe, expect, it } from 'vitest';
import { SdlError, sdlToKinds } from '../../src/sdl/index.js';

function problems(body: string): string[] {
  try {
    sdlToKinds([{ name: 'bad.graphql', body }]);
  } catch (e) {
    if (e instanceof SdlError) return e.message.split('\n');
    throw e;
  }
  throw new Error('converted without errors');
}

const RES = '@resource(group: "things.example.dev", version: "v1")';

describe('bad SDL', () => {
  it('reports syntax errors at their place', () => {
    expect(problems(`type Thing ${RES} {\n  spec: {\n}`)).toEqual(['bad.graphql:2:9: Syntax Error: Expected Name, found "{".']);
  });

  it('reports unknown directives and wrong arguments as graphql-js validates them', () => {
    expect(problems(`type Thing ${RES} {\n  spec: Int @mininum(value: 1)\n}`)).toEqual(['bad.graphql:2:13: Unknown directive "@mininum".']);
    expect(problems(`type Thing ${RES} {\n  b: Int @minimum(value: "x")\n}`)).toEqual(['bad.graphql:2:26: Argument "value" has invalid value "x".']);
  });

  it('refuses unions, interfaces that are field types or implemented by nothing, recursive types and unknown scalars', () => {
    const body = [
      `type Thing ${RES} { spec: Spec }`, // 1
      'type Spec { pet: Pet  node: Node  price: Money  loop: Loop }', // 2
      'union Pet = Spec | Loop', // 3
      'interface Node { id: ID }', // 4
      'scalar Money', // 5
      'type Loop { next: Loop }', // 6
    ].join('\n');
    expect(problems(body)).toEqual([
      'bad.graphql:2:18: union Pet cannot be the type of a schema field: use an object type',
      'bad.graphql:2:29: interface Node cannot be the type of a schema field: use an object type',
      'bad.graphql:2:42: unknown scalar Money: use String (with @format or @pattern), Int, Int64, Float, Boolean, ID, IntOrString, Map or JSON',
      'bad.graphql:3:1: union Pet cannot become a structural schema: Kubernetes schemas have no unions; use one object type with optional fields',
      'bad.graphql:4:1: interface Node is implemented by no @resource type (or type a resource uses): a Kubernetes schema cannot express it',
      'bad.graphql:6:19: recursive type: Thing → Spec → Loop → Loop; a structural schema is finite (use JSON for free-form nesting)',
    ]);
  });

  it('lets an interface share fields between resource types', () => {
    const body = `interface Named { name: String }\ntype Thing implements Named ${RES} { name: String }`;
    expect(sdlToKinds([{ name: 'ok.graphql', body }])).toHaveLength(1);
  });

  it('refuses groups that belong to Kubernetes, kcp or Atoll, and resources defined twice', () => {
    const body = [
      'type Deployment @resource(group: "apps", version: "v1") { spec: JSON }',
      'type Workspace @resource(group: "tenancy.kcp.io", version: "v1alpha1") { spec: JSON }',
      'type Pod @resource(group: "", version: "v1") { spec: JSON }',
      'type Thing @resource(group: "things.example.dev", version: "v1", plural: "things") { spec: JSON }',
      'type Other @resource(group: "things.example.dev", version: "v1", plural: "things") { spec: JSON }',
    ].join('\n');
    expect(problems(body)).toEqual([
      "bad.graphql:1:17: deployments.apps: group apps belongs to Kubernetes; an export of it would collide with the consumers' own; give the resource a group of your own domain",
      'bad.graphql:2:16: workspaces.tenancy.kcp.io: group tenancy.kcp.io is built into Atoll, and Atoll serves workspaces.tenancy.kcp.io itself; give the resource a group of your own domain',
      "bad.graphql:3:10: pods: the core group belongs to Kubernetes; give the resource a group of your own domain",
      'bad.graphql:5:12: resource things.things.example.dev is defined by two kinds',
    ]);
  });

  it('refuses fields Atoll adds, and @status elsewhere than on status', () => {
    expect(problems(`type Thing ${RES} {\n  metadata: JSON\n  state: JSON @status\n}`)).toEqual([
      'bad.graphql:2:3: field Thing.metadata is added to every resource by Atoll; remove it',
      'bad.graphql:3:15: @status belongs on the field named status (the status subresource is .status), not on state',
    ]);
  });

  it('refuses conflicting directives', () => {
    const body = `type Thing ${RES} {\n  a: Int @minimum(value: 1) @exclusiveMinimum(value: 2)\n  b: [String!] @listType(type: atomic) @uniqueItems\n  c: Int @listType(type: set)\n}`;
    expect(problems(body)).toEqual([
      'bad.graphql:2:29: conflicting directives on field a: @minimum and @exclusiveMinimum',
      'bad.graphql:3:40: conflicting directives on field b: list type atomic and set',
      'bad.graphql:4:10: @listType belongs on a list field (field c is not a list)',
    ]);
  });

  it('refuses versions without exactly one storage version, and conflicting names between versions', () => {
    const body = [
      'type ThingV1 @resource(group: "things.example.dev", version: "v1", kind: "Thing", plural: "things") { spec: JSON }',
      'type ThingV2 @resource(group: "things.example.dev", version: "v2", kind: "Thing", plural: "thingies") { spec: JSON }',
    ].join('\n');
    expect(problems(body)).toEqual([
      'bad.graphql:1:14: Thing has 2 versions: exactly one needs @resource(storage: true) (it has 0)',
      'bad.graphql:2:14: conflicting directives: the versions of Thing give different @resource(plural:) values',
    ]);
  });

  it('compiles CEL rules with the server’s environment and reports failures at the @validate', () => {
    const body = `type Thing ${RES} {\n  spec: Spec\n}\ntype Spec {\n  size: Int @validate(rule: "self >", message: "m")\n  name: String @validate(rule: "self.foo == 1")\n}`;
    const found = problems(body);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^bad\.graphql:5:13: Thing v1: \.spec\.size\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self >": compilation failed: /);
    expect(found[1]).toMatch(/^bad\.graphql:6:16: Thing v1: \.spec\.name\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.foo == 1": compilation failed: /);
  });

  it('reports the server’s schema checks at the field: a default that breaks its own rule, a bad printer column', () => {
    const body = `type Thing ${RES}\n  @printerColumn(name: "X", type: string, jsonPath: ".spec[") {\n  spec: Spec\n}\ntype Spec {\n  size: Int @maximum(value: 3) @default(value: 5)\n}`;
    const found = problems(body);
    expect(found[0]).toMatch(/^bad\.graphql:2:3: Thing v1: additionalPrinterColumns\[0\]\.jsonPath: Invalid value: /);
    expect(found[1]).toMatch(/^bad\.graphql:6:3: Thing v1: \.spec\.size\.default: Invalid value: 5: /);
  });

  it('says so when nothing is a resource', () => {
    expect(problems('type Spec { a: Int }')).toEqual(['no type is marked @resource(group:, version:): nothing to convert']);
  });
});
