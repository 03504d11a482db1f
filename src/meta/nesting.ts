/**
 * The deepest nesting of objects and arrays Atoll takes from a client. Kubernetes objects stay far
 * below it (a CRD's own OpenAPI schema, among the deepest, rarely passes 100 levels), but much
 * deeper values break the recursive code that copies, compares, validates and prints objects:
 * JSON.stringify overflows the stack near 4,000 levels and the YAML composer near 800. So every
 * decoded request body, GraphQL document and variable, and the result of a patch, is checked
 * against this bound (docs/hardening.md). The apiserver's JSON decoder allows 10,000; Go's
 * growable stacks can afford that, a JavaScript stack cannot.
 */
export const MAX_NESTING_DEPTH = 512;

/**
 * Whether `value` nests objects and arrays more than `max` levels deep (`{}` and `[]` are one
 * level, scalars none). Iterative, so it cannot overflow the stack on the values it exists to
 * refuse, and it stops at the first path that is too deep.
 */
export function nestedDeeperThan(value: unknown, max: number = MAX_NESTING_DEPTH): boolean {
  const stack: { value: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ value, depth: 1 });
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  return false;
}
