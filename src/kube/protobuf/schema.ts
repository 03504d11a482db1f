/**
 * A tiny schema language for the Kubernetes protobuf messages Atoll decodes. One line per
 * field carries both facts we need: the wire facts (field number and proto type, from the
 * Kubernetes generated.proto files) and the JSON facts (JSON name, Go pointer vs value,
 * `omitempty` or not, from the Go types' struct tags). Keeping them together means the
 * protobufjs types and the Go-JSON shaping can never drift apart.
 *
 * Field spec: `<number> <type> [keep]`, where <type> is
 *   `string | bool | int32 | int64 | bytes`  a Go value scalar (omitted when zero unless `keep`)
 *   `Name` or `alias.Name`                     a Go value struct (always emitted, like encoding/json)
 *   `*T`                                       a Go pointer (emitted when set; `keep` → null when unset)
 *   `[]T`                                      a Go slice (omitted when empty; `keep` → null when empty)
 *   `map<string,T>`                            a Go map (same rule as slices; keys sorted like Go)
 * `keep` marks a json tag without `omitempty`.
 */

/** How a message with a custom Go JSON marshaller is rendered (see special.ts). */
export type SpecialJson = 'time' | 'microTime' | 'quantity' | 'intOrString' | 'fieldsV1' | 'stringList';

export interface MessageDef {
  /** JSON name → field spec, in Go struct order (which is also the JSON output order). */
  fields: Record<string, string>;
  special?: SpecialJson;
}

/** One API group version's messages, in one proto package. */
export interface GroupDef {
  /** Proto package, e.g. `k8s.io.api.core.v1`. */
  package: string;
  /** apiVersion of the top-level kinds below (`v1`, `rbac.authorization.k8s.io/v1`). */
  apiVersion?: string;
  /** Top-level kinds this group decodes; each names a message in `messages`. */
  kinds?: string[];
  messages: Record<string, MessageDef>;
}

export const SCALARS = ['string', 'bool', 'int32', 'int64', 'bytes'] as const;
export type Scalar = (typeof SCALARS)[number];

export type FieldLabel = 'value' | 'pointer' | 'repeated' | 'map';

export interface FieldInfo {
  /** JSON name; also the protobufjs field name. */
  json: string;
  number: number;
  label: FieldLabel;
  /** A scalar name, or a message's fully qualified name with a leading dot. */
  type: string;
  scalar: boolean;
  /** Go json tag without omitempty. */
  keep: boolean;
}

/** Short prefixes for cross-package references in field specs. */
export const PACKAGE_ALIASES: Record<string, string> = {
  meta: 'k8s.io.apimachinery.pkg.apis.meta.v1',
  runtime: 'k8s.io.apimachinery.pkg.runtime',
  resource: 'k8s.io.apimachinery.pkg.api.resource',
  intstr: 'k8s.io.apimachinery.pkg.util.intstr',
  core: 'k8s.io.api.core.v1',
};

export const msg = (fields: Record<string, string>): MessageDef => ({ fields });
export const special = (kind: SpecialJson, fields: Record<string, string>): MessageDef => ({ fields, special: kind });

const SPEC = /^(\d+) (\*|\[\])?(map<string,([\w.]+)>|[\w.]+)( keep)?$/;

function qualify(name: string, pkg: string): { type: string; scalar: boolean } {
  if ((SCALARS as readonly string[]).includes(name)) return { type: name, scalar: true };
  const dot = name.indexOf('.');
  if (dot < 0) return { type: `.${pkg}.${name}`, scalar: false };
  const alias = PACKAGE_ALIASES[name.slice(0, dot)];
  if (!alias) throw new Error(`unknown package alias in type ${name}`);
  return { type: `.${alias}${name.slice(dot)}`, scalar: false };
}

/** Parses one field spec; throws (at module load) on a typo so tests catch it at once. */
export function parseField(json: string, spec: string, pkg: string): FieldInfo {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`bad field spec for ${json}: "${spec}"`);
  const [, num, prefix, base, mapValue, keep] = m;
  const isMap = mapValue !== undefined;
  const label: FieldLabel = isMap ? 'map' : prefix === '*' ? 'pointer' : prefix === '[]' ? 'repeated' : 'value';
  if (isMap && prefix) throw new Error(`bad field spec for ${json}: "${spec}" (map cannot be a pointer or slice)`);
  const { type, scalar } = qualify(isMap ? mapValue : (base as string), pkg);
  return { json, number: Number(num), label, type, scalar, keep: keep !== undefined };
}
