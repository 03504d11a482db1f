/**
 * The reverse of to-schema.ts: CustomResourceDefinitions or APIResourceSchemas → SDL with Atoll's
 * directives, so an existing API can move to SDL (and back) without loss. Each nested object
 * schema becomes a type of its own, named after its path (WidgetSpec, WidgetSpecPortsItem);
 * keywords become the directives that make them again. What SDL cannot say (allOf/anyOf/oneOf/not
 * beyond int-or-string, property names that are not GraphQL names, empty objects) is refused with
 * the schema path, never dropped silently.
 */
import type { CrdSpec, CrdVersion, JSONSchemaProps, PrinterColumnSpec, ValidationRule } from '../crd/index.js';
import type { APIResourceSchemaSpec } from '../apiexports/index.js';
import type { KubeObject } from '../meta/index.js';
import { definedNames } from './directives.js';
import { SdlError, type SdlProblem } from './errors.js';
import { pluralOf } from './to-schema.js';

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const ADDED_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
const BUILTIN_NAMES = new Set(['String', 'Int', 'Float', 'Boolean', 'ID', 'Query', 'Mutation', 'Subscription']);
/** Keywords a field directive carries over unchanged: the directive is named after the keyword. */
const VALUE_KEYWORDS = ['multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;
/** Keywords that stay on an object type rather than on the field using it. */
const HANDLED = new Set<string>([
  'type',
  'format',
  'description',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'enum',
  'default',
  'nullable',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  ...VALUE_KEYWORDS,
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

interface KindSpec {
  group: string;
  names: CrdSpec['names'];
  scope: CrdSpec['scope'];
  versions: (Omit<CrdVersion, 'schema'> & { schema: JSONSchemaProps })[];
}

/** The kind a CRD or APIResourceSchema object describes. */
function kindSpecOf(o: KubeObject): KindSpec {
  if (o.kind === 'CustomResourceDefinition') {
    const spec = o.spec as unknown as CrdSpec;
    return { ...spec, versions: spec.versions.map((v) => ({ ...v, schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } })) };
  }
  if (o.kind === 'APIResourceSchema') return o.spec as unknown as APIResourceSchemaSpec;
  throw new SdlError([{ message: `${o.kind ?? 'an object without kind'} ${o.metadata?.name ?? ''}: only CustomResourceDefinition and APIResourceSchema convert to SDL` }]);
}

/** SDL for the kinds of CRDs and/or APIResourceSchemas; throws SdlError listing what SDL cannot express. */
export function schemasToSdl(objects: readonly KubeObject[]): string {
  const printer = new Printer();
  for (const o of objects) printer.kind(kindSpecOf(o));
  if (printer.problems.length > 0) throw new SdlError(printer.problems);
  return printer.text();
}

const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');

const description = (text: string | undefined, indent: string): string => {
  if (!text) return '';
  if (!/[\n\r]/.test(text)) return `${indent}${JSON.stringify(text)}\n`;
  // Block strings keep the text as written; only """ itself needs escaping.
  return `${indent}"""\n${text
    .replace(/"""/g, '\\"""')
    .split('\n')
    .map((l) => (l ? `${indent}${l}` : ''))
    .join('\n')}\n${indent}"""\n`;
};

/** A JSON value as a GraphQL literal (what @default(value:) and other arguments take). */
function literal(v: unknown, at: string, problems: SdlProblem[]): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, at, problems)).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => {
      if (!NAME.test(k)) problems.push({ message: `${at}: the key ${JSON.stringify(k)} is not a GraphQL name, so the value cannot be a GraphQL literal` });
      return `${k}: ${literal(x, at, problems)}`;
    });
    return `{${parts.join(', ')}}`;
  }
  problems.push({ message: `${at}: ${typeof v} is not a JSON value` });
  return 'null';
}

/** Keywords of list items and map values that @items carries (its arguments are named after them). */
const ITEM_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'format', 'enum'] as const;

