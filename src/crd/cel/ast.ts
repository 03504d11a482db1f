/**
 * Walks over the parsed CEL AST of @marcbachmann/cel-js. The library exposes its nodes as objects
 * with `op`, `args` and a `meta` holding macro expansions (`alternate` for comprehensions, `macro`
 * for has()/orValue()/cel.bind()); this module reads that shape defensively and never relies on
 * anything else.
 */

export interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
  readonly input?: string;
  readonly meta?: { alternate?: unknown; macro?: unknown };
  checkedType?: { kind?: string; name?: string };
}

export function isAstNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { op?: unknown }).op === 'string' && 'args' in v;
}

/** Comprehension arguments, as the library's macro expanders build them. */
export interface ComprehensionArgs {
  iterable: AstNode;
  iterVarName: string;
  init: AstNode;
  step: AstNode;
  kind?: string;
  errorsAreFatal?: boolean;
}

/** The node evaluation actually runs for `n` (a macro call is replaced by its expansion). */
export function expansion(n: AstNode): AstNode {
  const alt = n.meta?.alternate;
  return isAstNode(alt) ? alt : n;
}

export function comprehensionArgs(n: AstNode): ComprehensionArgs | undefined {
  if (n.op !== 'comprehension') return undefined;
  const a = n.args as Partial<ComprehensionArgs> | undefined;
  if (!a || !isAstNode(a.iterable) || !isAstNode(a.step) || !isAstNode(a.init) || typeof a.iterVarName !== 'string') return undefined;
  return a as ComprehensionArgs;
}

/** The direct sub-expressions of a node (for a macro call: its expansion, or the macro's operands). */
export function childNodes(n: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const alt = n.meta?.alternate;
  if (isAstNode(alt)) return [alt];
  if (n.op === 'value' || n.op === 'id') return out;
  const seen = new Set<unknown>();
  const collect = (v: unknown, depth: number): void => {
    if (depth > 3 || v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isAstNode(v)) {
      if (v !== n) out.push(v);
      return;
    }
    if (Array.isArray(v)) for (const e of v) collect(e, depth + 1);
    else if (Object.getPrototypeOf(v) === Object.prototype) for (const e of Object.values(v)) collect(e, depth + 1);
  };
  collect(n.args, 0);
  const macro = n.meta?.macro;
  if (macro && typeof macro === 'object') {
    for (const [k, v] of Object.entries(macro)) if (k !== 'ast' && k !== 'bindCtx') collect(v, 1);
  }
  return out;
}

/** Every node reachable from `root`, each once. */
export function allNodes(root: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const seen = new Set<AstNode>();
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as AstNode;
    if (seen.has(n)) continue;
    seen.add(n);
    out.push(n);
    // The unexpanded macro call keeps its original arguments too; walk both.
    if (n.meta?.alternate && Array.isArray(n.args)) {
      for (const a of n.args) {
        if (isAstNode(a)) stack.push(a);
        else if (Array.isArray(a)) for (const b of a) if (isAstNode(b)) stack.push(b);
      }
    }
    for (const c of childNodes(n)) stack.push(c);
  }
  return out;
}

/** The function name of a `call` / `rcall` node. */
export function callName(n: AstNode): string | undefined {
  if ((n.op === 'call' || n.op === 'rcall') && Array.isArray(n.args) && typeof n.args[0] === 'string') return n.args[0];
  return undefined;
}

/** Arguments (without receiver) of a call / rcall. */
export function callArgs(n: AstNode): AstNode[] {
  if (!Array.isArray(n.args)) return [];
  const list: unknown = n.op === 'rcall' ? n.args[2] : n.args[1];
  return Array.isArray(list) ? list.filter(isAstNode) : [];
}

export function callReceiver(n: AstNode): AstNode | undefined {
  if (n.op !== 'rcall' || !Array.isArray(n.args)) return undefined;
  const r: unknown = n.args[1];
  return isAstNode(r) ? r : undefined;
}

export function mentionsVariable(root: AstNode, name: string): boolean {
  return allNodes(root).some((n) => n.op === 'id' && n.args === name);
}

/** Points method calls at replacement implementations (`matches` → RE2-based `atollMatches`, ...). */
export function renameMethods(root: AstNode, renames: Readonly<Record<string, string>>): void {
  for (const n of allNodes(root)) {
    if (n.op !== 'rcall' || !Array.isArray(n.args)) continue;
    const name: unknown = n.args[0];
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(renames, name)) n.args[0] = renames[name];
  }
}
