/**
 * codegen.ts (GraphQL Code Generator) and the example client it generates for (examples/client/):
 * the checked-in generated module is what `npm run codegen` makes from schema/builtin.graphql;
 * generating from a running workspace by introspection gives the same types; the generated module
 * and the client compile under the project's strict tsconfig (the client's `@ts-expect-error` lines
 * must stay errors); and the client, run as its own process, talks to a real server through them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { EXAMPLE_OUTPUT, typedDocuments } from '../../codegen.js';
import { useServer } from '../support/server-fixture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples/client');
const CODEGEN_BIN = path.join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js');
const TSC_BIN = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const SYSTEM_CAS = '/etc/ssl/certs/ca-certificates.crt';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Doc comments differ by source: a schema built from introspection has no AST, so scalars lose theirs. */
const withoutComments = (ts: string): string =>
  ts
    .split('\n')
    .filter((line) => !/^\s*(\/\*\*|\*)/.test(line))
    .join('\n');

describe('codegen.ts and the generated example client', () => {
  const fx = useServer();
  let dir = '';
  let url = '';

  beforeAll(async () => {
    // A project of its own beside the repo: the example's operations and client, the repo's
    // node_modules, and a tsconfig extending the repo's (strict, NodeNext, noUncheckedIndexedAccess).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-codegen-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: { rootDir: '.', outDir: 'dist', noEmit: true, sourceMap: false },
        include: ['*.ts', 'generated/*.ts'],
      }),
    );
    for (const file of ['operations.graphql', 'client.ts']) fs.copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));

    await fx.workspace('root', 'codegen');
    url = `${fx.base}/clusters/root:codegen/graphql`;
    // The configuration of codegen.ts, with the workspace's endpoint as the schema.
    await generate(
      {
        ...config,
        schema: { [url]: { headers: { Authorization: `Bearer ${fx.adminToken}` } } },
        documents: [path.join(dir, '*.graphql')],
        generates: { [path.join(dir, 'generated/graphql.ts')]: typedDocuments },
        silent: true,
        cwd: dir,
      },
      true,
    );
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks in what `npm run codegen` makes from schema/builtin.graphql', async () => {
    const res = await run([CODEGEN_BIN, '--config', 'codegen.ts', '--check'], ROOT, { ...process.env, ATOLL_GRAPHQL_URL: '' });
    expect(res.code, `${EXAMPLE_OUTPUT} is stale: run \`npm run codegen\`\n${res.stdout}${res.stderr}`).toBe(0);
  });

  it("generates the same typed documents from a workspace's endpoint by introspection", () => {
    const fromServer = fs.readFileSync(path.join(dir, 'generated/graphql.ts'), 'utf8');
    const checkedIn = fs.readFileSync(path.join(ROOT, EXAMPLE_OUTPUT), 'utf8');
    expect(fromServer).toContain('export const CreateConfigMapDocument');
    // strictScalars: every scalar is mapped, none falls back to `any`.
    expect(withoutComments(fromServer)).not.toMatch(/\bany\b/);
    expect(withoutComments(fromServer)).toBe(withoutComments(checkedIn));
  });

  it('compiles the generated module and the client under the strict tsconfig; wrong field and variable uses stay errors', async () => {
    // An unused `@ts-expect-error` (TS2578) means a wrong access compiles: the types became too loose.
    const res = await run([TSC_BIN, '-p', 'tsconfig.json', '--listFiles'], dir);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const files = res.stdout.split('\n').map((f) => path.resolve(dir, f.trim()));
    expect(files).toEqual(expect.arrayContaining([path.join(dir, 'client.ts'), path.join(dir, 'generated/graphql.ts')]));

    // Without the directives the same lines must fail, each with the error it expects.
    const loose = fs.readFileSync(path.join(dir, 'client.ts'), 'utf8').replaceAll('// @ts-expect-error', '// expected error');
    fs.writeFileSync(path.join(dir, 'client-unchecked.ts'), loose);
    try {
      const failed = await run([TSC_BIN, '-p', 'tsconfig.json'], dir);
      const errors = failed.stdout.split('\n').filter((l) => l.startsWith('client-unchecked.ts'));
      expect(errors.map((l) => /error (TS\d+)/.exec(l)?.[1]).sort(), failed.stdout).toEqual(['TS2322', 'TS2339', 'TS2345']);
    } finally {
      fs.rmSync(path.join(dir, 'client-unchecked.ts'));
    }
  });

  it('runs the client against the server: create, get, list by label and watch through the typed documents', async () => {
    const res = await run(['--import', 'tsx', 'client.ts', url, 'from-codegen'], dir, { ...process.env, ATOLL_TOKEN: fx.adminToken });
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as {
      created: { name: string; uid: string; resourceVersion: string };
      read: { labels: Record<string, string>; color?: string };
      listed: string[];
      watched: { type: string; name: string; data: Record<string, string> };
    };
    expect(report.created.name).toBe('from-codegen');
    expect(report.read).toEqual({ labels: { example: 'from-codegen' }, color: 'blue' });
    expect(report.listed).toEqual(['from-codegen']);
    expect(report.watched).toEqual({ type: 'ADDED', name: 'from-codegen', data: { color: 'blue' } });

    // What the client wrote is what REST serves.
    const rest = await fx.call('GET', '/clusters/root:codegen/api/v1/namespaces/default/configmaps/from-codegen');
    expect(rest.status).toBe(200);
    expect(rest.body.metadata?.uid).toBe(report.created.uid);
    expect(rest.body.metadata?.resourceVersion).toBe(report.created.resourceVersion);
    expect(rest.body.data).toEqual({ color: 'blue' });
  });
});

