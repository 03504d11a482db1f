/**
 * The JSONPath subset CRDs use for printer columns, selectable fields and scale paths:
 * `.spec.replicas`, `.metadata.labels['app.kubernetes.io/name']`, `.spec.items[0].name`,
 * `.spec.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`.
 *
 * Written here rather than taken from a JSONPath package: these expressions come from tenants
 * and run inside a shared server, and the common packages evaluate filter expressions as
 * (sandboxed) JavaScript. This grammar has no evaluation beyond field lookups and string
 * equality, so a hostile path can cost no more than a walk of the object it reads.
 */
export type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string | number | boolean };

export interface ParsedPath {
  steps: Step[];
  /** True when every step is a field: the path names at most one value. */
  simple: boolean;
}

export class JsonPathError extends Error {}

const IDENT = /^[A-Za-z0-9_$-]+/;

/** Parses a path; accepts the `{...}` template form kubectl users also write. */
export function parseJsonPath(source: string): ParsedPath {
  let s = source.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  if (!s.startsWith('.') && !s.startsWith('[')) throw new JsonPathError('must start with "." or "["');
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      const m = IDENT.exec(s.slice(i));
      if (!m) throw new JsonPathError(`expected a field name at position ${i}`);
      steps.push({ kind: 'field', name: m[0] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = closing(s, i);
      steps.push(bracket(s.slice(i + 1, end).trim()));
      i = end + 1;
    } else {
      throw new JsonPathError(`unexpected "${s[i] ?? ''}" at position ${i}`);
    }
  }
  if (steps.length === 0) throw new JsonPathError('names no field');
  return { steps, simple: steps.every((x) => x.kind === 'field') };
}

function closing(s: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === ']') {
      return i;
    }
  }
  throw new JsonPathError('unclosed "["');
}

function unquote(s: string): string | undefined {
  const m = /^(['"])(.*)\1$/s.exec(s);
  return m ? (m[2] as string) : undefined;
}

function bracket(inner: string): Step {
  if (inner === '*') return { kind: 'all' };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const quoted = unquote(inner);
  if (quoted !== undefined) return { kind: 'field', name: quoted };
  const f = /^\?\(\s*@((?:\.[A-Za-z0-9_$-]+)+)\s*(==|!=)\s*(.+?)\s*\)$/.exec(inner);
  if (!f) throw new JsonPathError(`unsupported expression [${inner}]`);
  const raw = f[3] as string;
  const str = unquote(raw);
  let value: string | number | boolean;
  if (str !== undefined) value = str;
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
  else throw new JsonPathError(`unsupported filter value ${raw}`);
  return { kind: 'filter', path: (f[1] as string).slice(1).split('.'), op: f[2] as '==' | '!=', value };
}

/** Every value the path reaches in `root`, in document order. */
export function evaluate(path: ParsedPath, root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const v of current) {
      switch (step.kind) {
        case 'field':
          if (isRecord(v) && step.name in v && v[step.name] !== undefined) next.push(v[step.name]);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const at = step.index < 0 ? v.length + step.index : step.index;
            if (at >= 0 && at < v.length) next.push(v[at]);
          }
          break;
        case 'all':
          if (Array.isArray(v)) next.push(...(v as unknown[]));
          else if (isRecord(v)) next.push(...Object.values(v));
          break;
        case 'filter':
          if (Array.isArray(v)) next.push(...(v as unknown[]).filter((item) => matches(item, step)));
          break;
      }
    }
    current = next;
  }
  return current;
}

function matches(item: unknown, step: Extract<Step, { kind: 'filter' }>): boolean {
  let v = item;
  for (const p of step.path) v = isRecord(v) ? v[p] : undefined;
  const equal = v === step.value;
  return step.op === '==' ? equal : !equal && v !== undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The field names of a simple path (`.spec.replicas` → ['spec', 'replicas']). */
export function fieldsOf(path: ParsedPath): string[] {
  return path.steps.map((s) => (s.kind === 'field' ? s.name : ''));
}
