/**
 * One span per store operation, the same for every backend: `storage.get`, `storage.list`,
 * `storage.listJson` where the backend has it, `storage.create`, … the children of the registry's spans (docs/observability.md).
 */
import { traceMethods } from '../meta/index.js';
import type { ObjectKey, Store } from './types.js';

export function traceStore(prototype: Store): void {
  const lists = prototype.listJson ? (['list', 'listJson'] as const) : (['list'] as const);
  traceMethods(prototype, ['get', ...lists, 'create', 'update', 'delete'], 'storage', keyAttributes);
}

/** What a store span says of its call (a write's span lasts until its group is committed). */
function keyAttributes(key: ObjectKey): Record<string, string> {
  return { 'atoll.cluster': key.cluster, 'atoll.resource': key.resource };
}
