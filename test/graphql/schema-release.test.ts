/**
 * A compiled schema keeps nothing of its build (issue 19): Pothos's SchemaBuilder (with its
 * ConfigStore and BuildCache) and Atoll's OpenApiTypes and NameTable go once `compileSchema`
 * returns, so a 50-kind schema holds ≤ 4 MiB of heap (12.8 MiB while the build stayed reachable).
 * Garbage collection needs --expose-gc, so this runs in a child process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./schema-release-child.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(CHILD), '../..');

interface Released {
  kinds: number;
  builders: number;
  alive: number;
  heapPerSchema: number;
  sdlBytes: number;
  configMapOwner: unknown;
}

describe('compiled schema', () => {
  it('lets its builder go and keeps at most 4 MiB for 50 kinds', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD], { cwd: ROOT, maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout) as Released;
    expect(r.kinds).toBe(50);
    expect(r.builders).toBe(4);
    // Every SchemaBuilder was collected while its schema is still held.
    expect(r.alive).toBe(0);
    expect(r.heapPerSchema).toBeLessThanOrEqual(4 * 2 ** 20);
    // The schema still works where Pothos's wrappers were removed.
    expect(r.configMapOwner).toBe('V1ConfigMap');
    expect(r.sdlBytes).toBeGreaterThan(500_000);
  });
});
