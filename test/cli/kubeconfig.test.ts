/** The kubeconfig as kubectl reads it, and workspace URLs as kubectl ws makes them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CliError } from '../../src/cli/errors.js';
import { resolveConnection, workspaceUrl } from '../../src/cli/kubeconfig.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-kubeconfig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, config: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify(config));
  return file;
}

describe('resolveConnection', () => {
  it('merges the files of KUBECONFIG (the first to define an entry wins), reads files relative to their kubeconfig', () => {
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.writeFileSync(path.join(dir, 'certs/ca.crt'), 'CA PEM');
    fs.writeFileSync(path.join(dir, 'certs/token'), 'file-token\n');
    const first = write('first.yaml', {
      'current-context': 'work',
      contexts: [{ name: 'work', context: { cluster: 'atoll', user: 'me' } }],
      users: [{ name: 'me', user: { tokenFile: 'certs/token' } }],
    });
    const second = write('second.yaml', {
      'current-context': 'ignored',
      clusters: [{ name: 'atoll', cluster: { server: 'https://atoll.example:6443/clusters/root', 'certificate-authority': 'certs/ca.crt', 'tls-server-name': 'atoll' } }],
      users: [{ name: 'me', user: { token: 'second-token' } }],
    });
    const conn = resolveConnection({}, { KUBECONFIG: [first, path.join(dir, 'absent.yaml'), second].join(path.delimiter) });
    expect(conn).toMatchObject({ server: 'https://atoll.example:6443/clusters/root', ca: 'CA PEM', token: 'file-token', servername: 'atoll' });
  });

  it('takes --kubeconfig over KUBECONFIG, --context over current-context, and inline certificates', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const file = write('flag.yaml', {
      'current-context': 'a',
      clusters: [{ name: 'c', cluster: { server: 'https://h:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
      contexts: [
        { name: 'a', context: { cluster: 'c' } },
        { name: 'b', context: { cluster: 'c', user: 'u' } },
      ],
    });
    const conn = resolveConnection({ kubeconfig: file, context: 'b' }, { KUBECONFIG: '/nowhere' });
    expect(conn).toMatchObject({ server: 'https://h:1', clientCertificate: 'CERT', clientKey: 'KEY', insecureSkipTlsVerify: true });
    expect(conn.token).toBeUndefined();
  });

  it('says what is missing, in one line', () => {
    const noContext = write('none.yaml', { clusters: [] });
    expect(() => resolveConnection({ kubeconfig: noContext })).toThrow(new CliError(`${noContext}: no context given and no current-context set; pass --context`));
    const noServer = write('noserver.yaml', { 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'gone' } }] });
    expect(() => resolveConnection({ kubeconfig: noServer })).toThrow(`${noServer}: context x names cluster "gone", which has no server`);
    const exec = write('exec.yaml', {
      'current-context': 'x',
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://h:1' } }],
      users: [{ name: 'u', user: { exec: { command: 'get-token' } } }],
    });
    expect(() => resolveConnection({ kubeconfig: exec })).toThrow(`${exec}: user u authenticates with an exec plugin, which is not run here; use a token or a client certificate`);
    expect(() => resolveConnection({}, { KUBECONFIG: path.join(dir, 'absent.yaml') })).toThrow('no kubeconfig: none of the files in KUBECONFIG exists; pass --kubeconfig');
  });
});

describe('workspaceUrl', () => {
  it('replaces or adds /clusters/<path>, as kubectl ws does', () => {
    expect(workspaceUrl('https://h:6443/clusters/root', 'root:provider')).toBe('https://h:6443/clusters/root:provider');
    expect(workspaceUrl('https://h:6443', 'root:provider')).toBe('https://h:6443/clusters/root:provider');
    expect(workspaceUrl('https://h:6443/proxy/clusters/root/', 'root:a')).toBe('https://h:6443/proxy/clusters/root:a');
    expect(workspaceUrl('https://h:6443/clusters/root:org', undefined)).toBe('https://h:6443/clusters/root:org');
    expect(() => workspaceUrl('https://h:6443', undefined)).toThrow('the server https://h:6443 names no workspace (/clusters/<path>); pass --workspace');
    expect(() => workspaceUrl('https://h:6443', 'root/x')).toThrow('--workspace "root/x" is not a workspace path such as root:provider');
  });
});
