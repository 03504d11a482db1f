/**
 * What introspection shows a caller: the workspace's schema without the root fields whose guards
 * (field-guards.ts) the caller's permissions do not meet, without containers left empty by that
 * (a version with no visible resource, a group with no visible version) and without the types
 * only those fields reached (a hidden kind's input type). Built with graphql-js alone.
 *
 * Views are cached by (schema, the guard checks that passed), not by user: ten thousand users
 * holding the same roles share one view, and a user whose roles change simply maps to another
 * entry. The cache is a bounded LRU, since the number of distinct permission sets is up to the
 * tenants.
 */
import {
  getNamedType,
  GraphQLDirective,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLArgumentConfig,
  type GraphQLField,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLType,
} from 'graphql';
import { guardOf, type GuardVerb } from './field-guards.js';

/** One question a view depends on: may the caller `verb` this resource anywhere? */
export interface GuardCheck {
  group: string;
  resource: string;
  namespaced: boolean;
  verb: GuardVerb;
}

/** The guarded fields of a schema and the distinct checks their guards need. */
interface Guards {
  id: number;
  checks: GuardCheck[];
  /** Field → indexes into `checks`; the field is shown when any of them passes. */
  fields: Map<GraphQLField<unknown, unknown>, number[]>;
}

export const DEFAULT_MAX_VIEWS = 100;

export class SchemaViews {
  private readonly guards = new WeakMap<GraphQLSchema, Guards>();
  private readonly views = new Map<string, GraphQLSchema>();
  private nextId = 0;

  constructor(private readonly max = DEFAULT_MAX_VIEWS) {}

  /** How many filtered views are cached. */
  get size(): number {
    return this.views.size;
  }

  /** The schema as a caller for whom `allows` answers the checks sees it; the schema itself when nothing is hidden. */
  view(schema: GraphQLSchema, allows: (check: GuardCheck) => boolean): GraphQLSchema {
    const g = this.guardsOf(schema);
    const passed = g.checks.map((c) => (allows(c) ? '1' : '0')).join('');
    if (!passed.includes('0')) return schema;
    const key = `${g.id}:${passed}`;
    const hit = this.views.get(key);
    if (hit) {
      this.views.delete(key);
      this.views.set(key, hit);
      return hit;
    }
    const view = filterSchema(schema, (field) => {
      const checks = g.fields.get(field);
      return !checks || checks.some((i) => passed[i] === '1');
    });
    this.views.set(key, view);
    if (this.views.size > this.max) this.views.delete(this.views.keys().next().value as string);
    return view;
  }

  private guardsOf(schema: GraphQLSchema): Guards {
    let g = this.guards.get(schema);
    if (g) return g;
    const checks: GuardCheck[] = [];
    const index = new Map<string, number>();
    const fields = new Map<GraphQLField<unknown, unknown>, number[]>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const guard = guardOf(field);
        if (!guard) continue;
        const at: number[] = [];
        for (const r of guard.resources) {
          for (const verb of guard.verbs) {
            const key = `${r.group}/${r.resource}/${verb}`;
            let i = index.get(key);
            if (i === undefined) {
              i = checks.push({ group: r.group, resource: r.resource, namespaced: r.namespaced, verb }) - 1;
              index.set(key, i);
            }
            at.push(i);
          }
        }
        fields.set(field, at);
      }
    }
    g = { id: this.nextId++, checks, fields };
    this.guards.set(schema, g);
    return g;
  }
}

/**
 * A copy of `schema` with only the object fields `keep` accepts; object types left without fields
 * go too, with the fields that returned them, and types no longer reachable are not included.
 * Resolvers are kept, so the copy also executes.
 */
