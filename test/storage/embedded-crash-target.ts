/** Opens the embedded store for the SIGKILL test's child process. */
import { EmbeddedStore } from '../../src/storage/index.js';
import type { Store } from '../../src/storage/index.js';

export async function openForCrashTest(dataDir: string): Promise<Store> {
  return new EmbeddedStore({ dataDir });
}
