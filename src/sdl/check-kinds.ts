/**
 * The server's own checks of the converted kinds (CRD names and versions: structural schema,
 * defaults, CEL compiled in the server's CEL environment, printer columns, scale and selectable
 * fields), each error reported at the SDL node its schema part came from.
 */
import type { ASTNode } from 'graphql';
import { validateCrdNames, validateCrdVersions } from '../crd/index.js';
import { validateDNS1123Subdomain } from '../meta/index.js';
import { fieldErrorBody, type FieldError } from '../registry/index.js';
import { locationOf, type SdlProblem } from './errors.js';
import type { ConvertedKind } from './model.js';
import type { KindOrigin, Origins } from './to-schema.js';

const VERSION_FIELD = /^spec\.versions\[(\d+)\](.*)$/;
const SCHEMA_PREFIX = '.schema.openAPIV3Schema';

/** `.properties[spec].properties[size].minimum` → `.spec.size.minimum`, as a user reads it. */
const readable = (schemaPath: string): string => schemaPath.replace(/\.properties\[([^\]]+)\]/g, '.$1');

/** The node of the longest recorded path that `path` starts with. */
function nodeFor(origins: Origins, path: string): ASTNode | undefined {
  let best: string | undefined;
  for (const key of origins.keys()) {
    if (key.startsWith('printerColumn') || key === 'scale' || key === 'resource' || key.startsWith('selectableField')) continue;
    if (path.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : origins.get(best);
}

function located(e: FieldError, kind: ConvertedKind, origin: KindOrigin): SdlProblem {
  const m = VERSION_FIELD.exec(e.field);
  const body = fieldErrorBody(e);
  if (!m) {
    const node = origin.origins[0]?.get('resource') ?? origin.types[0]?.astNode ?? undefined;
    return { message: `${kind.names.kind}: ${e.field}: ${body}`, location: locationOf(node) };
  }
  const index = Number(m[1]);
  const rest = m[2] ?? '';
  const origins = origin.origins[index] ?? new Map<string, ASTNode>();
  const version = kind.versions[index]?.name ?? String(index);
  let node: ASTNode | undefined;
  let where: string;
  if (rest.startsWith(SCHEMA_PREFIX)) {
    const schemaPath = rest.slice(SCHEMA_PREFIX.length);
    node = nodeFor(origins, schemaPath);
    where = readable(schemaPath) || '(root)';
  } else {
    const column = /^\.additionalPrinterColumns\[(\d+)\]/.exec(rest);
    const selectable = /^\.selectableFields\[(\d+)\]/.exec(rest);
    if (column) node = origins.get(`printerColumn[${column[1]}]`);
    else if (selectable) node = origins.get(`selectableField[${selectable[1]}]`);
    else if (rest.startsWith('.subresources.scale')) node = origins.get('scale');
    node ??= origins.get('resource') ?? origins.get('');
    where = rest.replace(/^\./, '');
  }
  return { message: `${kind.names.kind} ${version}: ${where}: ${body}`, location: locationOf(node) };
}

function groupErrors(group: string): FieldError[] {
  const dns = validateDNS1123Subdomain(group);
  if (dns.length > 0) return [{ type: 'FieldValueInvalid', field: 'spec.group', value: group, detail: dns.join(',') }];
  return group.includes('.') ? [] : [{ type: 'FieldValueInvalid', field: 'spec.group', value: group, detail: 'should be a domain with at least one dot' }];
}

export function validateKinds(kinds: readonly ConvertedKind[], origins: readonly KindOrigin[]): SdlProblem[] {
  const problems: SdlProblem[] = [];
  kinds.forEach((kind, i) => {
    const origin = origins[i] as KindOrigin;
    const errors = [...groupErrors(kind.group), ...validateCrdNames(kind.names), ...validateCrdVersions(kind.versions)];
    problems.push(...errors.map((e) => located(e, kind, origin)));
  });
  return problems;
}
