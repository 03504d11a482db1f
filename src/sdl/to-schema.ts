/**
 * GraphQL SDL → structural OpenAPI v3 schemas, one kind per `@resource` group and kind. graphql-js
 * parses and validates the SDL against the directive definitions (schema/atoll-directives.graphql);
 * this module walks the types from each resource type down, turning fields into properties,
 * non-null into `required` and directives into the keywords they name. The result is checked with
 * the server's own CRD validation (structural rules, defaults, CEL compiled in the server's
 * environment, printer columns, scale paths), and each error is reported at the SDL node it
 * came from.
 */
import {
  buildASTSchema,
  concatAST,
  getDirectiveValues,
  GraphQLError,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  Source,
  valueFromASTUntyped,
  type ASTNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { JSONSchemaProps, PrinterColumnSpec, ValidationRule } from '../crd/index.js';
import { DIRECTIVES_FILE, directivesDocument } from './directives.js';
import { formatProblem, fromGraphQLError, locationOf, SdlError, type SdlProblem } from './errors.js';
import type { ConvertedKind, KindVersion, SdlSource } from './model.js';
import { validateKinds } from './check-kinds.js';
import { reservedGroupReason } from './reserved.js';

/** Where each part of the produced schemas came from, by JSON-schema path (`.properties[spec]`). */
export type Origins = Map<string, ASTNode>;

/** A kind's versions with the SDL nodes of their parts, for error locations. */
export interface KindOrigin {
  /** The type of each version. */
  types: GraphQLObjectType[];
  /** Per version: schema path → node, and `printerColumn[i]` / `scale` / `selectableField[i]` → directive. */
  origins: Origins[];
}

const SCALARS: Record<string, () => JSONSchemaProps> = {
  String: () => ({ type: 'string' }),
  ID: () => ({ type: 'string' }),
  Boolean: () => ({ type: 'boolean' }),
  // GraphQL's Int is 32-bit; Atoll serves integer/int32 back as Int and any other integer as Int64.
  Int: () => ({ type: 'integer', format: 'int32' }),
  Int64: () => ({ type: 'integer' }),
  Float: () => ({ type: 'number' }),
  JSON: () => ({ 'x-kubernetes-preserve-unknown-fields': true }),
  Map: () => ({ type: 'object', additionalProperties: { type: 'string' } }),
  // As controller-gen writes it, so CRDs made by kubebuilder convert back and forth unchanged.
  IntOrString: () => ({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }),
};

const ADDED_FIELDS = ['apiVersion', 'kind', 'metadata'];

/** Parses, validates and converts SDL files; throws SdlError listing every problem with its location. */
export function sdlToKinds(sources: readonly SdlSource[]): ConvertedKind[] {
  return convert(sources).kinds;
}

/** sdlToKinds with the SDL nodes each part came from. */
export function convert(sources: readonly SdlSource[]): { kinds: ConvertedKind[]; origins: KindOrigin[]; schema: GraphQLSchema } {
  const schema = buildSchema(sources);
  const converter = new Converter(schema);
  const result = converter.run();
  if (converter.problems.length > 0) throw new SdlError(inReadingOrder(converter.problems));
  const problems = validateKinds(result.kinds, result.origins);
  if (problems.length > 0) throw new SdlError(inReadingOrder(problems));
  return { ...result, schema };
}

const inReadingOrder = (problems: SdlProblem[]): SdlProblem[] =>
  problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const x = a.p.location;
      const y = b.p.location;
      if (!x || !y) return x ? -1 : y ? 1 : a.i - b.i;
      return x.file.localeCompare(y.file) || x.line - y.line || x.column - y.column || a.i - b.i;
    })
    .map(({ p }) => p)
    // A type used in several places is walked (and its problems found) once per use.
    .filter((p, i, all) => all.findIndex((q) => formatProblem(q) === formatProblem(p)) === i);

function buildSchema(sources: readonly SdlSource[]): GraphQLSchema {
  const docs: DocumentNode[] = [directivesDocument()];
  const problems: SdlProblem[] = [];
  for (const s of sources) {
    try {
      docs.push(parse(new Source(s.body, s.name)));
    } catch (e) {
      if (e instanceof GraphQLError) problems.push(fromGraphQLError(e));
      else throw e;
    }
  }
  if (problems.length > 0) throw new SdlError(problems);
  const doc = concatAST(docs);
  const invalid = validateSDL(doc);
  if (invalid.length > 0) throw new SdlError(invalid.map((e) => fromGraphQLError(e, DIRECTIVES_FILE)));
  return buildASTSchema(doc, { assumeValidSDL: true });
}

