/**
 * The embedded store and its disk: the WAL stays bounded, and a full disk fails writes with a
 * clear error and the store's writeFailure (which readiness reports) until space returns. The
 * full disk is a small tmpfs (tests skip where it cannot be mounted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DB_FILE } from '../../src/storage/embedded/database.js';
import { EmbeddedStore, StorageError } from '../../src/storage/index.js';
import { eventually } from '../support/eventually.js';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../support/small-disk.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const key = (name: string) => ({ cluster: 'c', resource: 'configmaps', namespace: 'default', name });
const configMap = (name: string, bytes = 4096) => ({ metadata: { name, namespace: 'default' }, data: { pad: 'x'.repeat(bytes) } });
const walSize = (dataDir: string): number => fs.statSync(path.join(dataDir, `${DB_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0;

function open(dataDir: string): EmbeddedStore {
  const store = new EmbeddedStore({ dataDir });
  cleanups.push(() => store.close());
  return store;
}

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-wal-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes batches of `perBatch` objects, one batch per call of the group commit. */
async function burst(store: EmbeddedStore, prefix: string, batches: number, perBatch: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    await Promise.all(Array.from({ length: perBatch }, (_, i) => store.create(key(`${prefix}-${b}-${i}`), configMap(`${prefix}-${b}-${i}`))));
  }
}

describe('embedded store: WAL size', () => {
  it('keeps the WAL bounded during a burst of writes, and removes it on close', async () => {
    const dataDir = tmpDir();
    const store = open(dataDir);
    // About 40 MB of objects in 100 batches: SQLite's default checkpointing would let the WAL reach 16 MB.
    let largest = 0;
    for (let round = 0; round < 10; round++) {
      await burst(store, `r${round}`, 10, 100);
      largest = Math.max(largest, walSize(dataDir));
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(8 * 1024 * 1024);
    await store.close();
    expect(walSize(dataDir)).toBe(0);
    expect((await open(dataDir).get(key('r9-9-99')))?.data).toEqual(configMap('r9-9-99').data);
  });

  it('truncates the WAL once writes have stopped for a while', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dataDir = tmpDir();
    const store = open(dataDir);
    await burst(store, 'a', 5, 50);
    expect(walSize(dataDir)).toBeGreaterThan(0);
    // The first tick sees the writes since the last one; the second finds the store idle.
    vi.advanceTimersByTime(10_000);
    vi.advanceTimersByTime(10_000);
    expect(walSize(dataDir)).toBe(0);
    expect(await store.get(key('a-4-49'))).toBeDefined();
    await burst(store, 'b', 1, 1);
    expect(await store.get(key('b-0-0'))).toBeDefined();
  });
});

describe.skipIf(smallDiskUnavailable !== undefined)(`embedded store: full disk${smallDiskUnavailable ? ` (skipped: ${smallDiskUnavailable})` : ''}`, () => {
  function smallDisk(): SmallDisk {
    const disk = mountSmallDisk(8 * 1024 * 1024);
    cleanups.push(() => disk.unmount());
    return disk;
  }

  /** Writes until the full disk refuses one; returns the acknowledged names and the refusal. */
  async function writeUntilRefused(store: EmbeddedStore, prefix: string): Promise<{ acked: string[]; refused: string; error: unknown }> {
    const acked: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const name = `${prefix}-${i}`;
      try {
        await store.create(key(name), configMap(name));
        acked.push(name);
      } catch (error) {
        return { acked, refused: name, error };
      }
    }
    throw new Error('the full disk never refused a write');
  }

  it('refuses writes with Unavailable while the disk is full, reports it, and recovers at the next write once space returns', async () => {
    const disk = smallDisk();
    const store = open(disk.dir);
    await burst(store, 'before', 2, 20);
    expect(store.writeFailure).toBeUndefined();

    disk.fill();
    const { acked, refused, error } = await writeUntilRefused(store, 'full');
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('Unavailable');
    expect((error as StorageError).message).toMatch(/^storage is full: database or disk is full \(SQLITE_FULL\)/);
    expect(store.writeFailure).toMatch(/database or disk is full/);
    const revision = store.revision;
    // A batch fails as a whole and consumes no revision.
    const batch = await Promise.allSettled(['b1', 'b2', 'b3'].map((n) => store.create(key(n), configMap(n))));
    expect(batch.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(store.revision).toBe(revision);

    disk.free();
    await store.create(key('after'), configMap('after'));
    expect(store.writeFailure).toBeUndefined();
    for (const name of [...acked, 'before-1-19', 'after']) expect(await store.get(key(name)), name).toBeDefined();
    for (const name of [refused, 'b1', 'b2', 'b3']) expect(await store.get(key(name)), name).toBeUndefined();

    // And durably so.
    await store.close();
    const reopened = open(disk.dir);
    for (const name of [...acked, 'after']) expect(await reopened.get(key(name)), name).toBeDefined();
    for (const name of [refused, 'b1', 'b2', 'b3']) expect(await reopened.get(key(name)), name).toBeUndefined();
  });

  it('notices by itself that space has returned, without a client write', async () => {
    const disk = smallDisk();
    const store = open(disk.dir);
    disk.fill();
    await writeUntilRefused(store, 'full');
    expect(store.writeFailure).toBeDefined();
    disk.free();
    await eventually(() => expect(store.writeFailure).toBeUndefined());
  });
});