/** The @items keywords of an item or value schema, and the schema without them. */
function liftItemKeywords(s: JSONSchemaProps): { lifted: Record<string, unknown>; rest: JSONSchemaProps } {
  const lifted: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...s };
  for (const k of ITEM_KEYWORDS) {
    if (s[k] === undefined) continue;
    // Int says int32 itself; an enum of GraphQL names becomes an enum type.
    if (k === 'format' && s.type === 'integer' && s.format === 'int32') continue;
    if (k === 'enum' && s.type === 'string' && s.enum?.every((v) => typeof v === 'string' && NAME.test(v) && !['true', 'false', 'null'].includes(v))) continue;
    lifted[k] = s[k];
    delete rest[k];
  }
  return { lifted, rest: rest as JSONSchemaProps };
}

class Printer {
  readonly problems: SdlProblem[] = [];
  private readonly blocks: string[] = [];
  private readonly taken = new Set<string>([...BUILTIN_NAMES, ...definedNames()]);

  text(): string {
    return `${this.blocks.join('\n\n')}\n`;
  }

  private name(wanted: string): string {
    let name = NAME.test(wanted) ? wanted : `T${wanted}`;
    for (let i = 2; this.taken.has(name); i++) name = `${wanted}${i}`;
    this.taken.add(name);
    return name;
  }

  private itemsDirective(lifted: Record<string, unknown>, at: string): string[] {
    return Object.keys(lifted).length > 0 ? [`@items${this.args(lifted, at)}`] : [];
  }

  private args(values: Record<string, unknown>, at: string): string {
    const parts = Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${k === 'scope' || k === 'type' || k === 'reason' ? String(v) : literal(v, at, this.problems)}`);
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  kind(spec: KindSpec): void {
    const kind = spec.names.kind;
    const several = spec.versions.length > 1;
    for (const v of spec.versions) {
      const typeName = this.name(several && !v.storage ? `${kind}${pascal(v.name)}` : kind);
      const at = `${spec.names.plural}.${spec.group} ${v.name}`;
      const resource = this.args(
        {
          group: spec.group,
          version: v.name,
          scope: spec.scope,
          plural: spec.names.plural === pluralOf(kind) ? undefined : spec.names.plural,
          singular: !spec.names.singular || spec.names.singular === kind.toLowerCase() ? undefined : spec.names.singular,
          kind: typeName === kind ? undefined : kind,
          listKind: !spec.names.listKind || spec.names.listKind === `${kind}List` ? undefined : spec.names.listKind,
          shortNames: spec.names.shortNames?.length ? spec.names.shortNames : undefined,
          categories: spec.names.categories?.length ? spec.names.categories : undefined,
          storage: several ? v.storage : undefined,
          served: v.served === false ? false : undefined,
          deprecated: v.deprecated ? true : undefined,
          deprecationWarning: v.deprecationWarning,
        },
        at,
      );
      const typeDirectives = [`@resource${resource}`];
      for (const c of v.additionalPrinterColumns ?? []) typeDirectives.push(`@printerColumn${this.args(columnArgs(c), at)}`);
      if (v.subresources?.scale) typeDirectives.push(`@scale${this.args({ ...v.subresources.scale }, at)}`);
      for (const f of v.selectableFields ?? []) typeDirectives.push(`@selectableField${this.args({ jsonPath: f.jsonPath }, at)}`);
      const root = v.schema;
      const props = Object.fromEntries(Object.entries(root.properties ?? {}).filter(([k]) => !ADDED_FIELDS.has(k)));
      const status = v.subresources?.status !== undefined;
      this.unsupported(root, at);
      this.objectType(typeName, { ...root, properties: props }, at, typeDirectives, status);
    }
  }

  /** Prints an object type for an object schema; returns its name. */
  private objectType(name: string, s: JSONSchemaProps, at: string, extra: string[] = [], statusSubresource = false): string {
    const directives = [...extra, ...this.objectDirectives(s, at)];
    const required = new Set(s.required ?? []);
    const fields: string[] = [];
    const later: (() => void)[] = [];
    for (const [field, sub] of Object.entries(s.properties ?? {})) {
      const fieldAt = `${at}.${field}`;
      if (!NAME.test(field)) {
        this.problems.push({ message: `${at}: ${JSON.stringify(field)} is not a GraphQL field name` });
        continue;
      }
      const { type, directives: fieldDirectives, deferred } = this.fieldType(`${name}${pascal(field)}`, sub, fieldAt);
      if (deferred) later.push(deferred);
      if (statusSubresource && field === 'status') fieldDirectives.unshift('@status');
      const bang = required.has(field) ? '!' : '';
      fields.push(`${description(sub.description, '  ')}  ${field}: ${type}${bang}${fieldDirectives.map((d) => ` ${d}`).join('')}`);
    }
    if (fields.length === 0) this.problems.push({ message: `${at}: an object schema without properties has no GraphQL type; use JSON (free-form) or give it properties` });
    const header = `type ${name}${directives.length > 0 ? `\n${directives.map((d) => `  ${d}`).join('\n')}` : ''}`;
    this.blocks.push(`${description(s.description, '')}${header} {\n${fields.join('\n')}\n}`);
    later.forEach((f) => f());
    return name;
  }

  /** Keywords of an object schema that its type carries. */
  private objectDirectives(s: JSONSchemaProps, at: string): string[] {
    const out: string[] = [];
    if (s.minProperties !== undefined) out.push(`@minProperties(value: ${s.minProperties})`);
    if (s.maxProperties !== undefined) out.push(`@maxProperties(value: ${s.maxProperties})`);
    if (s['x-kubernetes-map-type']) out.push(`@mapType(type: ${s['x-kubernetes-map-type']})`);
    if (s['x-kubernetes-preserve-unknown-fields']) out.push('@preserveUnknownFields');
    for (const r of s['x-kubernetes-validations'] ?? []) out.push(`@validate${this.args(ruleArgs(r), at)}`);
    return out;
  }

  private unsupported(s: JSONSchemaProps, at: string): void {
    const extra = Object.keys(s).filter((k) => !HANDLED.has(k) && !(k === 'anyOf' && s['x-kubernetes-int-or-string']));
    if (extra.length > 0) this.problems.push({ message: `${at}: ${extra.join(', ')} cannot be expressed in Atoll's SDL` });
    if (s.additionalProperties === true || s.additionalProperties === false) this.problems.push({ message: `${at}: additionalProperties: ${s.additionalProperties} cannot be expressed in Atoll's SDL` });
  }