interface Applied {
  name: string;
  args: Record<string, unknown>;
  node: DirectiveNode;
}

const isUserNode = (node: ASTNode | null | undefined): boolean => !!node?.loc && node.loc.source.name !== DIRECTIVES_FILE;

/** Lower-case plural as Kubernetes tools guess it (policy → policies, class → classes). */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

class Converter {
  readonly problems: SdlProblem[] = [];

  constructor(private readonly schema: GraphQLSchema) {}

  private problem(message: string, node: ASTNode | null | undefined): void {
    this.problems.push({ message, location: locationOf(node ?? undefined) });
  }

  private applied(node: { directives?: readonly DirectiveNode[] } | null | undefined): Applied[] {
    const out: Applied[] = [];
    for (const d of node?.directives ?? []) {
      const def = this.schema.getDirective(d.name.value);
      if (!def) continue;
      let args: Record<string, unknown>;
      try {
        args = getDirectiveValues(def, { directives: [d] }) ?? {};
      } catch (e) {
        // graphql-js validates argument values only when it coerces them.
        if (!(e instanceof GraphQLError)) throw e;
        this.problems.push(fromGraphQLError(e, DIRECTIVES_FILE));
        continue;
      }
      // @default's value is any JSON literal: read it as written, not through the JSON scalar.
      if (d.name.value === 'default') {
        const arg = d.arguments?.find((a) => a.name.value === 'value');
        if (arg) args.value = valueFromASTUntyped(arg.value);
      }
      out.push({ name: d.name.value, args, node: d });
    }
    return out;
  }

  run(): { kinds: ConvertedKind[]; origins: KindOrigin[] } {
    const userTypes = Object.values(this.schema.getTypeMap()).filter((t) => isUserNode(t.astNode));
    const resources: GraphQLObjectType[] = [];
    for (const t of userTypes) {
      if (isUnionType(t)) this.problem(`union ${t.name} cannot become a structural schema: Kubernetes schemas have no unions; use one object type with optional fields`, t.astNode);
      else if (isObjectType(t) && this.applied(t.astNode).some((d) => d.name === 'resource')) resources.push(t);
    }
    for (const t of userTypes) if (isInterfaceType(t)) this.checkInterface(t, resources);
    if (resources.length === 0 && this.problems.length === 0) this.problems.push({ message: 'no type is marked @resource(group:, version:): nothing to convert' });
    const groups = new Map<string, { type: GraphQLObjectType; args: Record<string, unknown>; node: DirectiveNode }[]>();
    for (const t of resources) {
      const d = this.applied(t.astNode).find((x) => x.name === 'resource') as Applied;
      const kind = (d.args.kind as string | undefined) ?? t.name;
      const key = `${d.args.group as string}/${kind}`;
      groups.set(key, [...(groups.get(key) ?? []), { type: t, args: d.args, node: d.node }]);
    }
    const kinds: ConvertedKind[] = [];
    const origins: KindOrigin[] = [];
    const plurals = new Map<string, ASTNode>();
    for (const members of groups.values()) {
      const { kind: made, origins: versionOrigins } = this.kind(members);
      const pluralKey = `${made.group}/${made.names.plural}`;
      const first = members[0] as (typeof members)[number];
      if (plurals.has(pluralKey)) this.problem(`resource ${made.names.plural}.${made.group} is defined by two kinds`, first.node);
      plurals.set(pluralKey, first.node);
      kinds.push(made);
      origins.push({ types: members.map((m) => m.type), origins: versionOrigins });
    }
    return { kinds, origins };
  }

  /** An interface only shares fields between object types; it cannot be a field's type. */
  private checkInterface(t: GraphQLInterfaceType, resources: readonly GraphQLObjectType[]): void {
    const implementers = this.schema.getPossibleTypes(t);
    if (!implementers.some((o) => resources.includes(o) || this.isReachable(o, resources))) {
      this.problem(`interface ${t.name} is implemented by no @resource type (or type a resource uses): a Kubernetes schema cannot express it`, t.astNode);
    }
  }

