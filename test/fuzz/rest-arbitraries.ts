/**
 * What the REST fuzz suite sends: objects of the fuzzed kinds with wrong types and invalid values
 * in their fields, their encodings (JSON with numbers JavaScript cannot hold, YAML with anchors,
 * aliases, merge keys and tags, protobuf envelopes, truncations, random bytes, deep nesting, huge
 * strings), patches of the four kinds, Content-Types and query parameters, valid or not.
 */
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';

// ---- targets -----------------------------------------------------------------------------------

export interface Target {
  resource: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** The collection's path in root (namespace for namespaced ones). */
  collection(namespace: string): string;
  /** Kind-specific fields of an object (beside apiVersion, kind, metadata). */
  content: fc.Arbitrary<Record<string, unknown>>;
  /** Subresources worth addressing. */
  subresources: string[];
}

/** Names the fuzz cases share, so writes meet existing objects as often as missing ones. */
export const KNOWN_NAMES = ['fuzz-a', 'fuzz-b'];
/** Namespaces the suite creates before the run (fuzzed requests may delete them). */
export const KNOWN_NAMESPACES = ['default', 'fuzz-ns'];

// ---- values ------------------------------------------------------------------------------------

/**
 * A marker string that `encodeJson` replaces by the raw JSON text after it: numbers no JavaScript
 * number holds exactly (or at all), which JSON.stringify cannot write, and nesting too deep for it.
 */
const RAW = '\u0000raw:';
const rawNumber = fc.constantFrom('1e400', '-1e400', '-0', '1.0', '123456789012345678901234567890', '0.1e-999', '9007199254740993', '1E2', '-2147483649').map((n) => RAW + n);

/** Keys that pollute prototypes in naive merges, and others that trip naive code. */
const trickyKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '$patch', '$retainKeys', 'a.b', 'a/b', '~1', 'f:data', 'k:{"uid":"x"}', '.', '*');

const trickyString = fc.constantFrom('', ' ', 'null', 'true', '0', '-1', '\u0000', '\uffff', '\ud800', '😀', 'a'.repeat(300), '${x}', '%00', '\\', '"', "'", '\n', '*', '~', RAW.slice(0, -1));

const anyString = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) }, { weight: 2, arbitrary: trickyString });

/** Any JSON-ish value, small: what a wrongly typed field holds. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    rawNumber,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(anyString, trickyKey), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Either a well-typed value or, one time in three, anything else. */
const typed = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: anyValue });

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

/** Object names: the shared ones, valid fresh ones, and invalid ones of every sort. */
const objectName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_NAMES) },
  { weight: 2, arbitrary: dnsLabel },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom('', '.', '..', 'UPPER', '-a', 'a-', 'a..b', 'a.b', 'a:b', 'a b', 'a/b', 'a%2Fb', '%', 'a'.repeat(64), 'a'.repeat(254), 'ñ', 'root', 'system:admin'),
      anyString,
    ),
  },
);

const labelKey = fc.oneof(
  dnsLabel,
  fc.tuple(dnsLabel, dnsLabel).map(([p, n]) => `${p}.io/${n}`),
  fc.constantFrom('a/b/c', '/a', 'a/', 'x'.repeat(64), `${'p'.repeat(254)}/n`, 'kubernetes.io/x', 'a b'),
  anyString,
  trickyKey,
);
const labelValue = fc.oneof(dnsLabel, fc.constantFrom('', 'x'.repeat(64), '-a', 'a b'), anyString);
const stringMap = (value: fc.Arbitrary<string>): fc.Arbitrary<Record<string, string>> => fc.dictionary(labelKey, value, { maxKeys: 5 });

/** Annotation values are limited in total (256 KiB): sometimes just under, sometimes over. */
const annotationValue = fc.oneof({ weight: 8, arbitrary: anyString }, { weight: 1, arbitrary: fc.integer({ min: 250_000, max: 270_000 }).map((n) => 'a'.repeat(n)) });

const timestamp = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday', '', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'));

const ownerReference = fc.record(
  { apiVersion: typed(fc.constantFrom('v1', 'example.com/v1', 'a/b/c')), kind: typed(fc.constantFrom('ConfigMap', 'Namespace', '')), name: typed(objectName), uid: typed(fc.oneof(fc.uuid(), anyString)), controller: typed(fc.boolean()), blockOwnerDeletion: typed(fc.boolean()) },
  { requiredKeys: [] },
);

