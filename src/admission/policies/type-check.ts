/**
 * Type checking of a policy against the kinds it matches, for `status.typeChecking`: Kubernetes
 * compiles each expression with `object` typed from every matched kind's schema and reports what
 * does not check as warnings (the policy still works). Here the check is narrower: each chain of
 * field selections from `object` or `oldObject` (`object.spec.replicas`) is looked up in the
 * kind's OpenAPI schema, and a field the schema does not have is a warning, worded as
 * Kubernetes' (`apps/v1, Kind=Deployment: ERROR: <input>:1:13: undefined field 'replicaz'`).
 * Type mismatches beyond missing fields are not reported.
 */
import { resolveSchema, type KubeObject, type OpenApiSchema } from '../../meta/index.js';
import type { ResourceType } from '../../registry/index.js';
import { allNodes, type AstNode } from '../../crd/cel/index.js';
import { compilePolicyExpression, type PolicyProgram } from './cel-env.js';
import { policyExpressions } from './check-expressions.js';

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

/** The field names selected from object/oldObject by `n`, outermost last; undefined if `n` is no such chain. */
function selection(n: AstNode): { path: string[]; starts: number[] } | undefined {
  const path: string[] = [];
  const starts: number[] = [];
  let cur: AstNode | undefined = n;
  while (cur && (cur.op === '.' || cur.op === '.?') && Array.isArray(cur.args)) {
    const [operand, key] = cur.args as unknown[];
    if (typeof key !== 'string') return undefined;
    path.unshift(key);
    // Kubernetes points at the selection's dot: just before the field name, which ends the node.
    starts.unshift(cur.end === undefined ? (cur.start ?? 0) : cur.end - key.length - (cur.op === '.?' ? 2 : 1));
    cur = operand as AstNode | undefined;
  }
  if (cur?.op !== 'id' || (cur.args !== 'object' && cur.args !== 'oldObject') || path.length === 0) return undefined;
  return { path, starts };
}

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata']);

/** The index of the first field of `path` the schema does not have (-1: all exist or the schema is open there). */
function firstUndefined(path: readonly string[], t: ResourceType): number {
  const schema = t.schema;
  if (!schema) return -1;
  let s: OpenApiSchema | undefined = resolveSchema(schema.components[schema.name], schema.components);
  for (let i = 0; i < path.length; i++) {
    if (!s || s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties !== undefined) return -1;
    const props = s.properties;
    if (!props) return -1;
    const next = props[path[i] as string];
    if (!next) return i === 0 && TOP_LEVEL.has(path[0] as string) ? -1 : i;
    s = resolveSchema(next, schema.components);
    if (s?.allOf?.[0]) s = resolveSchema(s.allOf[0], schema.components);
    if (s?.type !== undefined && s.type !== 'object') return -1;
  }
  return -1;
}

function location(text: string, pos: number): string {
  const before = text.slice(0, pos);
  return `<input>:${before.split('\n').length}:${pos - before.lastIndexOf('\n')}`;
}

const groupVersion = (t: ResourceType): string => (t.group ? `${t.group}/${t.version}` : t.version);

function warningsFor(text: string, program: PolicyProgram, types: readonly ResourceType[]): string[] {
  const out: string[] = [];
  const seen = new Set<AstNode>();
  for (const t of types) {
    for (const n of allNodes(program.root)) {
      if (seen.has(n)) continue;
      const sel = selection(n);
      if (!sel) continue;
      // Only the longest chain: its inner selections are visited too and would repeat it.
      let inner: AstNode | undefined = n;
      while (inner && Array.isArray(inner.args)) {
        seen.add(inner);
        inner = (inner.args as unknown[])[0] as AstNode | undefined;
      }
      const i = firstUndefined(sel.path, t);
      if (i >= 0) out.push(`${groupVersion(t)}, Kind=${t.kind}: ERROR: ${location(text, program.positionOf(sel.starts[i] ?? 0))}: undefined field '${sel.path[i] ?? ''}'`);
    }
    seen.clear();
  }
  return out;
}

/** Warnings for the expressions of `policy` against `types` (the kinds its matchConstraints select). */
export function expressionWarnings(policy: KubeObject, types: readonly ResourceType[]): ExpressionWarning[] {
  if (types.length === 0) return [];
  const warnings: ExpressionWarning[] = [];
  const spec = (policy.spec ?? {}) as Record<string, unknown>;
  const variables = Array.isArray(spec.variables) ? (spec.variables as { expression?: unknown }[]) : [];
  const exprs = [
    ...variables.map((v, i) => ({ text: v.expression, field: `spec.variables[${i}].expression`, want: 'any' as const })),
    ...policyExpressions(spec),
  ];
  for (const e of exprs) {
    if (typeof e.text !== 'string') continue;
    const c = compilePolicyExpression(e.text, e.want);
    if (!('program' in c)) continue;
    const found = warningsFor(e.text, c.program, types);
    // A macro's call and its expansion may hold the same selection twice.
    if (found.length > 0) warnings.push({ fieldRef: e.field, warning: [...new Set(found)].join('\n') });
  }
  return warnings;
}