  /**
   * The GraphQL type of a property and the directives that give its keywords. Object types it
   * needs are printed after the current one (`deferred`), so types read top-down.
   */
  private fieldType(typeName: string, s: JSONSchemaProps, at: string): { type: string; directives: string[]; deferred?: () => void } {
    const d: string[] = [];
    const keywords = (target: JSONSchemaProps, isObjectType: boolean): void => {
      if (target.format !== undefined && !(target.type === 'integer' && target.format === 'int32')) d.push(`@format(format: ${JSON.stringify(target.format)})`);
      if (target.minimum !== undefined) d.push(`@${target.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'}(value: ${target.minimum})`);
      if (target.maximum !== undefined) d.push(`@${target.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'}(value: ${target.maximum})`);
      for (const k of VALUE_KEYWORDS) {
        if (isObjectType && (k === 'minProperties' || k === 'maxProperties')) continue;
        if (target[k] !== undefined) d.push(`@${k}(value: ${target[k]})`);
      }
      if (target.pattern !== undefined) d.push(`@pattern(regex: ${JSON.stringify(target.pattern)})`);
      if (target.default !== undefined) d.push(`@default(value: ${literal(target.default, at, this.problems)})`);
      if (target.nullable) d.push('@nullable');
      if (target['x-kubernetes-list-type']) d.push(`@listType(type: ${target['x-kubernetes-list-type']})`);
      if (target['x-kubernetes-list-map-keys']) d.push(`@listMapKeys(keys: ${literal(target['x-kubernetes-list-map-keys'], at, this.problems)})`);
      if (!isObjectType) {
        if (target['x-kubernetes-map-type']) d.push(`@mapType(type: ${target['x-kubernetes-map-type']})`);
        for (const r of target['x-kubernetes-validations'] ?? []) d.push(`@validate${this.args(ruleArgs(r), at)}`);
      }
    };
    this.unsupported(s, at);
    const t = this.typeOf(typeName, s, at);
    d.push(...(t.directives ?? []));
    keywords(s, t.isObjectType);
    if (s['x-kubernetes-embedded-resource']) d.push('@embeddedResource');
    if (t.map) d.unshift('@map');
    if (t.preserve) d.push('@preserveUnknownFields');
    return { type: t.type, directives: d, deferred: t.deferred };
  }

