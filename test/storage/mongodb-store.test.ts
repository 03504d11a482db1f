/**
 * The MongoDB backend against the storage contract, on FerretDB (a MongoDB-wire server without
 * transactions or change streams, test/support/ferretdb.ts). Each store gets its own database.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { MongoStore } from '../../src/storage/mongodb/index.js';
import { ferretdbUnavailable, startFerretDB, type FerretDB } from '../support/ferretdb.js';
import { runStoreContract, type StoreSetup } from './contract.js';

let server: FerretDB | undefined;
let databases = 0;
const freshUrl = (): string => (server as FerretDB).url(`contract${++databases}`);

describe.skipIf(ferretdbUnavailable !== undefined)(`MongoDB backend${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    server = await startFerretDB();
  }, 600_000);
  afterAll(async () => {
    await server?.dispose();
  });

  runStoreContract('mongodb (FerretDB)', {
    async open(setup?: StoreSetup) {
      const url = freshUrl();
      let store = await MongoStore.open({ url, ...setup });
      return {
        get store() {
          return store;
        },
        async reopen() {
          await store.close();
          store = await MongoStore.open({ url, ...setup });
          return store;
        },
        async cleanup() {
          await store.close();
        },
      };
    },
    async crash() {
      const url = freshUrl();
      let reopened: MongoStore | undefined;
      return {
        module: fileURLToPath(new URL('./mongodb-crash-target.ts', import.meta.url)),
        arg: url,
        reopen: async () => (reopened = await MongoStore.open({ url })),
        cleanup: async () => {
          await reopened?.close();
        },
      };
    },
  });
});
