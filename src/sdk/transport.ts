/** What the informer needs from a transport (REST watch or GraphQL subscription over the provider's view). */
import type { KubeObject, WatchEvent } from './types.js';

export interface ListResult<T extends KubeObject> {
  items: T[];
  /** The revision the list was read at: the watch resumes after it. */
  resourceVersion: string;
}

export interface Transport<T extends KubeObject> {
  /** Which transport, for logs and docs: `rest` or `graphql`. */
  readonly name: string;
  /** Every object across all consumers, at one revision. */
  list(signal: AbortSignal): Promise<ListResult<T>>;
  /**
   * Changes after `resourceVersion`, in order, until the connection ends (then the informer
   * resumes from the last revision it saw). Throws an ApiStatusError: 410 when the revision is too
   * old (the informer relists), anything else to be retried with backoff.
   */
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
  close(): void;
}
