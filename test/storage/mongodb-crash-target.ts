/** Opens the MongoDB store for the SIGKILL test's child process. */
import { MongoStore } from '../../src/storage/mongodb/index.js';
import type { Store } from '../../src/storage/index.js';

export async function openForCrashTest(url: string): Promise<Store> {
  return MongoStore.open({ url });
}
