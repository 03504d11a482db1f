/**
 * Small ids for the shared objects a cache key names: schemas and parsed documents are cached
 * upstream, so each is one object, and a number stands for it in a string key without holding it.
 */
const ids = new WeakMap<object, number>();
let nextId = 0;

export function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
}