/** managedFields entries, whose fieldsV1 the server parses as a field set. */
const fieldsV1: fc.Arbitrary<unknown> = fc.letrec<{ f: unknown }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    fc.constant({}),
    fc.dictionary(fc.oneof(fc.constantFrom('f:data', 'f:metadata', 'f:labels', 'f:spec', '.', 'k:{"uid":"1"}', 'v:"x"', 'i:0', 'k:{', 'x:y'), fc.string({ maxLength: 8 }).map((s) => `f:${s}`)), tie('f'), { maxKeys: 4 }),
    anyValue,
  ),
})).f;
const managedField = fc.record(
  { manager: typed(anyString), operation: typed(fc.constantFrom('Apply', 'Update', 'Create')), apiVersion: typed(fc.constantFrom('v1', 'example.com/v1')), time: typed(timestamp), fieldsType: typed(fc.constantFrom('FieldsV1', 'FieldsV2')), fieldsV1, subresource: typed(fc.constantFrom('', 'status', 'scale')) },
  { requiredKeys: [] },
);

const metadata = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        name: typed(objectName),
        generateName: typed(fc.oneof(dnsLabel.map((s) => `${s}-`), anyString)),
        namespace: typed(fc.oneof(fc.constantFrom(...KNOWN_NAMESPACES), objectName)),
        labels: typed(stringMap(labelValue)),
        annotations: typed(stringMap(annotationValue)),
        finalizers: typed(fc.array(fc.oneof(fc.constantFrom('kubernetes', 'example.com/f', 'a/b/c', ''), anyString), { maxLength: 3 })),
        ownerReferences: typed(fc.array(ownerReference, { maxLength: 3 })),
        managedFields: typed(fc.array(managedField, { maxLength: 3 })),
        resourceVersion: typed(fc.oneof(fc.nat().map(String), anyString)),
        uid: typed(fc.oneof(fc.uuid(), anyString)),
        generation: typed(fc.integer()),
        creationTimestamp: typed(timestamp),
        deletionTimestamp: typed(timestamp),
        deletionGracePeriodSeconds: typed(fc.integer()),
        selfLink: anyValue,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

// ---- the fuzzed kinds --------------------------------------------------------------------------

const configMapContent = fc.record(
  {
    data: typed(stringMap(fc.oneof(anyString, annotationValue))),
    binaryData: typed(fc.dictionary(labelKey, fc.oneof(fc.base64String({ maxLength: 40 }), anyString), { maxKeys: 3 })),
    immutable: typed(fc.boolean()),
  },
  { requiredKeys: [] },
);

