/**
 * Decodes `application/vnd.kubernetes.protobuf` request bodies. kubectl's typed-client
 * commands (create configmap/secret/namespace/role/..., create token, auth can-i) send only
 * protobuf and never fall back to JSON, so the REST surface turns these bodies into the very
 * JSON objects kubectl would otherwise have sent, and the registry never sees the difference.
 *
 * Wire format: the 4-byte magic `k8s\0`, then a runtime.Unknown whose typeMeta names the
 * kind and whose `raw` holds the typed message (e.g. k8s.io.api.core.v1.ConfigMap).
 */
import type { KubeObject } from '../../meta/object.js';
import { ApiError, errors, isApiError } from '../../registry/errors.js';
import { checkNesting } from '../../registry/input.js';
import type { JsonObject } from './json.js';
import { messageForKind, messageInfo, root } from './registry.js';
import { messageToJson } from './to-json.js';

export type { Json, JsonObject } from './json.js';

export const KUBE_PROTOBUF = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

/** True for `application/vnd.kubernetes.protobuf`, with or without parameters. */
export function isKubeProtobuf(contentType: string): boolean {
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === KUBE_PROTOBUF;
}

/** A decoded body: any supported kind, with `kind` and `apiVersion` set. */
export interface KubeJson extends JsonObject {
  kind: string;
  apiVersion: string;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function openEnvelope(body: Buffer): Envelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw errors.badRequest(
      `the request body is not ${KUBE_PROTOBUF}: it must start with the 4-byte prefix "k8s\\0" followed by a runtime.Unknown message`,
    );
  }
  try {
    const u = unknownType.toObject(unknownType.decode(body.subarray(MAGIC.length)), { bytes: Array });
    const typeMeta = (u.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    return {
      apiVersion: typeMeta.apiVersion ?? '',
      kind: typeMeta.kind ?? '',
      raw: Uint8Array.from((u.raw as number[] | undefined) ?? []),
      contentEncoding: (u.contentEncoding as string | undefined) ?? '',
      contentType: (u.contentType as string | undefined) ?? '',
    };
  } catch (err) {
    throw errors.badRequest(`malformed protobuf body: ${(err as Error).message}`);
  }
}

function unsupported(message: string): ApiError {
  return new ApiError('UnsupportedMediaType', message);
}

/** Decodes a protobuf body of any supported kind (objects and DeleteOptions). */
export function decodeKubeProtobufBody(body: Buffer): KubeJson {
  const env = openEnvelope(body);
  if (!env.kind) throw errors.badRequest("Object 'Kind' is missing in the protobuf body's type meta");
  if (env.contentEncoding) {
    throw unsupported(`protobuf bodies with content encoding "${env.contentEncoding}" are not supported; send application/json`);
  }
  if (env.contentType && env.contentType !== KUBE_PROTOBUF) {
    throw unsupported(`protobuf bodies wrapping content type "${env.contentType}" are not supported; send application/json`);
  }
  const name = messageForKind(env.apiVersion, env.kind);
  if (!name) {
    throw unsupported(
      `${KUBE_PROTOBUF} request bodies are not supported for kind "${env.kind}" (apiVersion "${env.apiVersion}"); ` +
        'send the body as application/json instead',
    );
  }
  const type = messageInfo(name).type;
  let plain: Record<string, unknown>;
  try {
    plain = type.toObject(type.decode(env.raw), { longs: Number, bytes: String });
  } catch (err) {
    throw errors.badRequest(`malformed protobuf body for kind "${env.kind}": ${(err as Error).message}`);
  }
  try {
    const json = messageToJson(name, plain, '') as JsonObject;
    // Messages nest as deep as their schema, but managedFields carry raw JSON of any depth.
    checkNesting(json, 'the request body');
    return { kind: env.kind, apiVersion: env.apiVersion, ...json };
  } catch (err) {
    if (isApiError(err)) throw err;
    throw errors.badRequest(`malformed protobuf body for kind "${env.kind}": ${(err as Error).message}`);
  }
}

/**
 * Decodes a protobuf body that carries an API object (every supported kind but
 * DeleteOptions, which has no metadata: use decodeKubeProtobufBody for DELETE bodies).
 */
export function decodeKubeProtobuf(body: Buffer): KubeObject {
  const json = decodeKubeProtobufBody(body);
  const metadata = json.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw errors.badRequest(`kind "${json.kind}" is not an API object (it has no metadata)`);
  }
  return { ...json, metadata };
}