describe('a project of its own reusing typedDocuments, from a workspace served over HTTPS', () => {
  const fx = useServer({ tls: true });
  let dir = '';

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // What the README and schema/README.md tell a user to do: their own codegen.ts importing
  // typedDocuments, the current GraphQL Code Generator CLI, the workspace's https:// URL, the token,
  // and the server's CA through NODE_EXTRA_CA_CERTS (here a bundle, as when one was already set).
  // Runs the codegen CLI and tsc as processes: minutes on a loaded 2-core machine.
  it('generates typed documents that compile, with the CLI and the documented environment', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-codegen-own-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), compilerOptions: { rootDir: '.', noEmit: true, sourceMap: false }, include: ['generated/*.ts'] }),
    );
    fs.writeFileSync(path.join(dir, 'ops.graphql'), 'query Names($ns: String!) { v1 { ConfigMaps(namespace: $ns) { items { metadata { name labels } } } } }\n');
    fs.writeFileSync(
      path.join(dir, 'codegen.ts'),
      `import type { CodegenConfig } from '@graphql-codegen/cli';
import { typedDocuments } from ${JSON.stringify(path.join(ROOT, 'codegen.ts'))};

const config: CodegenConfig = {
  schema: { [process.env.ATOLL_GRAPHQL_URL as string]: { headers: { Authorization: \`Bearer \${process.env.ATOLL_TOKEN}\` } } },
  documents: ['ops.graphql'],
  generates: { 'generated/graphql.ts': typedDocuments },
};
export default config;
`,
    );
    // The machine's CAs first, as a value NODE_EXTRA_CA_CERTS had before would name them.
    const system = fs.existsSync(SYSTEM_CAS) ? fs.readFileSync(SYSTEM_CAS, 'utf8') : '';
    fs.writeFileSync(path.join(dir, 'ca-bundle.crt'), `${system}\n${fx.server.pki?.ca.cert ?? ''}`);
    await fx.workspace('root', 'own');
    expect(fx.base).toMatch(/^https:/);
    const env = { ...process.env, ATOLL_GRAPHQL_URL: `${fx.base}/clusters/root:own/graphql`, ATOLL_TOKEN: fx.adminToken, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca-bundle.crt') };
    const generated = await run([CODEGEN_BIN, '--config', 'codegen.ts'], dir, env);
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    const module = fs.readFileSync(path.join(dir, 'generated/graphql.ts'), 'utf8');
    expect(module).toContain('export const NamesDocument');
    expect(module).toContain('labels: Record<string, string> | null');
    const compiled = await run([TSC_BIN, '-p', 'tsconfig.json'], dir);
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  }, 180_000);
});