const namespaceContent = fc.record(
  {
    spec: typed(fc.record({ finalizers: typed(fc.array(fc.oneof(fc.constant('kubernetes'), anyString), { maxLength: 3 })) }, { requiredKeys: [] })),
    status: typed(fc.record({ phase: typed(fc.constantFrom('Active', 'Terminating', 'Gone')) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

const workspaceContent = fc.record(
  {
    spec: typed(
      fc.record(
        {
          type: typed(fc.record({ name: typed(fc.constantFrom('universal', 'organization', 'team', 'nope', '')), path: typed(fc.constantFrom('root', 'root:nope', ':', '')) }, { requiredKeys: [] })),
          URL: typed(anyString),
          cluster: typed(anyString),
          location: typed(fc.record({ selector: typed(fc.record({ matchLabels: typed(stringMap(labelValue)) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
          mount: anyValue,
        },
        { requiredKeys: [] },
      ),
    ),
    status: anyValue,
  },
  { requiredKeys: [] },
);

const widgetContent = fc.record(
  {
    spec: typed(
      fc.record(
        {
          color: typed(fc.constantFrom('red', 'green', 'blue', 'purple')),
          replicas: typed(fc.integer({ min: -5, max: 200 })),
          minReplicas: typed(fc.integer({ min: -5, max: 200 })),
          size: typed(fc.constantFrom('1Gi', '10Mi', 'big', '')),
          owner: typed(anyString),
          port: typed(fc.oneof(fc.integer(), anyString)),
          tags: typed(fc.array(anyString, { maxLength: 4 })),
          extra: anyValue,
        },
        { requiredKeys: [] },
      ),
    ),
    status: typed(fc.record({ replicas: typed(fc.integer()), phase: typed(anyString) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

export const TARGETS: Target[] = [
  { resource: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap', namespaced: true, collection: (ns) => `/clusters/root/api/v1/namespaces/${ns}/configmaps`, content: configMapContent, subresources: [] },
  { resource: 'namespaces', apiVersion: 'v1', kind: 'Namespace', namespaced: false, collection: () => '/clusters/root/api/v1/namespaces', content: namespaceContent, subresources: ['status', 'finalize'] },
  { resource: 'workspaces', apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', namespaced: false, collection: () => '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', content: workspaceContent, subresources: ['status'] },
  { resource: 'widgets', apiVersion: 'example.com/v1', kind: 'Widget', namespaced: true, collection: (ns) => `/clusters/root/apis/example.com/v1/namespaces/${ns}/widgets`, content: widgetContent, subresources: ['status', 'scale'] },
];

/** An object of the target's kind: right apiVersion and kind most of the time, any of its fields possibly wrong. */
const objectOf = (t: Target): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant(t.apiVersion) }, { weight: 1, arbitrary: fc.option(typed(fc.constantFrom('v1', 'v2', 'example.com/v1', 'apps/v1', '/', 'a/b/c')), { nil: undefined }) }),
      fc.oneof({ weight: 6, arbitrary: fc.constant(t.kind) }, { weight: 1, arbitrary: fc.option(typed(fc.constantFrom('ConfigMap', 'Namespace', 'Workspace', 'Widget', 'Status', 'List', '')), { nil: undefined }) }),
      metadata,
      t.content,
      fc.dictionary(fc.oneof(anyString, trickyKey), anyValue, { maxKeys: 2 }),
    )
    .map(([apiVersion, kind, meta, content, extra]) => ({ ...extra, apiVersion, kind, metadata: meta, ...content }));

// ---- encodings ---------------------------------------------------------------------------------

/** JSON text of a value, its RAW markers replaced by their raw text (numbers, nested documents). */
function encodeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"\\u0000raw:(?:[^"\\]|\\.)*"/g, (literal) => (JSON.parse(literal) as string).slice(RAW.length));
}

/** A body and the Content-Type it is meant for (the suite sometimes sends another). */
export interface Body {
  text: string | Uint8Array;
  contentType: string;
}

const json = (value: unknown): Body => ({ text: encodeJson(value), contentType: 'application/json' });

/**
 * YAML of a value; a value holding the same object twice is written with an anchor and aliases,
 * as the yaml package does.
 */
const yamlOf = (value: unknown): Body => ({ text: toYaml(value, { aliasDuplicateObjects: true }), contentType: 'application/yaml' });

const YAML_SCALARS = [
  '"plain"', 'x', '~', 'null', 'yes', 'no', 'on', '0x1F', '0o17', '1_000', '.inf', '-.inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '!!binary aGVsbG8=', '!!binary "not base64!"', '!!timestamp 2001-12-14', '!!timestamp nope', '!!int "12"', '!!float "x"', '!!str 12', '!!null ""',
  '!custom x', '!<tag:yaml.org,2002:str> y', '123456789012345678901234567890', '|\n    block', '>-\n    folded', '"\\x00\\uD800"', "'single'",
];
const YAML_COLLECTIONS = ['{a: "1", b: "2"}', '[a, b]', '!!set {a, b}', '!!omap [a: 1, b: 2]', '!!pairs [a: 1, a: 2]', '{a: 1, a: 2}', '{? [k] : v}', '{? {k: v} : v}', '[]', '{}', '!!map {}', '!!seq []'];

/**
 * YAML documents built around anchors and aliases: an anchored map, list and scalar reused as
 * labels, data, names and keys, merge keys (`<<`) of maps, lists and scalars, aliases to
 * undefined anchors, self-referencing anchors, many aliases to one anchor (around the limit of
 * 100), small alias bombs, tags, several documents.
 */
const yamlWithAliases = (t: Target): fc.Arbitrary<Body> =>
  fc
    .record({
      name: objectName,
      scalar: fc.constantFrom(...YAML_SCALARS),
      collection: fc.constantFrom(...YAML_COLLECTIONS),
      labels: fc.constantFrom('*m', '*s', '*l', '{<<: *m, c: "3"}', '{<<: [*m, *m]}', '{<<: *s}', '{<<: *l}', '*nope', '{a: *m}', '{? *m : x}', '{? *s : x}'),
      name2: fc.constantFrom('NAME', '*s', '*m', '*l', '&n NAME', '*self'),
      field: fc.constantFrom('data', 'spec', 'metadata', 'status', 'binaryData'),
      aliases: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 95, max: 110 })),
      bombLevels: fc.integer({ min: 0, max: 5 }),
      bombWidth: fc.integer({ min: 1, max: 6 }),
      selfRef: fc.boolean(),
      documents: fc.constantFrom('', '---\n', '...\n---\n', '---\na: 1\n'),
    })
    .map((p) => {
      const lines = [
        `apiVersion: ${t.apiVersion}`,
        `kind: ${t.kind}`,
        `anchors: {s: &s ${p.scalar}, m: &m {a: "1", b: "2"}, l: &l ${p.collection}}`,
        'metadata:',
        `  name: ${p.name2.replace('NAME', JSON.stringify(p.name))}`,
        `  labels: ${p.labels}`,
        `  annotations: {${Array.from({ length: p.aliases }, (_, i) => `k${i}: *s`).join(', ')}}`,
      ];
      if (p.selfRef) lines.push('self: &self [*self]');
      if (p.bombLevels > 0) {
        lines.push(`b0: &b0 ["lol"]`);
        for (let level = 1; level <= p.bombLevels; level++) lines.push(`b${level}: &b${level} [${Array(p.bombWidth).fill(`*b${level - 1}`).join(', ')}]`);
      }
      lines.push(`${p.field}: {x: *s, y: *m, z: *l}`);
      return { text: `${p.documents}${lines.join('\n')}\n`, contentType: 'application/yaml' };
    });

/** Nested arrays or objects, `depth` levels, sometimes around the server's limit of 512. */
const depth = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 505, max: 520 }), fc.integer({ min: 521, max: 5000 }));
const nested = fc.tuple(depth, fc.constantFrom('[', '{"a":', '{"a":[', '- ', '{a: ')).map(([d, open]) => {
  const close = { '[': ']', '{"a":': '}', '{"a":[': ']}', '- ': '', '{a: ': '}' }[open];
  if (open === '- ') return Array.from({ length: Math.min(d, 900) }, (_, i) => `${'  '.repeat(i)}- `).join('\n') + 'x';
  return open.repeat(d) + (open === '[' ? '' : '1') + close.repeat(d);
});

/** Strings sized around the limits: a ConfigMap's 1 MiB of data, a body's 3 MiB. */
const hugeString = fc.tuple(fc.constantFrom(1024 * 1024 - 200, 1024 * 1024 + 10, 3 * 1024 * 1024 - 400, 3 * 1024 * 1024 + 10, 100_000), fc.constantFrom('x', 'é', '😀', '\\"')).map(([bytes, unit]) => unit.repeat(Math.floor(bytes / Buffer.byteLength(unit))));

/**
 * A create or update body for the target: mostly an object of its kind (as JSON or YAML), or
 * something that is no such object at all.
 */
export const bodyFor = (t: Target): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 10, arbitrary: objectOf(t).map(json) },
    { weight: 3, arbitrary: objectOf(t).map(yamlOf) },
    // The same object twice in one value: YAML anchors and aliases of the yaml package's own.
    { weight: 2, arbitrary: fc.tuple(objectOf(t), fc.constantFrom('data', 'spec', 'status', 'x')).map(([o, k]) => yamlOf({ ...o, [k]: o.metadata, extra: o.metadata })) },
    { weight: 4, arbitrary: yamlWithAliases(t) },
    { weight: 2, arbitrary: fc.json().map((text) => ({ text, contentType: 'application/json' })) },
    { weight: 2, arbitrary: fc.anything().map(json) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((text) => ({ text, contentType: 'application/json' })) },
    // Kubernetes' protobuf envelope (`k8s\0`) with random contents after it.
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => ({ text: Buffer.concat([Buffer.from('k8s\0'), b]), contentType: 'application/vnd.kubernetes.protobuf' })) },
    { weight: 3, arbitrary: fc.tuple(objectOf(t), fc.double({ min: 0, max: 1, noNaN: true })).map(([o, cut]) => truncated(encodeJson(o), cut, 'application/json')) },
    { weight: 1, arbitrary: fc.tuple(objectOf(t), fc.double({ min: 0, max: 1, noNaN: true })).map(([o, cut]) => truncated(toYaml(o), cut, 'application/yaml')) },
    { weight: 3, arbitrary: fc.tuple(objectOf(t), nested, fc.constantFrom('data', 'spec', 'metadata', 'x')).map(([o, n, k]) => ({ text: encodeJson({ ...o, [k]: `${RAW}${n}` }), contentType: 'application/json' })) },
    { weight: 1, arbitrary: nested.map((n) => ({ text: n, contentType: n.startsWith('-') || n.startsWith('{a') ? 'application/yaml' : 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(objectOf(t), hugeString, fc.constantFrom('data', 'name', 'annotation', 'label', 'field')).map(([o, s, where]) => json(withHuge(o, s, where))) },
  );

const truncated = (text: string, cut: number, contentType: string): Body => ({ text: text.slice(0, Math.floor(text.length * cut)), contentType });

function withHuge(o: Record<string, unknown>, s: string, where: string): Record<string, unknown> {
  const meta = typeof o.metadata === 'object' && o.metadata !== null && !Array.isArray(o.metadata) ? o.metadata : {};
  switch (where) {
    case 'data':
      return { ...o, data: { big: s }, spec: { extra: { big: s } } };
    case 'name':
      return { ...o, metadata: { ...meta, name: s } };
    case 'annotation':
      return { ...o, metadata: { ...meta, annotations: { big: s } } };
    case 'label':
      return { ...o, metadata: { ...meta, labels: { big: s } } };
    default:
      return { ...o, [s.slice(0, 1000)]: s };
  }
}

// ---- patches -----------------------------------------------------------------------------------

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;

const pointer = fc.oneof(
  fc.constantFrom('', '/', '/metadata', '/metadata/name', '/metadata/labels/a', '/metadata/labels/a~1b', '/metadata/annotations/~0', '/data/x', '/data', '/spec/tags/-', '/spec/tags/0', '/spec/tags/99999999999', '/spec/tags/-1', '/spec/tags/01', '/metadata/finalizers/0', '/metadata/ownerReferences/-', '/spec', '/status', '/~2', 'no-slash', '/metadata/__proto__/x', '/__proto__/polluted', '/constructor/prototype/polluted', '/metadata/managedFields/0/fieldsV1'),
  fc.array(fc.oneof(anyString, trickyKey, fc.nat({ max: 5 }).map(String), fc.constant('-')), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);
const jsonPatchOperation = fc.record(
  { op: typed(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope')), path: typed(pointer), from: typed(pointer), value: anyValue },
  { requiredKeys: [] },
);

/** Strategic merge patch directives on the lists and maps the fuzzed kinds have. */
const strategicDirectives = fc.record(
  {
    $patch: typed(fc.constantFrom('replace', 'delete', 'merge', 'nope')),
    $retainKeys: typed(fc.array(fc.constantFrom('data', 'metadata', 'spec', 'x'), { maxLength: 3 })),
    '$setElementOrder/finalizers': typed(fc.array(anyValue, { maxLength: 3 })),
    '$deleteFromPrimitiveList/finalizers': typed(fc.array(anyValue, { maxLength: 3 })),
    '$setElementOrder/ownerReferences': typed(fc.array(fc.record({ uid: typed(anyString) }, { requiredKeys: [] }), { maxLength: 3 })),
    ownerReferences: typed(fc.array(fc.oneof(ownerReference, fc.record({ uid: typed(anyString), $patch: typed(fc.constantFrom('delete', 'replace', 'merge', 'x')) }, { requiredKeys: [] })), { maxLength: 3 })),
    finalizers: typed(fc.array(fc.oneof(anyString, fc.record({ $patch: typed(fc.constantFrom('delete', 'replace')) })), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

/** A PATCH body for the target, of the given patch media type. */
export const patchFor = (t: Target, type: (typeof PATCH_TYPES)[number]): fc.Arbitrary<Body> => {
  const as = (b: Body): Body => ({ ...b, contentType: type });
  switch (type) {
    case 'application/json-patch+json':
      return fc.oneof({ weight: 6, arbitrary: fc.array(jsonPatchOperation, { maxLength: 6 }).map(json) }, { weight: 2, arbitrary: bodyFor(t) }).map(as);
    case 'application/merge-patch+json':
      return fc.oneof({ weight: 6, arbitrary: objectOf(t).map(json) }, { weight: 1, arbitrary: fc.constant(json(null)) }, { weight: 3, arbitrary: bodyFor(t) }).map(as);
    case 'application/strategic-merge-patch+json':
      return fc
        .oneof(
          { weight: 4, arbitrary: fc.tuple(objectOf(t), strategicDirectives, strategicDirectives).map(([o, top, meta]) => json({ ...o, ...top, metadata: { ...(typeof o.metadata === 'object' ? o.metadata : {}), ...meta } })) },
          { weight: 2, arbitrary: bodyFor(t) },
        )
        .map(as);
    case 'application/apply-patch+yaml':
      return fc.oneof({ weight: 4, arbitrary: objectOf(t).map(yamlOf) }, { weight: 2, arbitrary: objectOf(t).map(json) }, { weight: 3, arbitrary: bodyFor(t) }).map(as);
  }
};

/** DeleteOptions bodies, well-formed or not. */
export const deleteOptions: fc.Arbitrary<Body> = fc.oneof(
  fc
    .record(
      {
        apiVersion: typed(fc.constantFrom('v1', 'meta.k8s.io/v1')),
        kind: typed(fc.constantFrom('DeleteOptions', 'Status')),
        propagationPolicy: typed(fc.constantFrom('Foreground', 'Background', 'Orphan', 'nope')),
        orphanDependents: typed(fc.boolean()),
        gracePeriodSeconds: typed(fc.integer()),
        dryRun: typed(fc.array(fc.constantFrom('All', 'Some'), { maxLength: 2 })),
        preconditions: typed(fc.record({ uid: typed(fc.uuid()), resourceVersion: typed(fc.nat().map(String)) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    )
    .map(json),
  fc.uint8Array({ maxLength: 64 }).map((text) => ({ text, contentType: 'application/json' })),
  fc.json().map((text) => ({ text, contentType: 'application/json' })),
);

// ---- headers and query parameters --------------------------------------------------------------

/** Characters a client can put in a header value (Node refuses the others before sending). */
const headerChar = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) }, { weight: 1, arbitrary: fc.constant(0x09) }).map((c) => String.fromCharCode(c));
const headerText = fc.array(headerChar, { maxLength: 60 }).map((cs) => cs.join(''));

/** Content-Types: the served ones (with parameters), unserved ones, and malformed ones. */
export const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', ...PATCH_TYPES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'application/json;charset=utf-16', 'APPLICATION/JSON', 'application/json;', 'application/json;;', ';;;==', 'application/json; a=1; a=2', 'application/json; a',
      'application/json; a="unterminated', 'text/plain', '*/*', 'application/*', 'application/cbor', 'application/apply-patch+cbor', 'text/yaml', 'application/x-yaml', 'application/json-patch+json; x=y',
      'application/vnd.kubernetes.protobuf;stream=watch', '', ' ', '/', 'application/', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded',
    ),
  },
  { weight: 2, arbitrary: headerText },
);

/** Accept headers, from kubectl's to nonsense (every answer is JSON or a JSON Table). */
export const accept = fc.option(
  fc.oneof(
    fc.constantFrom('application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'application/json;as=Table;v=v9;g=meta.k8s.io', 'application/vnd.kubernetes.protobuf, */*', 'text/html', 'application/yaml', '*/*;q=0', ';;', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'),
    headerText,
  ),
  { nil: undefined },
);

const labelSelector = fc.oneof(
  fc.array(
    fc.oneof(
      fc.tuple(labelKey, fc.constantFrom('=', '==', '!=', ' in ', ' notin ', '>', '<', ''), fc.array(labelValue, { maxLength: 3 })).map(([k, op, vs]) => (op.includes('in') ? `${k}${op}(${vs.join(',')})` : `${k}${op}${vs[0] ?? ''}`)),
      labelKey.map((k) => `!${k}`),
    ),
    { minLength: 1, maxLength: 3 },
  ).map((parts) => parts.join(',')),
  fc.constantFrom('a in (', 'a notin ()', '!', '==', ',', 'a=b,,c=d', 'a>1x', 'a<-1', '!a=b', 'a in (b c)', `${'k'.repeat(100)}=v`),
);
const fieldSelector = fc.oneof(
  fc.array(
    fc.tuple(fc.constantFrom('metadata.name', 'metadata.namespace', 'spec.color', 'status.phase', 'spec.replicas', 'unknown.field', '', 'metadata', 'metadata.labels.a'), fc.constantFrom('=', '==', '!=', ' in ', '>'), fc.oneof(objectName, anyString)).map(([k, op, v]) => `${k}${op}${v}`),
    { minLength: 1, maxLength: 3 },
  ).map((parts) => parts.join(',')),
  fc.constantFrom('=', 'a', 'a=b=c', 'metadata.name=a\\,b', 'metadata.name=\\', ',', 'metadata.name in (a,b)'),
);

const number = fc.oneof(fc.integer({ min: -10, max: 1000 }).map(String), fc.constantFrom('0', '-1', '1.5', '1e3', '99999999999999999999999', '9007199254740993', ' 1', '0x10', 'NaN', 'Infinity', ''));
const bool = fc.constantFrom('true', 'false', '1', '0', 'True', 'yes', '', 'tru');
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const continueToken = fc.oneof(
  anyString,
  fc.base64String({ maxLength: 40 }),
  fc.record({ v: typed(fc.constant(1)), r: typed(fc.oneof(fc.nat(), fc.constantFrom(2 ** 53, -1, 1.5))), g: typed(fc.constantFrom('configmaps', 'namespaces', 'workspaces.tenancy.kcp.io', 'widgets.example.com')), k: typed(fc.array(anyString, { minLength: 3, maxLength: 3 })) }, { requiredKeys: [] }).map(b64),
  fc.record({ a: anyValue, r: anyValue }, { requiredKeys: [] }).map((v) => `shared.${b64(v)}`),
  fc.constantFrom('shared.', 'shared.!!', 'null', b64(null), b64([]), b64('x')),
);
const resourceVersion = fc.oneof(fc.nat({ max: 50 }).map(String), fc.constantFrom('0', '', '-1', '1.5', 'abc', '99999999999999999999', '9007199254740993', '18446744073709551616', ' 1'), anyString);

/** Values of each query parameter the REST surface reads (and some it does not), valid or not. */
const PARAMETERS: Record<string, fc.Arbitrary<string>> = {
  labelSelector,
  fieldSelector,
  limit: number,
  continue: continueToken,
  resourceVersion,
  resourceVersionMatch: fc.constantFrom('NotOlderThan', 'Exact', 'exact', '', 'x'),
  watch: bool,
  timeoutSeconds: number,
  allowWatchBookmarks: bool,
  sendInitialEvents: bool,
  fieldValidation: fc.constantFrom('Strict', 'Warn', 'Ignore', 'strict', '', 'x'),
  fieldManager: fc.oneof(fc.constantFrom('fuzz', 'kubectl', '', 'x'.repeat(129)), anyString),
  force: bool,
  dryRun: fc.constantFrom('All', 'all', '', 'None', 'All,All'),
  propagationPolicy: fc.constantFrom('Foreground', 'Background', 'Orphan', '', 'x'),
  orphanDependents: bool,
  gracePeriodSeconds: number,
  includeObject: fc.constantFrom('None', 'Metadata', 'Object', '', 'x'),
  pretty: bool,
};

/** encodeURIComponent, which throws on lone surrogates: those become U+FFFD, as URLSearchParams makes them. */
const encode = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));

/** The name of any query parameter, or a random one; values are anything, or the parameter's own kind. */
const queryEntry = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.keys(PARAMETERS)).chain((k) => fc.tuple(fc.constant(k), fc.oneof({ weight: 3, arbitrary: PARAMETERS[k] as fc.Arbitrary<string> }, { weight: 1, arbitrary: anyString }))) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(anyString, trickyKey), anyString) },
);

/**
 * A query string: the parameters URL-encoded, or (one time in five) written raw, with malformed
 * percent-escapes and unescaped characters the parser must survive.
 */
export const queryString = fc.tuple(fc.array(queryEntry, { maxLength: 5 }), fc.nat({ max: 4 }), fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '&&', '=', '?', '+', '%ff')).map(([entries, raw, junk]) => {
  if (entries.length === 0) return '';
  if (raw > 0) return `?${new URLSearchParams(entries).toString()}`;
  return `?${entries.map(([k, v]) => `${encode(k)}=${encode(v)}${junk}`).join('&')}`;
});

/** A path segment for a name: percent-encoded, or raw with whatever malformed escape it holds. */
export const nameSegment = fc.tuple(objectName, fc.constantFrom('encoded', 'encoded', 'encoded', 'raw')).map(([name, how]) =>
  how === 'raw' ? name.replace(/[^\x21-\x7e]/gu, (c) => encode(c)).replace(/[/?#]/g, '%') || '%' : encode(name),
);
