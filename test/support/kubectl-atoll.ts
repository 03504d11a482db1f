/**
 * The fixture of the kubectl end-to-end suites: Atoll as a real process on a temporary data
 * directory, kubectl with its own discovery cache, and a temporary directory for manifests —
 * all removed after the suite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startAtoll, type AtollProcess } from './atoll-process.js';
import { kubectlFor } from './kubectl.js';

export interface KubectlAtoll {
  readonly atoll: AtollProcess;
  readonly k: ReturnType<typeof kubectlFor>;
  /** Writes a manifest into the suite's temporary directory and returns its path. */
  file(name: string, text: string): string;
}

/** Call inside the suite's describe block; `prefix` names its temporary directories. */
export function useKubectlAtoll(prefix: string): KubectlAtoll {
  let atoll: AtollProcess | undefined;
  let k: ReturnType<typeof kubectlFor> | undefined;
  let dataDir = '';
  let tmp = '';
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-files-`));
    atoll = await startAtoll(['--port', '0', '--data-dir', dataDir]);
    k = kubectlFor(atoll.kubeconfig);
  });
  afterAll(async () => {
    await atoll?.stop();
    k?.cleanup();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the kubectl fixture runs only inside its suite');
    return v;
  };
  return {
    get atoll() {
      return started(atoll);
    },
    get k() {
      return started(k);
    },
    file(name, text) {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, text);
      return p;
    },
  };
}
