/**
 * The SDK's HTTP client sends every body with its length. A DELETE's body (DeleteOptions with
 * preconditions) went out with neither a length nor chunked encoding, so the server deleted without
 * the preconditions and read the body as a malformed next request on the kept-alive connection.
 */
import { describe, expect, it } from 'vitest';
import { ApiStatusError, HttpClient } from '../../src/sdk/index.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();
const CM = '/clusters/root/api/v1/namespaces/default/configmaps';

describe('the SDK HTTP client with request bodies', () => {
  it('sends a DELETE’s preconditions: a wrong uid is a conflict and the object stays; the right one deletes', async () => {
    const client = new HttpClient({ server: fx.base, token: fx.adminToken });
    try {
      const made = await client.json<{ metadata: { uid: string } }>('POST', CM, { body: { metadata: { name: 'guarded' } } });
      const wrong = await client.json('DELETE', `${CM}/guarded`, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'not-its-uid' } } }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(ApiStatusError);
      expect(wrong).toMatchObject({ code: 409 });
      // Still there, and the connection answers the next request with its own reply.
      expect((await client.json<{ metadata: { uid: string } }>('GET', `${CM}/guarded`)).metadata.uid).toBe(made.metadata.uid);
      await client.json('DELETE', `${CM}/guarded`, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: made.metadata.uid } } });
      expect(await client.json('GET', `${CM}/guarded`).catch((e: unknown) => e)).toMatchObject({ code: 404 });
    } finally {
      client.close();
    }
  });
});
