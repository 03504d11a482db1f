/**
 * Request bodies: read with a size limit (3 MiB, the apiserver's; registry `readBody`), then
 * decoded by Content-Type: JSON, YAML (one document), and the Kubernetes protobuf envelope that
 * kubectl's typed commands send. Malformed input is a 400 that says what was wrong and where; a
 * decoded body nested deeper than MAX_NESTING_DEPTH is refused (the protobuf decoder checks its
 * own output); a Content-Type that does not parse, or names no format served, is a 415.
 */
import { ApiError, checkNesting, errors, parseYamlDocuments } from '../registry/index.js';
import { parseMediaType } from './negotiate.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

/**
 * The format of a create, update or delete body, negotiated as the apiserver's
 * NegotiateInputSerializer does: no Content-Type means JSON; one that does not parse as a media
 * type (`;;;==`, a repeated parameter) or names none of the formats is refused.
 */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = contentType === undefined || contentType.trim() === '' ? 'application/json' : parseMediaType(contentType);
  if (type === 'application/json' || type === '*/*') return 'json';
  if (type === 'application/yaml' || type === 'text/yaml' || type === 'application/x-yaml') return 'yaml';
  if (type === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED}`);
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw errors.badRequest('the request body is empty; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`the request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  checkNesting(value, 'the request body');
  return value;
}

export function parseYaml(body: Buffer): unknown {
  const docs = parseYamlDocuments(body.toString('utf8'), () => 'the request body');
  if (docs.length !== 1) throw errors.badRequest(`the request body must hold exactly one YAML document, found ${docs.length}`);
  return docs[0];
}
