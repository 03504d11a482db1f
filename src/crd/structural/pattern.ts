/**
 * `pattern` keywords are RE2 syntax, as Kubernetes compiles them with Go's regexp. They run on
 * re2js (a linear-time port of RE2, already used by the CEL module) rather than as ECMAScript
 * RegExps: the syntax and semantics are Go's (`(?i)`, `\z`, `[[:alpha:]]`, `\pL`, `\-`, a lone
 * `]` all mean what they mean in Kubernetes), compile errors read as Go's, and matching time is
 * linear. That last point is decisive in a multi-tenant server: a tenant's CRD with
 * `^(a+)+$` takes a backtracking engine over ten seconds on a 29-character value, blocking
 * every workspace on the process; re2js matches it in under a millisecond. Typical patterns
 * cost about a microsecond per value.
 */
import { RE2JS } from 're2js';

export interface Pattern {
  /** Whether the pattern matches somewhere in `s` (unanchored, as Go's MatchString). */
  test(s: string): boolean;
}

const MAX_CACHED = 10_000;
const compiled = new Map<string, Pattern>();

/** The pattern compiled (cached across schemas); throws when it is not valid RE2. */
export function compilePattern(pattern: string): Pattern {
  let p = compiled.get(pattern);
  if (!p) {
    const re = RE2JS.compile(pattern);
    p = { test: (s) => re.test(s) };
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, p);
  }
  return p;
}

/** Undefined when the pattern compiles, else Go's message (`error parsing regexp: ...`). */
export function patternError(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