export function filterSchema(schema: GraphQLSchema, keep: (field: GraphQLField<unknown, unknown>) => boolean): GraphQLSchema {
  const emptied = emptiedTypes(schema, keep);
  const built = new Map<string, GraphQLNamedType>();
  const kept = (f: GraphQLField<unknown, unknown>): boolean => keep(f) && !emptied.has(getNamedType(f.type).name);

  const named = <T extends GraphQLNamedType>(t: T): T => {
    if (isIntrospectionType(t) || isSpecifiedScalarType(t)) return t;
    const done = built.get(t.name);
    if (done) return done as T;
    let copy: GraphQLNamedType;
    if (isObjectType(t)) {
      const c = t.toConfig();
      copy = new GraphQLObjectType({ ...c, interfaces: () => c.interfaces.map(named), fields: () => outputFields(t, c.fields) });
    } else if (isInterfaceType(t)) {
      const c = t.toConfig();
      copy = new GraphQLInterfaceType({ ...c, interfaces: () => c.interfaces.map(named), fields: () => outputFields(t, c.fields) });
    } else if (isUnionType(t)) {
      const c = t.toConfig();
      copy = new GraphQLUnionType({ ...c, types: () => c.types.filter((m) => !emptied.has(m.name)).map(named) });
    } else if (isInputObjectType(t)) {
      const c = t.toConfig();
      copy = new GraphQLInputObjectType({
        ...c,
        fields: () => Object.fromEntries(Object.entries(c.fields).map(([name, f]) => [name, { ...f, type: wrapped(f.type) }])),
      });
    } else {
      // Scalars and enums refer to no other type: the same instance serves both schemas.
      copy = t;
    }
    built.set(t.name, copy);
    return copy as T;
  };
  const wrapped = <T extends GraphQLType>(t: T): T => {
    if (isListType(t)) return new GraphQLList(wrapped(t.ofType)) as T;
    if (isNonNullType(t)) return new GraphQLNonNull(wrapped(t.ofType)) as T;
    return named(t as GraphQLNamedType) as T;
  };
  const args = (a: GraphQLFieldConfigArgumentMap): GraphQLFieldConfigArgumentMap =>
    Object.fromEntries(Object.entries(a).map(([name, arg]): [string, GraphQLArgumentConfig] => [name, { ...arg, type: wrapped<GraphQLInputType>(arg.type) }]));
  const outputFields = (
    t: GraphQLObjectType | GraphQLInterfaceType,
    configs: Readonly<Record<string, GraphQLFieldConfig<unknown, unknown>>>,
  ): Record<string, GraphQLFieldConfig<unknown, unknown>> => {
    const fields = t.getFields();
    const out: Record<string, GraphQLFieldConfig<unknown, unknown>> = {};
    for (const [name, c] of Object.entries(configs)) {
      const field = fields[name];
      if (!field || !kept(field)) continue;
      out[name] = { ...c, type: wrapped<GraphQLOutputType>(c.type), ...(c.args ? { args: args(c.args) } : {}) };
    }
    return out;
  };

  const root = (t: GraphQLObjectType | null | undefined): GraphQLObjectType | undefined => (t && !emptied.has(t.name) ? named(t) : undefined);
  const query = schema.getQueryType();
  const config = schema.toConfig();
  return new GraphQLSchema({
    description: config.description,
    extensions: config.extensions,
    // The query root always keeps a field of its own (typeByCategory), so it is never emptied.
    query: root(query),
    mutation: root(schema.getMutationType()),
    subscription: root(schema.getSubscriptionType()),
    directives: config.directives.map((d) => (isSpecifiedDirective(d) ? d : new GraphQLDirective({ ...d.toConfig(), args: args(d.toConfig().args) }))),
  });
}

/** Object types every field of which goes, directly or because it returns such a type (to a fixed point). */
function emptiedTypes(schema: GraphQLSchema, keep: (field: GraphQLField<unknown, unknown>) => boolean): Set<string> {
  const objects = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !isIntrospectionType(t));
  const emptied = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of objects) {
      if (emptied.has(t.name)) continue;
      const fields = Object.values(t.getFields());
      if (fields.some((f) => keep(f) && !emptied.has(getNamedType(f.type).name))) continue;
      emptied.add(t.name);
      changed = true;
    }
  }
  return emptied;
}
