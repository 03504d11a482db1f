/**
 * docker/Dockerfile and .dockerignore checked against the project, since Docker cannot run here
 * (docs/docker.md): what it copies exists and is in the build context, what it runs is what the
 * build produces, node_modules and data directories stay out, and its health check answers as a
 * container's would, against a real server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../support/atoll-process.js';
import { freePort } from '../support/free-port.js';
import { useServer } from '../support/server-fixture.js';
import { copiesOf, DOCKER_DIR, dockerignored, execForm, loadDockerfile } from './docker-files.js';

const run = promisify(execFile);
const stages = loadDockerfile();
const [build, runtime] = stages as [NonNullable<(typeof stages)[0]>, NonNullable<(typeof stages)[0]>];
const ignored = dockerignored();
const WORKDIR = runtime.instructions.findLast((i) => i.keyword === 'WORKDIR')?.args ?? '/';
const buildDir = build.instructions.findLast((i) => i.keyword === 'WORKDIR')?.args ?? '/';

interface Tsconfig {
  extends?: string;
  include?: string[];
  compilerOptions?: { outDir?: string; rootDir?: string };
}
const tsconfig = (file: string): Tsconfig => JSON.parse(fs.readFileSync(path.join(ROOT_DIR, file), 'utf8')) as Tsconfig;

/**
 * Where `npm run build` (tsconfig.build.json, extending tsconfig.json) puts the compiled form of a
 * source file, relative to the top directory; undefined when the build does not compile it.
 */
function builtFrom(source: string): string | undefined {
  const own = tsconfig('tsconfig.build.json');
  const base = own.extends ? tsconfig(own.extends) : {};
  const options = { ...base.compilerOptions, ...own.compilerOptions };
  const include = own.include ?? base.include ?? [];
  if (!include.some((dir) => source.startsWith(`${dir}/`))) return undefined;
  const relative = path.posix.relative(options.rootDir ?? '.', source);
  return path.posix.join(options.outDir ?? '.', relative.replace(/\.ts$/, '.js'));
}

/** Every .ts file under a directory. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/**
 * The top directories `npm run build` needs: those tsconfig.build.json includes, and those their
 * files import from, transitively (tsc compiles what an included file imports, wherever it is).
 */
function directoriesTheBuildReads(): Set<string> {
  const include = tsconfig('tsconfig.build.json').include ?? [];
  const dirs = new Set(include);
  const queue = include.flatMap((dir) => tsFiles(path.join(ROOT_DIR, dir)));
  const seen = new Set(queue);
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      if (!target.endsWith('.ts') || !fs.existsSync(target) || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
      dirs.add(path.relative(ROOT_DIR, target).split(path.sep)[0] as string);
    }
  }
  return dirs;
}

/** The runtime path (under WORKDIR) that a file of the runtime stage came from: the context, or the build stage's directory. */
function originOf(file: string): { from?: string; source: string } | undefined {
  for (const copy of copiesOf(runtime).reverse()) {
    const destination = path.posix.resolve(WORKDIR, copy.destination);
    if (file !== destination && !file.startsWith(`${destination}/`)) continue;
    const source = copy.sources[0] as string;
    const rest = path.posix.relative(destination, file);
    return { ...(copy.from ? { from: copy.from } : {}), source: path.posix.join(source, rest) };
  }
  return undefined;
}

