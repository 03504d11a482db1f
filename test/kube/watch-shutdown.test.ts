/**
 * A watch that reaches its handler after shutdown began (admitted just before, then authenticated
 * while the server started to drain) finds the shutdown signal already aborted. It must end at once
 * like the watches that were open, not wait for an abort event that has already come and gone —
 * which held the drain until its budget ran out.
 */
import { expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { builtinResourceTypes, configMaps } from '../../src/registry/index.js';
import { useKubeHandlerServer } from '../support/kube-handler-server.js';
import { useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();
const set = new ApiSet(builtinResourceTypes);
const http = useKubeHandlerServer(fx, set, { shutdown: AbortSignal.abort() });

it('ends a watch begun after shutdown at once', { timeout: 10_000 }, async () => {
  await fx.reg.create({ cluster: 'ws' }, configMaps, 'default', { metadata: { name: 'one' } });
  const res = await fetch(`${http.base()}/api/v1/namespaces/default/configmaps?watch=1`);
  expect(res.status).toBe(200);
  // The body ends (a hanging watch would time this test out) and carries nothing after shutdown.
  expect(await res.text()).toBe('');
});
