/**
 * A ValidatingAdmissionPolicy's Audit action and auditAnnotations in the audit log of a real
 * server process (--audit-log-path): the write's audit event carries
 * `validation.policy.admission.k8s.io/validation_failure` and `<policy>/<key>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { fetchTrusting } from '../support/tls-fetch.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-vap-audit-'));
let proc: AtollProcess | undefined;
afterAll(async () => {
  if (proc && proc.child.exitCode === null) await proc.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const G = '/clusters/root/apis/admissionregistration.k8s.io/v1';
const CM = '/clusters/root/api/v1/namespaces/default/configmaps';

async function post(p: AtollProcess, urlPath: string, body: unknown): Promise<number> {
  const res = await fetchTrusting(p.ca as string)(new URL(urlPath, p.url).href, { method: 'POST', headers: { ...p.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

describe('a policy’s Audit action in the audit log', () => {
  it('annotates the write’s audit event', async () => {
    const log = path.join(dir, 'audit.log');
    proc = await startAtoll(['--port', '0', '--data-dir', path.join(dir, 'data'), '--audit-log-path', log, '--audit-level', 'Metadata']);
    const p = proc;
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
    expect(
      await post(p, `${G}/validatingadmissionpolicies`, {
        metadata: { name: 'noted' },
        spec: {
          matchConstraints: { resourceRules: rules },
          validations: [{ expression: "!has(object.data) || !('secret' in object.data)", message: 'looks secret' }],
          auditAnnotations: [{ key: 'size', valueExpression: 'string(size(object.data))' }],
        },
      }),
    ).toBe(201);
    expect(await post(p, `${G}/validatingadmissionpolicybindings`, { metadata: { name: 'noted' }, spec: { policyName: 'noted', validationActions: ['Audit'] } })).toBe(201);
    expect(await post(p, CM, { metadata: { name: 'audited' }, data: { secret: 'x', other: 'y' } })).toBe(201);
    await p.stop();

    const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verb: string; objectRef: { resource: string; name?: string }; annotations: Record<string, string> });
    const created = events.find((e) => e.verb === 'create' && e.objectRef.resource === 'configmaps' && e.objectRef.name === 'audited');
    expect(created?.annotations).toEqual({
      'kcp.io/cluster': 'root',
      'noted/size': '2',
      'validation.policy.admission.k8s.io/validation_failure': JSON.stringify([{ message: 'looks secret', policy: 'noted', binding: 'noted', expressionIndex: 0, validationActions: ['Audit'] }]),
    });
  });
});