  private typeOf(
    typeName: string,
    s: JSONSchemaProps,
    at: string,
  ): { type: string; isObjectType: boolean; map?: boolean; preserve?: boolean; directives?: string[]; deferred?: () => void } {
    if (s['x-kubernetes-int-or-string']) return { type: 'IntOrString', isObjectType: false };
    const props = Object.keys(s.properties ?? {});
    if (s['x-kubernetes-preserve-unknown-fields'] === true && props.length === 0 && s.additionalProperties === undefined) {
      // JSON is any value; JSON @preserveUnknownFields (or @embeddedResource) is an object of any fields.
      if (s.type === undefined) return { type: 'JSON', isObjectType: false };
      if (s.type === 'object') return { type: 'JSON', isObjectType: false, preserve: !s['x-kubernetes-embedded-resource'] };
    }
    if (s.enum !== undefined) {
      const values = s.enum;
      if (s.type !== 'string' || !values.every((v) => typeof v === 'string')) {
        this.problems.push({ message: `${at}: only string enums can be expressed in Atoll's SDL` });
        return { type: 'String', isObjectType: false };
      }
      if (values.every((v) => NAME.test(v as string) && !['true', 'false', 'null'].includes(v as string))) {
        const name = this.name(typeName);
        const block = `enum ${name} {\n${values.map((v) => `  ${v as string}`).join('\n')}\n}`;
        return { type: name, isObjectType: false, deferred: () => void this.blocks.push(block) };
      }
      return { type: 'String', isObjectType: false, directives: [`@enum(values: ${literal(values, at, this.problems)})`] };
    }
    switch (s.type) {
      case 'string':
        return { type: 'String', isObjectType: false };
      case 'boolean':
        return { type: 'Boolean', isObjectType: false };
      case 'number':
        return { type: 'Float', isObjectType: false };
      case 'integer':
        return { type: s.format === 'int32' ? 'Int' : 'Int64', isObjectType: false };
      case 'array': {
        const items = s.items ?? {};
        const { lifted, rest } = liftItemKeywords(items);
        // Nullable items are written [T] rather than [T!].
        const inner = this.fieldType(`${typeName}Item`, { ...rest, nullable: undefined }, `${at}[]`);
        if (inner.directives.length > 0) {
          this.problems.push({ message: `${at}[]: keywords of list items (${inner.directives.join(' ')}) cannot be expressed in Atoll's SDL` });
        }
        return { type: `[${inner.type}${items.nullable ? '' : '!'}]`, isObjectType: false, directives: this.itemsDirective(lifted, at), deferred: inner.deferred };
      }
      case 'object': {
        if (props.length === 0 && typeof s.additionalProperties === 'object') {
          const value = s.additionalProperties;
          const plain = Object.keys(value).length === 1 && value.type === 'string';
          if (plain) return { type: 'Map', isObjectType: false };
          const { lifted, rest } = liftItemKeywords(value);
          const inner = this.fieldType(`${typeName}Value`, rest, `${at}{}`);
          if (inner.directives.length > 0) this.problems.push({ message: `${at}{}: keywords of map values (${inner.directives.join(' ')}) cannot be expressed in Atoll's SDL` });
          return { type: `${inner.type}`, isObjectType: false, map: true, directives: this.itemsDirective(lifted, at), deferred: inner.deferred };
        }
        const name = this.name(typeName);
        // Printed after the type that uses it; its own keywords are on the type.
        return { type: name, isObjectType: true, deferred: () => void this.objectType(name, { ...s, description: undefined }, at) };
      }
      default:
        this.problems.push({ message: `${at}: a schema without a type cannot be expressed in Atoll's SDL (use x-kubernetes-preserve-unknown-fields for free-form values)` });
        return { type: 'JSON', isObjectType: false };
    }
  }
}

function columnArgs(c: PrinterColumnSpec): Record<string, unknown> {
  return { name: c.name, type: c.type, jsonPath: c.jsonPath, format: c.format, description: c.description, priority: c.priority };
}

function ruleArgs(r: ValidationRule): Record<string, unknown> {
  return { rule: r.rule, message: r.message, messageExpression: r.messageExpression, reason: r.reason, fieldPath: r.fieldPath, optionalOldSelf: r.optionalOldSelf };
}
