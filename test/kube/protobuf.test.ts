/**
 * The protobuf body decoder: kubectl 1.32 sends typed `create` and `auth can-i` bodies only
 * as application/vnd.kubernetes.protobuf, so these bodies must decode to exactly the JSON
 * kubectl would have sent. Real bodies captured from kubectl (fixtures/protobuf, see
 * capture.ts) are compared to kubectl's own JSON rendering; a synthetic table covers every
 * supported kind and Go's omitempty/null/time/bytes rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeKubeProtobuf,
  decodeKubeProtobufBody,
  isKubeProtobuf,
} from '../../src/kube/protobuf/index.js';
import { messageForKind, root, supportedKinds } from '../../src/kube/protobuf/registry.js';
import { messageToJson } from '../../src/kube/protobuf/to-json.js';
import { ApiError } from '../../src/registry/errors.js';
import { CASES, encodeBody } from './fixtures/protobuf/cases.js';

const fixtures = new URL('./fixtures/protobuf/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, fixtures));

/** Runs `fn` expecting an ApiError, and returns it. */
function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw new Error(`expected an ApiError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

function envelope(fields: Record<string, unknown>): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknownType.encode(unknownType.fromObject(fields)).finish()]);
}

describe('real kubectl 1.32 request bodies', () => {
  // Captured by capture.ts from /usr/bin/kubectl (v1.32.4). For `create` commands the .json
  // is kubectl's own `--dry-run=client -o json` output for the same object.
  const names = [
    'configmap',
    'configmap-binary',
    'secret',
    'secret-typed',
    'namespace',
    'serviceaccount',
    'role',
    'rolebinding',
    'clusterrole',
    'clusterrole-aggregated',
    'clusterrolebinding',
    'quota',
    'token',
    'can-i',
    'can-i-nonresource',
    'can-i-list',
    'whoami',
  ];

  it.each(names)('%s decodes to the JSON kubectl would have sent, byte for byte', (name) => {
    const decoded = decodeKubeProtobufBody(fixture(`${name}.pb`));
    const expected = JSON.parse(fixture(`${name}.json`).toString('utf8')) as unknown;
    expect(decoded).toEqual(expected);
    // Same key order as Go's encoding/json, too.
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(expected));
  });

  it('carries the values kubectl was given', () => {
    expect(decodeKubeProtobuf(fixture('configmap.pb'))).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
    expect(decodeKubeProtobuf(fixture('secret.pb'))).toMatchObject({ kind: 'Secret', data: { p: Buffer.from('q').toString('base64') } });
    expect(decodeKubeProtobuf(fixture('configmap-binary.pb')).binaryData).toEqual({
      blob: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]).toString('base64'),
    });
    expect(decodeKubeProtobuf(fixture('quota.pb')).spec).toEqual({ hard: { cpu: '1', memory: '1Gi', pods: '10' }, scopes: ['BestEffort'] });
    expect(decodeKubeProtobuf(fixture('role.pb')).rules).toEqual([
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'] },
    ]);
    expect(decodeKubeProtobuf(fixture('clusterrole-aggregated.pb')).rules).toBeNull();
    expect(decodeKubeProtobuf(fixture('token.pb')).spec).toEqual({ audiences: ['api'], expirationSeconds: 600, boundObjectRef: null });
    expect(decodeKubeProtobuf(fixture('can-i.pb')).spec).toEqual({
      resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods', subresource: 'log' },
    });
  });

  it('refuses a kind it has no message for (kubectl create deployment) with 415', () => {
    const err = apiError(() => decodeKubeProtobuf(fixture('deployment.pb')));
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.code).toBe(415);
    expect(err.message).toContain('"Deployment"');
    expect(err.message).toContain('apps/v1');
    expect(err.message).toContain('application/json');
  });
});

describe('synthetic bodies for every supported kind', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const body = encodeBody(c.apiVersion, c.kind, c.message, c.input);
    expect(decodeKubeProtobufBody(body)).toEqual(c.expected);
    if (c.kind !== 'DeleteOptions') expect(decodeKubeProtobuf(body)).toEqual(c.expected);
  });

  it('covers every supported kind in the table', () => {
    const covered = new Set(CASES.map((c) => `${c.apiVersion}/${c.kind}`));
    expect(supportedKinds().filter((k) => !covered.has(k))).toEqual([]);
  });

  it.each(supportedKinds())('%s decodes an empty message to an object with metadata', (key) => {
    const slash = key.lastIndexOf('/');
    const [apiVersion, kind] = [key.slice(0, slash), key.slice(slash + 1)];
    const obj = decodeKubeProtobuf(envelope({ typeMeta: { apiVersion, kind }, raw: Buffer.alloc(0) }));
    expect(obj).toMatchObject({ apiVersion, kind, metadata: { creationTimestamp: null } });
  });

  it('accepts DeleteOptions under any group version, but not as an API object', () => {
    expect(messageForKind('rbac.authorization.k8s.io/v1', 'DeleteOptions')).toBe(messageForKind('v1', 'DeleteOptions'));
    const body = encodeBody('meta.k8s.io/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', {
      propagationPolicy: 'Background',
    });
    expect(decodeKubeProtobufBody(body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', propagationPolicy: 'Background' });
    expect(apiError(() => decodeKubeProtobuf(body)).reason).toBe('BadRequest');
  });
});

describe('Go JSON forms of special types', () => {
  const intOrString = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
  const quantity = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
  const time = '.k8s.io.apimachinery.pkg.apis.meta.v1.Time';
  const micro = '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime';

  it('IntOrString is the bare int or string', () => {
    expect(messageToJson(intOrString, { intVal: 8080 }, 'port')).toBe(8080);
    expect(messageToJson(intOrString, undefined, 'port')).toBe(0);
    expect(messageToJson(intOrString, { type: 1, strVal: 'http' }, 'port')).toBe('http');
    expect(messageToJson(intOrString, { type: 1 }, 'port')).toBe('');
    expect(apiError(() => messageToJson(intOrString, { type: 2 }, 'spec.port')).message).toContain('spec.port');
  });

  it('Quantity is its string, zero when unset', () => {
    expect(messageToJson(quantity, { string: '250m' }, 'q')).toBe('250m');
    expect(messageToJson(quantity, {}, 'q')).toBe('0');
  });

  it('Time is RFC 3339 seconds; MicroTime has six fractional digits; zero is null', () => {
    expect(messageToJson(time, { seconds: 1709296496, nanos: 5 }, 't')).toBe('2024-03-01T12:34:56Z');
    expect(messageToJson(time, {}, 't')).toBeNull();
    expect(messageToJson(time, { seconds: -62135596800 }, 't')).toBeNull();
    expect(messageToJson(time, { nanos: 7 }, 't')).toBe('1970-01-01T00:00:00Z');
    expect(messageToJson(micro, { seconds: 1709296496, nanos: 1_999 }, 't')).toBe('2024-03-01T12:34:56.000001Z');
    expect(messageToJson(micro, { seconds: 1709296496, nanos: 1_500_000_000 }, 't')).toBe('2024-03-01T12:34:57.500000Z');
    expect(messageToJson(micro, { seconds: 0 }, 't')).toBe('1970-01-01T00:00:00.000000Z');
    expect(messageToJson(micro, undefined, 't')).toBeNull();
    expect(apiError(() => messageToJson(time, { seconds: 253402300800 }, 'metadata.creationTimestamp')).message).toContain(
      'metadata.creationTimestamp',
    );
  });
});

describe('bad bodies', () => {
  const configMap = (input: Record<string, unknown>): Buffer => encodeBody('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', input);

  it('rejects a body without the k8s\\0 prefix with 400', () => {
    for (const body of [Buffer.alloc(0), Buffer.from('k8s'), Buffer.from('{"kind":"ConfigMap"}')]) {
      const err = apiError(() => decodeKubeProtobuf(body));
      expect(err.reason).toBe('BadRequest');
      expect(err.code).toBe(400);
      expect(err.message).toContain('k8s\\0');
    }
  });

  it('rejects malformed protobuf with 400', () => {
    const good = configMap({ metadata: { name: 'x' }, data: { a: 'b' } });
    const cases = [
      good.subarray(0, good.length - 3), // truncated envelope
      Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0f])]), // invalid wire type
      envelope({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw: Buffer.from([0x0a, 0x05, 0x0a]) }), // truncated raw
    ];
    for (const body of cases) {
      const err = apiError(() => decodeKubeProtobuf(body));
      expect(err.reason).toBe('BadRequest');
      expect(err.message).toMatch(/malformed protobuf body/);
    }
  });

  it('rejects a missing kind with 400 and an unknown kind with 415', () => {
    expect(apiError(() => decodeKubeProtobuf(envelope({ raw: Buffer.alloc(0) }))).reason).toBe('BadRequest');
    const err = apiError(() => decodeKubeProtobuf(envelope({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: Buffer.alloc(0) })));
    expect(err.code).toBe(415);
    expect(err.message).toContain('"Pod"');
    expect(err.message).toContain('application/json');
    // A known kind under the wrong group is unknown too.
    expect(apiError(() => decodeKubeProtobuf(envelope({ typeMeta: { apiVersion: 'apps/v1', kind: 'ConfigMap' } }))).code).toBe(415);
  });

  it('refuses encoded or non-protobuf raw payloads with 415', () => {
    const typeMeta = { apiVersion: 'v1', kind: 'ConfigMap' };
    expect(apiError(() => decodeKubeProtobuf(envelope({ typeMeta, raw: Buffer.alloc(0), contentEncoding: 'gzip' }))).code).toBe(415);
    expect(apiError(() => decodeKubeProtobuf(envelope({ typeMeta, raw: Buffer.from('{}'), contentType: 'application/json' }))).code).toBe(
      415,
    );
    const ok = envelope({ typeMeta, raw: Buffer.alloc(0), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(decodeKubeProtobuf(ok).kind).toBe('ConfigMap');
  });

  it('rejects managedFields whose fieldsV1 is not JSON, naming the field', () => {
    const body = configMap({ metadata: { managedFields: [{ manager: 'm', fieldsV1: { Raw: Buffer.from('{nope') } }] } });
    const err = apiError(() => decodeKubeProtobuf(body));
    expect(err.code).toBe(400);
    expect(err.message).toContain('metadata.managedFields[0].fieldsV1');
  });

  it('ignores fields it does not know, as Go does', () => {
    const raw = Buffer.concat([
      root.lookupType('k8s.io.api.core.v1.ConfigMap').encode({ data: { a: 'b' } }).finish(),
      Buffer.from([0xf8, 0x06, 0x01]), // field 111, varint 1
    ]);
    expect(decodeKubeProtobuf(envelope({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw })).data).toEqual({ a: 'b' });
  });
});

describe('isKubeProtobuf', () => {
  it('matches the media type, ignoring case and parameters', () => {
    expect(isKubeProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isKubeProtobuf('Application/VND.Kubernetes.Protobuf; charset=binary')).toBe(true);
    expect(isKubeProtobuf(' application/vnd.kubernetes.protobuf ;stream=watch')).toBe(true);
    expect(isKubeProtobuf('application/json')).toBe(false);
    expect(isKubeProtobuf('application/vnd.kubernetes.protobuf+json')).toBe(false);
    expect(isKubeProtobuf('')).toBe(false);
  });
});
