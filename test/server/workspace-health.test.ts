/** `/clusters/<workspace>/healthz|livez|readyz`: the server's answers, once the workspace is entered. */
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();

/** GET as the admin, or with no credentials (`anonymous`). */
async function get(path: string, as: 'admin' | 'anonymous' = 'admin'): Promise<{ status: number; text: string }> {
  const res = await fx.fetch(`${fx.base}${path}`, { headers: as === 'admin' ? fx.headers : {} });
  return { status: res.status, text: await res.text() };
}

describe('health below a workspace', () => {
  it('answers what the root endpoints answer, in root and in a workspace', async () => {
    await fx.workspace('root', 'probed');
    for (const ws of ['root', 'root:probed']) {
      for (const endpoint of ['healthz', 'livez', 'readyz']) {
        const root = await get(`/${endpoint}`, 'anonymous');
        const inWorkspace = await get(`/clusters/${ws}/${endpoint}`);
        expect(inWorkspace).toEqual({ status: 200, text: 'ok' });
        expect(inWorkspace).toEqual(root);
        const verbose = await get(`/clusters/${ws}/${endpoint}?verbose`);
        expect(verbose).toEqual(await get(`/${endpoint}?verbose`, 'anonymous'));
        expect(verbose.text).toContain(`${endpoint} check passed`);
      }
    }
  });

  it('only after the workspace-entry check', async () => {
    expect((await get('/clusters/root:probed/healthz', 'anonymous')).status).toBe(401);
    const missing = await get('/clusters/root:nowhere/healthz');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});
