/**
 * The mutable state of one validation walk: the field path (a stack, formatted only when an
 * error needs it), the errors found, and how many of them block CEL evaluation.
 *
 * Paths print as Kubernetes prints custom-resource errors: property names joined with dots
 * (`spec.my-field`, as kube-openapi does, even when the name is not an identifier), list indices
 * and map (additionalProperties) keys in brackets (`spec.items[0]`, `spec.labels[a.b/c]`, as
 * `formatPath` prints them for built-in kinds).
 */
import type { FieldError } from '../../registry/errors.js';

export class FieldPath {
  private readonly segs: (string | number)[] = [];
  private readonly keyed: boolean[] = [];

  push(seg: string | number, mapKey = false): void {
    this.segs.push(seg);
    this.keyed.push(mapKey);
  }

  pop(): void {
    this.segs.pop();
    this.keyed.pop();
  }

  toString(): string {
    let out = '';
    for (let i = 0; i < this.segs.length; i++) {
      const s = this.segs[i];
      if (typeof s === 'number' || this.keyed[i]) out += `[${s}]`;
      else out += out ? `.${s}` : String(s);
    }
    return out;
  }
}

/** `prefix` + `rel` as a field path: `a.b` + `c` = `a.b.c`, `a.b` + `[0].c` = `a.b[0].c`. */
export function joinField(prefix: string, rel: string): string {
  if (!prefix) return rel;
  if (!rel) return prefix;
  return rel.startsWith('[') ? prefix + rel : `${prefix}.${rel}`;
}

export interface ValidationState {
  readonly errors: FieldError[];
  readonly path: FieldPath;
  /** Printed before every field (e.g. the schema path of a default being checked). */
  readonly prefix: string;
  /** Errors that make CEL evaluation unsafe (Kubernetes' hasBlockingErr types). */
  blocking: number;
  /** CEL rules met on the walk, run after it only if nothing blocking was found. */
  readonly deferred: (() => FieldError[])[];
}

export function newState(prefix = '', path = new FieldPath()): ValidationState {
  return { errors: [], path, prefix, blocking: 0, deferred: [] };
}

export function fieldOf(st: ValidationState): string {
  return joinField(st.prefix, st.path.toString());
}

/** `spec.replicas in body`, the subject of kube-openapi's messages (relative to the validated value). */
export function bodyName(st: ValidationState): string {
  const name = st.path.toString();
  return name ? `${name} in body` : 'in body';
}

export function fail(st: ValidationState, error: FieldError, blocking: boolean): void {
  st.errors.push(error);
  if (blocking) st.blocking++;
}
