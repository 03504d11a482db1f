/**
 * Message construction for MutatingAdmissionPolicy expressions (`Object{spec: Object.spec{replicas: 3}}`,
 * `JSONPatch{op: "add", path: "/x", value: 1}`). @marcbachmann/cel-js parses no message
 * construction at all, so such an expression is rewritten, before parsing, into the map literal
 * it amounts to (`{"spec": {"replicas": 3}}`): each field name becomes a string key and the type
 * name goes away. The result is a plain CEL map; the type names are checked here instead (the
 * `Object` types and their field paths for ApplyConfiguration, `JSONPatch` with its four fields),
 * and the field names of `Object` types against the kind's schema only by the status controller's
 * type checking (Kubernetes checks them when compiling). Positions in errors point into the text
 * the user wrote.
 */

export interface Rewritten {
  readonly text: string;
  /** A position in `text` → the position in the original expression. */
  readonly positionOf: (pos: number) => number;
}

const JSON_PATCH_FIELDS = new Set(['op', 'path', 'value', 'from']);

type Frame = { kind: 'message'; type: string } | { kind: 'other' };

const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Length of the string literal starting at `i` (with its r/b prefixes), or 0 if none starts there. */
function stringLiteralLength(s: string, i: number): number {
  let j = i;
  let raw = false;
  while (j < i + 2 && /[rRbB]/.test(s[j] ?? '')) {
    if (/[rR]/.test(s[j] ?? '')) raw = true;
    j++;
  }
  const q = s[j];
  if (q !== '"' && q !== "'") return 0;
  if (j > i && isIdentPart(s[i - 1])) return 0;
  const triple = s.slice(j, j + 3) === q.repeat(3);
  const close = triple ? q.repeat(3) : q;
  let k = j + close.length;
  while (k < s.length) {
    if (!raw && s[k] === '\\') {
      k += 2;
      continue;
    }
    if (s.startsWith(close, k)) return k + close.length - i;
    if (!triple && s[k] === '\n') break;
    k++;
  }
  return s.length - i;
}

/** The rewritten expression, or the first problem with its position in `source`. */
export function rewriteMessageLiterals(source: string): Rewritten | { error: string; pos: number } {
  const out: string[] = [];
  const map: number[] = [];
  const emit = (chunk: string, from: number): void => {
    for (let k = 0; k < chunk.length; k++) {
      out.push(chunk[k] as string);
      map.push(from + Math.min(k, chunk.length - 1));
    }
  };
  const stack: Frame[] = [];
  let fieldStart = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const strLen = stringLiteralLength(source, i);
    if (strLen > 0) {
      emit(source.slice(i, i + strLen), i);
      i += strLen;
      fieldStart = false;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      emit(source.slice(i, stop), i);
      i = stop;
      continue;
    }
    if (/\s/.test(c) || (fieldStart && c === '?')) {
      emit(c, i);
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (fieldStart && top?.kind === 'message' && isIdentStart(c)) {
      let j = i;
      while (isIdentPart(source[j])) j++;
      const field = source.slice(i, j);
      if (top.type === 'JSONPatch' && !JSON_PATCH_FIELDS.has(field)) return { error: `undefined field '${field}'`, pos: i };
      emit('"', i);
      emit(field, i);
      emit('"', j - 1);
      i = j;
      fieldStart = false;
      continue;
    }
    fieldStart = false;
    if (isIdentStart(c) && !isIdentPart(source[i - 1])) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(source.slice(i)) as RegExpExecArray;
      const name = m[0];
      let j = i + name.length;
      while (/\s/.test(source[j] ?? '')) j++;
      const member = source[i - 1] === '.';
      if (source[j] === '{' && !member) {
        if (name !== 'JSONPatch' && name !== 'Object' && !name.startsWith('Object.')) {
          return { error: `undeclared reference to '${name}'`, pos: i };
        }
        emit('{', j);
        stack.push({ kind: 'message', type: name });
        fieldStart = true;
        i = j + 1;
        continue;
      }
      emit(name, i);
      i += name.length;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push({ kind: 'other' });
    else if (c === ')' || c === ']' || c === '}') stack.pop();
    else if (c === ',' && top?.kind === 'message') fieldStart = true;
    emit(c, i);
    i++;
  }
  const text = out.join('');
  return { text, positionOf: (pos) => map[pos] ?? source.length };
}
