/**
 * A small tmpfs file system for tests of a full disk, without filling the machine's: mounted on a
 * fresh directory (root only), filled by a filler file and freed by deleting it. Where mounting is
 * not possible, `smallDiskUnavailable` says why and the tests that need one skip.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  /** The mount point (empty at first). */
  dir: string;
  /** Takes every free byte with a filler file. */
  fill(): void;
  /** Deletes the filler file. */
  free(): void;
  unmount(): void;
}

const FILLER = '.filler';

export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    throw err;
  }
  const filler = path.join(dir, FILLER);
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      try {
        // Big chunks first, then smaller ones for the last partly free pages.
        for (const size of [1 << 20, 1 << 16, 1 << 12, 512]) {
          const chunk = Buffer.alloc(size);
          try {
            while (fs.writeSync(fd, chunk) === size);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmdirSync(dir);
    },
  };
}

/** Why no small disk can be mounted here, or undefined when it can. */
export const smallDiskUnavailable: string | undefined = (() => {
  try {
    mountSmallDisk(1 << 20).unmount();
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot mount a tmpfs here (needs root): ${stderr || (err instanceof Error ? err.message : String(err))}`;
  }
})();