  private isReachable(target: GraphQLObjectType, from: readonly GraphQLObjectType[]): boolean {
    const seen = new Set<string>();
    const visit = (t: GraphQLNamedType): boolean => {
      if (t === target) return true;
      if (seen.has(t.name) || !isObjectType(t)) return false;
      seen.add(t.name);
      return Object.values(t.getFields()).some((f) => visit(namedOf(f.type)));
    };
    return from.some(visit);
  }

  private kind(members: { type: GraphQLObjectType; args: Record<string, unknown>; node: DirectiveNode }[]): { kind: ConvertedKind; origins: Origins[] } {
    const first = members[0] as (typeof members)[number];
    const group = first.args.group as string;
    const kindName = (first.args.kind as string | undefined) ?? first.type.name;
    const pick = (arg: string): unknown => {
      const given = members.filter((m) => m.args[arg] !== undefined);
      const distinct = new Set(given.map((m) => JSON.stringify(m.args[arg])));
      if (distinct.size > 1) this.problem(`conflicting directives: the versions of ${kindName} give different @resource(${arg}:) values`, (given[1] as (typeof given)[number]).node);
      return given[0]?.args[arg];
    };
    const plural = (pick('plural') as string | undefined) ?? pluralOf(kindName);
    const reserved = reservedGroupReason(group, plural);
    if (reserved) this.problem(reserved, first.node);
    const scope = (pick('scope') as ConvertedKind['scope'] | undefined) ?? 'Namespaced';
    const names: ConvertedKind['names'] = {
      plural,
      singular: (pick('singular') as string | undefined) ?? kindName.toLowerCase(),
      kind: kindName,
      listKind: (pick('listKind') as string | undefined) ?? `${kindName}List`,
    };
    const shortNames = pick('shortNames') as string[] | undefined;
    const categories = pick('categories') as string[] | undefined;
    if (shortNames) names.shortNames = shortNames;
    if (categories) names.categories = categories;
    const storages = members.filter((m) => m.args.storage === true);
    if (members.length > 1 && storages.length !== 1) {
      this.problem(`${kindName} has ${members.length} versions: exactly one needs @resource(storage: true) (it has ${storages.length})`, first.node);
    }
    if (members.length === 1 && first.args.storage === false) this.problem(`${kindName} has one version: it must be the storage version`, first.node);
    const seenVersions = new Set<string>();
    const versions: KindVersion[] = [];
    const origins: Origins[] = [];
    for (const m of members) {
      const v = m.args.version as string;
      if (seenVersions.has(v)) this.problem(`version ${v} of ${kindName} is defined twice`, m.node);
      seenVersions.add(v);
      const origin: Origins = new Map();
      versions.push(this.version(m.type, m.args, members.length === 1 || m.args.storage === true, origin));
      origins.push(origin);
    }
    return { kind: { group, names, scope, versions }, origins };
  }

