/**
 * Request bodies: read with a size limit (3 MiB, the apiserver's), then decoded by Content-Type:
 * JSON, YAML (one document), and the Kubernetes protobuf envelope that kubectl's typed commands
 * send. Malformed input is a 400 that says what was wrong and where.
 */
import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { ApiError, errors } from '../registry/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge(`request entity too large: limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      // Stop reading; the connection is closed after the response so the rest is not parsed.
      req.resume();
      throw errors.tooLarge(`request entity too large: limit is ${limit}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json' || type === '*/*') return 'json';
  if (type === 'application/yaml' || type === 'text/yaml' || type === 'application/x-yaml') return 'yaml';
  if (type === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED}`);
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw errors.badRequest('the request body is empty; expected a JSON object');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`the request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function parseYaml(body: Buffer): unknown {
  const docs = parseAllDocuments(body.toString('utf8'), { uniqueKeys: true });
  if (!Array.isArray(docs)) throw errors.badRequest('the request body is not valid YAML');
  const real = docs.filter((d) => d.contents !== null);
  if (real.length !== 1) throw errors.badRequest(`the request body must hold exactly one YAML document, found ${real.length}`);
  const doc = real[0]!;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw errors.badRequest(`the request body is not valid YAML${where}: ${e.message.split('\n')[0]}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
