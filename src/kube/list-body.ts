/**
 * A List answered from its objects' JSON (Registry.listJson): the envelope written around the
 * items' text, with the keys in the order JSON.stringify writes the envelope of a parsed list, so
 * both answers are the same bytes.
 */
import { apiVersionOf, type JsonListResponse, type ResourceType } from '../registry/index.js';

/** The items' encoded JSON, kept with the registry's array, which is shared while a list is unchanged. */
const encodedItems = new WeakMap<readonly string[], Buffer>();

const END = Buffer.from(']}');

/** The List's JSON in three pieces: the envelope's head, the items (kept encoded with the list), the end. */
export function listBody(t: ResourceType, list: JsonListResponse): Buffer[] {
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  const head = JSON.stringify({ kind: t.listKind, apiVersion: apiVersionOf(t), metadata });
  let items = encodedItems.get(list.items);
  if (!items) {
    // One string, encoded once: cheaper than a Buffer per item.
    items = Buffer.from(list.items.join(','));
    encodedItems.set(list.items, items);
  }
  return [Buffer.from(`${head.slice(0, -1)},"items":[`), items, END];
}