  private version(type: GraphQLObjectType, args: Record<string, unknown>, storage: boolean, origins: Origins): KindVersion {
    origins.set('', type.astNode as ASTNode);
    const resource = this.applied(type.astNode).find((d) => d.name === 'resource');
    if (resource) origins.set('resource', resource.node);
    for (const name of ADDED_FIELDS) {
      const f = type.getFields()[name];
      if (f) this.problem(`field ${type.name}.${name} is added to every resource by Atoll; remove it`, f.astNode);
    }
    const body = this.objectSchema(type, [], '', origins);
    const props = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } as const;
    const root: JSONSchemaProps = { ...body, properties: { ...props, ...body.properties } } as JSONSchemaProps;
    const version: KindVersion = { name: args.version as string, served: args.served !== false, storage, schema: { openAPIV3Schema: root } };
    if (args.deprecated === true) version.deprecated = true;
    if (typeof args.deprecationWarning === 'string') version.deprecationWarning = args.deprecationWarning;
    const status = type.getFields().status;
    if (status && this.applied(status.astNode).some((d) => d.name === 'status')) version.subresources = { status: {} };
    for (const f of Object.values(type.getFields())) {
      const s = this.applied(f.astNode).find((d) => d.name === 'status');
      if (s && f.name !== 'status') this.problem(`@status belongs on the field named status (the status subresource is .status), not on ${f.name}`, s.node);
    }
    const columns: PrinterColumnSpec[] = [];
    const selectable: { jsonPath: string }[] = [];
    for (const d of this.applied(type.astNode)) {
      if (d.name === 'printerColumn') {
        origins.set(`printerColumn[${columns.length}]`, d.node);
        columns.push(withoutUndefined(d.args) as unknown as PrinterColumnSpec);
      } else if (d.name === 'scale') {
        origins.set('scale', d.node);
        version.subresources = { ...version.subresources, scale: withoutUndefined(d.args) as unknown as NonNullable<KindVersion['subresources']>['scale'] };
      } else if (d.name === 'selectableField') {
        origins.set(`selectableField[${selectable.length}]`, d.node);
        selectable.push({ jsonPath: d.args.jsonPath as string });
      }
    }
    if (columns.length > 0) version.additionalPrinterColumns = columns;
    if (selectable.length > 0) version.selectableFields = selectable;
    return version;
  }

  /** An object type's schema: properties, required, and the type's own directives. */
  private objectSchema(type: GraphQLObjectType, stack: readonly string[], at: string, origins: Origins, node?: ASTNode | null): JSONSchemaProps {
    if (stack.includes(type.name)) {
      this.problem(`recursive type: ${[...stack, type.name].join(' → ')}; a structural schema is finite (use JSON for free-form nesting)`, node ?? type.astNode);
      return { type: 'object' };
    }
    const inner = [...stack, type.name];
    const s: JSONSchemaProps = { type: 'object' };
    const description = type.description ?? undefined;
    if (description) s.description = description;
    const properties: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    for (const f of Object.values(type.getFields())) {
      if (f.args.length > 0) this.problem(`field ${type.name}.${f.name} has arguments: a schema field takes none`, f.astNode);
      const path = `${at}.properties[${f.name}]`;
      origins.set(path, f.astNode as ASTNode);
      properties[f.name] = this.fieldSchema(f, inner, path, origins);
      if (isNonNullType(f.type)) required.push(f.name);
    }
    if (Object.keys(properties).length > 0) s.properties = properties;
    if (required.length > 0) s.required = required;
    this.applyDirectives(s, this.applied(type.astNode), at, origins, `type ${type.name}`);
    return s;
  }

  private fieldSchema(f: GraphQLField<unknown, unknown>, stack: readonly string[], at: string, origins: Origins): JSONSchemaProps {
    const directives = this.applied(f.astNode);
    const unwrapped = isNonNullType(f.type) ? f.type.ofType : f.type;
    let s: JSONSchemaProps;
    const asMap = directives.some((d) => d.name === 'map');
    const typeNode = f.astNode?.type;
    if (asMap) s = { type: 'object', additionalProperties: this.typeSchema(unwrapped, stack, `${at}.additionalProperties`, origins, typeNode) };
    else s = this.typeSchema(unwrapped, stack, at, origins, typeNode);
    // The field's own description wins over its type's (which objects and enums carry).
    if (f.description) {
      const { description: _type, ...rest } = s;
      s = { description: f.description, ...rest };
    }
    this.applyDirectives(s, directives, at, origins, `field ${f.name}`);
    return s;
  }

  /** The schema of a (nullable-unwrapped) output type. `node` is the field, for errors. */
  private typeSchema(t: GraphQLOutputType, stack: readonly string[], at: string, origins: Origins, node: ASTNode | null | undefined): JSONSchemaProps {
    if (isListType(t)) {
      const item = t.ofType;
      const items = this.typeSchema(isNonNullType(item) ? item.ofType : item, stack, `${at}.items`, origins, node);
      if (!isNonNullType(item)) items.nullable = true;
      return { type: 'array', items };
    }
    if (isNonNullType(t)) return this.typeSchema(t.ofType, stack, at, origins, node);
    if (isScalarType(t)) {
      const make = SCALARS[t.name];
      if (make) return make();
      this.problem(`unknown scalar ${t.name}: use String (with @format or @pattern), Int, Int64, Float, Boolean, ID, IntOrString, Map or JSON`, node);
      return { type: 'string' };
    }
    if (isEnumType(t)) {
      const description = t.description ?? (this.applied(t.astNode).find((d) => d.name === 'description')?.args.text as string | undefined);
      return { ...(description ? { description } : {}), type: 'string', enum: t.getValues().map((v) => v.name) };
    }
    if (isObjectType(t)) return this.objectSchema(t, stack, at, origins, node);
    const what = isUnionType(t) ? 'union' : isInterfaceType(t) ? 'interface' : 'type';
    this.problem(`${what} ${t.name} cannot be the type of a schema field: use an object type`, node);
    return { type: 'object' };
  }

  /** Directives that set keywords, on a field or on an object type (which applies wherever the type is used). */
  private applyDirectives(s: JSONSchemaProps, directives: Applied[], at: string, origins: Origins, where: string): void {
    const names = directives.map((d) => d.name);
    const conflict = (a: string, b: string): void => {
      if (names.includes(a) && names.includes(b)) this.problem(`conflicting directives on ${where}: @${a} and @${b}`, directives.find((d) => d.name === b)?.node);
    };
    conflict('minimum', 'exclusiveMinimum');
    conflict('maximum', 'exclusiveMaximum');
    conflict('intOrString', 'map');
    conflict('enum', 'intOrString');
    for (const d of directives) {
      const v = d.args.value;
      switch (d.name) {
        case 'minimum':
        case 'maximum':
        case 'multipleOf':
        case 'minLength':
        case 'maxLength':
        case 'minItems':
        case 'maxItems':
        case 'minProperties':
        case 'maxProperties':
          (s as Record<string, unknown>)[d.name] = v;
          break;
        case 'exclusiveMinimum':
          s.minimum = v as number;
          s.exclusiveMinimum = true;
          break;
        case 'exclusiveMaximum':
          s.maximum = v as number;
          s.exclusiveMaximum = true;
          break;
        case 'pattern':
          s.pattern = d.args.regex as string;
          break;
        case 'format':
          s.format = d.args.format as string;
          break;
        case 'default':
          s.default = v;
          break;
        case 'enum':
          if (s.type !== 'string' || s.enum) this.problem(`@enum belongs on a String field (${where} is not one); for GraphQL names use an enum type`, d.node);
          s.enum = d.args.values as string[];
          break;
        case 'nullable':
          s.nullable = true;
          break;
        case 'description':
          s.description = d.args.text as string;
          break;
        case 'uniqueItems':
        case 'listType': {
          const type = d.name === 'uniqueItems' ? 'set' : (d.args.type as 'atomic' | 'set' | 'map');
          const current = s['x-kubernetes-list-type'];
          if (current !== undefined && current !== type) this.problem(`conflicting directives on ${where}: list type ${current} and ${type}`, d.node);
          if (s.type !== 'array') this.problem(`@${d.name} belongs on a list field (${where} is not a list)`, d.node);
          s['x-kubernetes-list-type'] = type;
          break;
        }
        case 'listMapKeys':
          s['x-kubernetes-list-map-keys'] = d.args.keys as string[];
          break;
        case 'mapType':
          s['x-kubernetes-map-type'] = d.args.type as 'atomic' | 'granular';
          break;
        case 'preserveUnknownFields':
          s['x-kubernetes-preserve-unknown-fields'] = true;
          // On JSON (no type): an object of any fields, rather than any value.
          if (s.type === undefined && !s['x-kubernetes-int-or-string']) s.type = 'object';
          break;
        case 'embeddedResource':
          s['x-kubernetes-embedded-resource'] = true;
          if (s.type === undefined) s.type = 'object';
          break;
        case 'intOrString': {
          if (s.type !== 'string' && s.type !== 'integer' && !s['x-kubernetes-int-or-string']) this.problem(`@intOrString belongs on a String, Int or IntOrString field (${where} is not one)`, d.node);
          const keep = { description: s.description, default: s.default };
          for (const k of Object.keys(s)) delete (s as Record<string, unknown>)[k];
          Object.assign(s, withoutUndefined(keep), SCALARS.IntOrString?.());
          break;
        }
        case 'items': {
          const target = s.type === 'array' ? s.items : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
          if (!target) this.problem(`@items belongs on a list or @map field (${where} is neither)`, d.node);
          else Object.assign(target, withoutUndefined(d.args));
          break;
        }
        case 'validate': {
          const rules = (s['x-kubernetes-validations'] ??= []);
          origins.set(`${at}.x-kubernetes-validations[${rules.length}]`, d.node);
          rules.push(withoutUndefined(d.args) as unknown as ValidationRule);
          break;
        }
      }
    }
  }
}

function namedOf(t: GraphQLOutputType): GraphQLNamedType {
  return isListType(t) || isNonNullType(t) ? namedOf(t.ofType) : t;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
