/** Secret material on disk: directories 0700, files 0600, written atomically (write + rename) and only when changed. */
import fs from 'node:fs';
import path from 'node:path';

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `content` so that readers see the old file or the whole new one, never a part; mode 0600
 * unless told. A file that already holds `content` is not written again (only its mode corrected):
 * a start must not fail, or use disk space, rewriting what is already right — on a full disk it could not.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  if (readIfExists(file) === content) {
    if ((fs.statSync(file).mode & 0o777) !== mode) fs.chmodSync(file, mode);
    return;
  }
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, content, { mode, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
