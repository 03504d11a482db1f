/**
 * Cost protection for CEL rules.
 *
 * Run time (the guard that matters): every sub-expression evaluation costs 1, and a list, map or
 * string consumed by an operation whose work grows with it (`==`, `in`, `+`, comparisons, function
 * calls other than size()/has(), and the range of a macro) additionally costs its deep size
 * (elements, entries, and a tenth of a string's length, recursively; memoised per value). So nested
 * macros, repeated membership tests or list concatenation inside a macro are all charged for the
 * work they cause. A rule may spend PER_RULE_LIMIT; all rules evaluated for one object share
 * PER_OBJECT_LIMIT (see `runWithCelBudget`). Past either, evaluation stops at the next
 * sub-expression and the rule fails with a cost error, as Kubernetes' per-call limit and runtime
 * budget do; the numbers are in this module's own units, which are close to but not the same as
 * cel-go's.
 *
 * Compile time: a static estimate in the same units, with list/map/string sizes taken from
 * maxItems/maxProperties/maxLength (or, when absent, from the 3 MiB request limit as Kubernetes
 * does). Kubernetes rejects a rule estimated above its per-call limit (1,000,000); Atoll only
 * rejects a rule whose estimate exceeds STATIC_LIMIT (100,000,000, Kubernetes' per-CRD figure), i.e.
 * the "unbounded-huge" ones such as nested macros over unbounded lists, because the estimate is
 * coarser than cel-go's and must not refuse CRDs that Kubernetes accepts; the run-time guard covers
 * the rest.
 */
import { callName, childNodes, comprehensionArgs, expansion, type AstNode } from './ast.js';
import { MAX_REQUEST_SIZE_BYTES, type CelType } from './types.js';

export const PER_RULE_LIMIT = 2_000_000;
export const PER_OBJECT_LIMIT = 20_000_000;
export const STATIC_LIMIT = 100_000_000;

/** Raised inside the evaluator when a meter runs out; never escapes the evaluation. */
export class CostExceeded extends Error {
  constructor() {
    super('cost limit exceeded');
  }
}

/**
 * The one instance thrown: once a meter has run out, every further sub-expression throws again
 * (macros keep iterating after an error), so throwing must not capture a stack each time.
 */
export const COST_EXCEEDED = new CostExceeded();

export interface Meter {
  used: number;
  limit: number;
  exceeded: boolean;
}

/** The meter of the evaluation in progress (evaluation is synchronous, so one at a time). */
let active: Meter | undefined;

export function activeMeter(): Meter | undefined {
  return active;
}