describe('docker/Dockerfile', () => {
  it('builds in one stage and runs in another on the same pinned Node image, as an unprivileged user', () => {
    expect(stages).toHaveLength(2);
    expect(build.name).toBe('build');
    expect(runtime.image).toBe(build.image);
    expect(runtime.image).toMatch(/^node:20\.\d+\.\d+-[a-z]+-slim$/);
    expect(runtime.instructions.find((i) => i.keyword === 'USER')?.args).toBe('node');
    expect(runtime.instructions.find((i) => i.keyword === 'EXPOSE')?.args).toBe('6443');
    expect(runtime.instructions.find((i) => i.keyword === 'VOLUME')?.args).toContain('/data');
  });

  it('copies from the build context only files the project has and .dockerignore lets in', () => {
    for (const stage of stages) {
      for (const copy of copiesOf(stage).filter((c) => !c.from)) {
        for (const source of copy.sources) {
          expect(source, 'never the whole context (node_modules and data directories are kept out one by one)').not.toMatch(/^\.\/?$/);
          expect(fs.existsSync(path.join(ROOT_DIR, source)), source).toBe(true);
          expect(ignored(source), `${source} is in the build context`).toBe(false);
        }
      }
    }
    // The machine's .npmrc names its own Node headers (/usr): the image names its own instead.
    const copied = stages.flatMap((s) => copiesOf(s).flatMap((c) => c.sources));
    expect(copied).not.toContain('.npmrc');
    expect(build.instructions.find((i) => i.keyword === 'ENV')?.args).toContain('npm_config_nodedir=/usr/local');
  });

  it('keeps node_modules, data directories, caches and builds out of the build context', () => {
    for (const file of ['node_modules/yaml/package.json', '.atoll/pki/ca.key', '.atoll-proxy/admin.kubeconfig', '.cache/ferretdb/x', 'dist/src/server/main.js', '.git/HEAD', '.npmrc']) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of ['src/node_modules/x', 'src/.atoll/x', 'bench/.cache/x']) expect(ignored(file), file).toBe(true);
    for (const file of ['src/server/main.ts', 'package-lock.json', 'schema/atoll-directives.graphql', 'docker/healthcheck.mjs']) {
      expect(ignored(file), file).toBe(false);
    }
    // The runtime stage takes its node_modules from the build stage (installed and pruned there), never from the context.
    for (const copy of copiesOf(runtime)) {
      if (copy.sources.some((s) => s.includes('node_modules'))) expect(copy.from).toBe(build.name);
    }
  });

  it('runs the file the build produces for the server, and the health check it copies', () => {
    const entrypoint = execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '');
    expect(entrypoint[0]).toBe('node');
    const main = entrypoint.at(-1) as string;
    expect(main).toBe('dist/src/server/main.js');
    expect(builtFrom('src/server/main.ts')).toBe(main);
    const origin = originOf(path.posix.resolve(WORKDIR, main));
    expect(origin).toEqual({ from: build.name, source: path.posix.join(buildDir, main) });
    // The build stage has every directory the build compiles (bench/ imports examples/).
    const context = copiesOf(build).filter((c) => !c.from).flatMap((c) => c.sources);
    const needed = [...directoriesTheBuildReads()];
    expect(needed).toEqual(expect.arrayContaining(['src', 'plugins']));
    for (const dir of needed) expect(context, dir).toContain(dir);
    expect(build.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm run build'))).toBe(true);
    // What the compiled server imports from outside src/ (the GraphQL plugins) and reads at run time (schema/).
    expect(originOf(path.posix.resolve(WORKDIR, builtFrom('plugins/warnings.ts') ?? ''))?.from).toBe(build.name);
    expect(originOf(path.posix.resolve(WORKDIR, 'schema/atoll-directives.graphql'))).toEqual({ source: 'schema/atoll-directives.graphql' });
    const healthcheck = execForm(runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '');
    expect(healthcheck[0]).toBe('node');
    const script = originOf(path.posix.resolve(WORKDIR, healthcheck[1] as string));
    expect(script?.from).toBeUndefined();
    expect(fs.existsSync(path.join(ROOT_DIR, script?.source ?? ''))).toBe(true);
  });

  it('has MongoDB init scripts that are valid JavaScript', () => {
    for (const file of fs.readdirSync(path.join(DOCKER_DIR, 'mongo'))) {
      expect(() => new vm.Script(fs.readFileSync(path.join(DOCKER_DIR, 'mongo', file), 'utf8'), { filename: file })).not.toThrow();
    }
  });
});

describe('docker/healthcheck.mjs', () => {
  const fx = useServer({ tls: true });
  const script = path.join(DOCKER_DIR, 'healthcheck.mjs');
  const probe = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> => {
    try {
      await run(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, ...env } });
      return 0;
    } catch (err) {
      return (err as { code?: number }).code ?? -1;
    }
  };

  it("succeeds against a ready server on the container's port, over TLS without its CA", async () => {
    const port = new URL(fx.base).port;
    expect(await probe([], { ATOLL_PORT: port })).toBe(0);
    expect(await probe([`${fx.base}/readyz`])).toBe(0);
  });

  it('fails when nothing listens, and when the answer is not 200', async () => {
    expect(await probe([], { ATOLL_PORT: String(await freePort()) })).toBe(1);
    expect(await probe([`${fx.base}/no-such-path`])).toBe(1);
  });
});
