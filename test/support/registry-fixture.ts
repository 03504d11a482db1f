/**
 * Shared setup for the registry tests. Each of them wanted a Registry on a fresh in-memory store
 * per test, the same request context, and a way to catch the ApiError a call should fail with;
 * every file carried its own copy of that. They live here once, so the copies cannot drift apart.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { ApiError, Registry, type RequestContext } from '../../src/registry/index.js';
import { EmbeddedStore } from '../../src/storage/index.js';

/** The store and registry of the running test. */
export interface RegistryFixture {
  readonly store: EmbeddedStore;
  readonly reg: Registry;
}

/**
 * Gives every test of the calling file a Registry on a fresh EmbeddedStore (beforeEach), closing
 * the store afterwards (afterEach). Call it at module or describe level; read `store` and `reg`
 * only inside tests and hooks.
 */
export function useRegistry(): RegistryFixture {
  let current: RegistryFixture | undefined;
  beforeEach(() => {
    const store = new EmbeddedStore();
    current = { store, reg: new Registry(store) };
  });
  afterEach(async () => {
    const closing = current;
    current = undefined;
    await closing?.store.close();
  });
  const running = (): RegistryFixture => {
    if (!current) throw new Error('useRegistry: the store and registry exist only while a test runs');
    return current;
  };
  return {
    get store() {
      return running().store;
    },
    get reg() {
      return running().reg;
    },
  };
}

/** The request context the registry tests act under: the root cluster, with no warnings sink. */
export const ctx: RequestContext = { cluster: 'root' };

/** Runs `fn`, expects it to reject with an ApiError, and returns it for inspection. */
export async function refused(fn: () => Promise<unknown>): Promise<ApiError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

/** As refused(), and expects the error to be a 422 Invalid. */
export async function invalid(fn: () => Promise<unknown>): Promise<ApiError> {
  const err = await refused(fn);
  expect(err.code).toBe(422);
  return err;
}

/** Runs `fn`, expects it to throw an ApiError, and returns it for inspection. */
export function refusedSync(fn: () => unknown): ApiError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  return thrown as ApiError;
}

/** The field paths of an error's causes, in order. */
export const fields = (e: ApiError): (string | undefined)[] => e.details?.causes?.map((c) => c.field) ?? [];