export function withMeter<T>(m: Meter, fn: () => T): T {
  const previous = active;
  active = m;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** Nodes whose value is charged its size when produced (their parent's work grows with it). */
const charged = new WeakSet<object>();

export function isCharged(n: object): boolean {
  return charged.has(n);
}

/** Functions that do constant work whatever the size of their operands. */
const CONSTANT_TIME_CALLS = new Set(['size', 'has', 'type', 'dyn', 'hasValue', 'value', 'orValue', 'or', 'bind']);
const SIZED_BINARY_OPS = new Set(['==', '!=', 'in', '+', '<', '<=', '>', '>=']);

/** Marks, below `root`, the sub-expressions whose results are to be charged by size. */
export function markChargedNodes(root: AstNode): void {
  const seen = new Set<AstNode>();
  const visit = (n: AstNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const e = expansion(n);
    const comp = comprehensionArgs(e);
    if (comp) charged.add(comp.iterable);
    else if (SIZED_BINARY_OPS.has(n.op)) for (const c of childNodes(n)) charged.add(c);
    else if ((n.op === 'call' || n.op === 'rcall') && !n.meta?.macro && !CONSTANT_TIME_CALLS.has(callName(n) ?? '')) {
      for (const c of childNodes(n)) charged.add(c);
    }
    for (const c of childNodes(n)) visit(c);
  };
  visit(root);
}

const sizeCache = new WeakMap<object, number>();

/** Deep size of a CEL value, as charged when an operation consumes it. */
export function deepSize(v: unknown): number {
  if (typeof v === 'string') return 1 + Math.floor(v.length / 10);
  if (typeof v !== 'object' || v === null) return 1;
  if (v instanceof Uint8Array) return 1 + Math.floor(v.length / 10);
  const cached = sizeCache.get(v);
  if (cached !== undefined) return cached;
  let total = 1;
  if (Array.isArray(v)) for (const e of v) total += deepSize(e);
  else if (v instanceof Map) for (const [k, e] of v) total += deepSize(k) + deepSize(e);
  sizeCache.set(v, total);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Static estimate

/** What the estimator knows about a sub-expression. */
interface Est {
  cost: number;
  type?: CelType;
  /** Upper bound on elements / characters when known without a schema type (computed lists). */
  size?: number;
}

const DEFAULT_ITEMS = Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / 2);

function sizeBound(e: Est, checkedKind: string | undefined): number {
  const t = e.type;
  if (t) {
    switch (t.kind) {
      case 'list':
        return t.maxItems;
      case 'map':
        return t.maxProperties;
      case 'string':
      case 'bytes':
        return Math.ceil(t.maxLength / 10);
      default:
        return 0;
    }
  }
  if (e.size !== undefined) return e.size;
  return checkedKind === 'list' || checkedKind === 'map' ? DEFAULT_ITEMS : 0;
}

function iterations(e: Est, checkedKind: string | undefined): number {
  const t = e.type;
  if (t?.kind === 'list') return t.maxItems;
  if (t?.kind === 'map') return t.maxProperties;
  if (e.size !== undefined) return e.size;
  return checkedKind === 'list' || checkedKind === 'map' || checkedKind === 'dyn' || checkedKind === undefined ? DEFAULT_ITEMS : 0;
}

function field(t: CelType | undefined, name: unknown): CelType | undefined {
  if (!t || typeof name !== 'string') return undefined;
  if (t.kind === 'object') return t.fields.get(name)?.type;
  if (t.kind === 'map') return t.value;
  return undefined;
}

function elementOf(t: CelType | undefined, indexed: boolean): CelType | undefined {
  if (t?.kind === 'list') return t.elem;
  if (t?.kind === 'map') return indexed ? t.value : { kind: 'string', maxLength: MAX_REQUEST_SIZE_BYTES, minSize: 2 };
  return undefined;
}

/** Estimated worst-case cost of evaluating `root` with `self` (and `oldSelf`) of type `selfType`. */
export function estimateCost(root: AstNode, selfType: CelType): number {
  const scope = new Map<string, CelType | undefined>([
    ['self', selfType],
    ['oldSelf', selfType],
  ]);
  const est = (n: AstNode): Est => {
    const e = expansion(n);
    const comp = comprehensionArgs(e);
    if (comp) {
      const it = est(comp.iterable);
      const n2 = iterations(it, comp.iterable.checkedType?.kind);
      const had = scope.has(comp.iterVarName);
      const previous = scope.get(comp.iterVarName);
      scope.set(comp.iterVarName, elementOf(it.type, false));
      const step = est(comp.step);
      if (had) scope.set(comp.iterVarName, previous);
      else scope.delete(comp.iterVarName);
      const init = est(comp.init);
      const cost = 1 + it.cost + sizeBound(it, comp.iterable.checkedType?.kind) + init.cost + n2 * (step.cost + 1);
      return { cost, size: comp.kind === 'quantifier' ? undefined : n2 };
    }
    const kids = childNodes(n).map((c) => ({ node: c, est: est(c) }));
    const childCost = kids.reduce((s, k) => s + k.est.cost, 0);
    const chargedSizes = () => kids.reduce((s, k) => s + sizeBound(k.est, k.node.checkedType?.kind), 0);
    switch (n.op) {
      case 'id':
        return { cost: 1, type: typeof n.args === 'string' ? scope.get(n.args) : undefined };
      case 'value':
        return { cost: 1, size: typeof n.args === 'string' ? Math.ceil(n.args.length / 10) : undefined };
      case 'list':
      case 'map':
        return { cost: 1 + childCost, size: Array.isArray(n.args) ? n.args.length : undefined };
      case '.':
      case '.?': {
        const left = kids[0]?.est;
        return { cost: 1 + childCost, type: field(left?.type, Array.isArray(n.args) ? n.args[1] : undefined) };
      }
      case '[]':
      case '[?]':
        return { cost: 1 + childCost, type: elementOf(kids[0]?.est.type, true) };
      case '?:': {
        const [c, a, b] = kids.map((k) => k.est.cost);
        return { cost: 1 + (c ?? 0) + Math.max(a ?? 0, b ?? 0) };
      }
      case 'call':
      case 'rcall': {
        const name = callName(n) ?? '';
        if (n.meta?.macro || CONSTANT_TIME_CALLS.has(name)) return { cost: 1 + childCost };
        return { cost: 1 + childCost + chargedSizes() };
      }
      default:
        if (SIZED_BINARY_OPS.has(n.op)) {
          const size = n.op === '+' ? kids.reduce((s, k) => s + sizeBound(k.est, k.node.checkedType?.kind), 0) : undefined;
          return { cost: 1 + childCost + chargedSizes(), size };
        }
        return { cost: 1 + childCost };
    }
  };
  return est(root).cost;
}
