/**
 * docker/compose.yaml checked against the project, since Docker cannot run here (docs/docker.md):
 * its structure (dependencies, health checks, volumes, ports), pinned images, and every Atoll
 * service's command parsed by the server's own parsers, so a flag renamed or removed breaks this
 * test, and every environment variable checked against those the parsers read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PKI_DIR } from '../../src/auth/index.js';
import { ConfigError, parseConfig, type ServerConfig } from '../../src/server/config.js';
import { KUBECONFIG_FILE } from '../../src/server/kubeconfig.js';
import { parseProxyConfig, type ProxyConfig } from '../../src/server/proxy-command.js';
import { ROOT_DIR } from '../support/atoll-process.js';
import {
  dependenciesOf,
  DOCKER_DIR,
  environmentOf,
  execForm,
  loadCompose,
  loadDockerfile,
  mountsOf,
  type ComposeService,
} from './docker-files.js';

const compose = loadCompose();
const services = Object.entries(compose.services);
const stages = loadDockerfile();
const runtime = stages.at(-1);
/** The runtime stage's working directory: where relative paths in a command resolve. */
const WORKDIR = runtime?.instructions.findLast((i) => i.keyword === 'WORKDIR')?.args ?? '/';
const version = (JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string }).version;

const isAtoll = (service: ComposeService): boolean => service.image?.split(':')[0] === 'atoll';
const atollServices = services.filter(([, s]) => isAtoll(s));

/** The environment the runtime stage sets (`ENV A=b C=d`), which every container of the image has. */
const imageEnv: Record<string, string> = Object.fromEntries(
  (runtime?.instructions ?? [])
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => i.args.split(' ').map((pair) => [pair.split('=')[0] as string, pair.slice(pair.indexOf('=') + 1)])),
);

type Parsed = { role: 'proxy'; config: ProxyConfig } | { role: 'shard'; config: ServerConfig };

/** What main.ts would make of the service's command: `proxy …` is the front proxy, anything else a shard. */
function parsed(service: ComposeService): Parsed {
  const argv = service.command ?? [];
  const env = { ...imageEnv, ...environmentOf(service) };
  if (argv[0] === 'proxy') return { role: 'proxy', config: parseProxyConfig(argv.slice(1), env, WORKDIR) };
  const config = parseConfig(argv, env, WORKDIR);
  if (config === 'help') throw new Error('--help in a service command');
  return { role: 'shard', config };
}

/** The environment variables a parser reads: every name it looks up, with no flags given. */
function variablesRead(parse: (env: NodeJS.ProcessEnv) => unknown, base: NodeJS.ProcessEnv = {}): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(base, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return key in target;
    },
  });
  parse(env);
  return read;
}
const shardVariables = variablesRead((env) => parseConfig([], env, WORKDIR));
// The proxy needs its root shard kubeconfig before it reads further.
const proxyVariables = variablesRead((env) => parseProxyConfig([], env, WORKDIR), { ATOLL_ROOT_SHARD_KUBECONFIG: 'x' });

/** Where a role keeps the credentials it shares with the others (--pki-dir). */
function pkiDirOf(p: Parsed): string {
  if (p.role === 'shard') return p.config.pkiDir ?? path.join(p.config.dataDir, PKI_DIR);
  return p.config.pkiDir ?? '';
}

function mountedVolume(service: ComposeService, file: string): { source: string; relative: string } | undefined {
  const mount = mountsOf(service).find((m) => file === m.target || file.startsWith(`${m.target}/`));
  return mount ? { source: mount.source, relative: path.posix.relative(mount.target, file) } : undefined;
}

describe('docker/compose.yaml', () => {
  it('has the MongoDB sharded cluster, two Atoll shards and a front proxy', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['mongo-config', 'mongo-a', 'mongo-b', 'mongos', 'mongos-init', 'root', 'shard-1', 'proxy']),
    );
    const roles = atollServices.map(([name, s]) => [name, parsed(s).role]);
    expect(roles).toEqual([
      ['root', 'shard'],
      ['shard-1', 'shard'],
      ['proxy', 'proxy'],
    ]);
    expect(compose.services['mongo-config']?.command).toContain('--configsvr');
    for (const name of ['mongo-a', 'mongo-b']) expect(compose.services[name]?.command).toContain('--shardsvr');
    expect(compose.services.mongos?.command?.[0]).toBe('mongos');
  });

  it('depends only on services it has, each able to report what is waited for', () => {
    for (const [name, service] of services) {
      for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        // Waiting for health needs a health check; waiting for completion, a container that is not restarted.
        if (condition === 'service_healthy') expect(target?.healthcheck?.test, `${dependency}'s health check`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(target?.restart, `${dependency} runs once`).toBe('no');
      }
    }
  });

  it('starts the shards after MongoDB is sharded, the other shard and the proxy after the root shard is ready', () => {
    for (const [name, service] of atollServices) {
      const { role, config } = parsed(service);
      const deps = dependenciesOf(service);
      if (role === 'shard' && config.store) expect(deps['mongos-init'], name).toBe('service_completed_successfully');
      if (role === 'proxy' || config.shardName !== 'root') expect(deps.root, name).toBe('service_healthy');
    }
  });

  it('declares every named volume it mounts, and its bind mounts and the files commands name in them exist', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of services) {
      for (const mount of mountsOf(service)) {
        if (mount.source.startsWith('.') || mount.source.startsWith('/')) {
          const source = path.resolve(DOCKER_DIR, mount.source);
          expect(fs.existsSync(source), `${name} mounts ${mount.source}`).toBe(true);
          for (const arg of service.command ?? []) {
            if (arg.startsWith(`${mount.target}/`)) expect(fs.existsSync(path.join(source, arg.slice(mount.target.length))), `${name}: ${arg}`).toBe(true);
          }
        } else {
          expect(declared, `${name} mounts volume ${mount.source}`).toContain(mount.source);
        }
      }
    }
  });

  it('uses pinned images, and tags the image it builds with the package version', () => {
    const images = [...services.map(([, s]) => s.image ?? ''), ...stages.map((s) => s.image)];
    for (const image of images) expect(image, image).toMatch(/^[a-z0-9./-]+:\d+(\.\d+)+(-[a-z0-9.-]+)?$/);
    for (const [name, service] of atollServices) {
      expect(service.image, name).toBe(`atoll:${version}`);
      expect(service.build, name).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(fs.existsSync(path.resolve(DOCKER_DIR, service.build?.context ?? '', service.build?.dockerfile ?? ''))).toBe(true);
    }
  });

  it("runs every Atoll service's command through the server's own parsers", () => {
    for (const [name, service] of atollServices) {
      try {
        parsed(service);
      } catch (err) {
        expect.fail(`${name}: ${err instanceof ConfigError ? err.message : String(err)}`);
      }
    }
  });

  it('sets only environment variables the server reads', () => {
    expect(Object.keys(imageEnv).filter((k) => k.startsWith('ATOLL_')).length).toBeGreaterThan(0);
    // The image's variables apply to every role; NODE_ENV is for Node's libraries.
    for (const variable of Object.keys(imageEnv).filter((k) => k !== 'NODE_ENV')) {
      expect(shardVariables.has(variable) && proxyVariables.has(variable), `the image's ${variable}`).toBe(true);
    }
    for (const [name, service] of atollServices) {
      const known = parsed(service).role === 'proxy' ? proxyVariables : shardVariables;
      for (const variable of Object.keys(environmentOf(service))) expect(known.has(variable), `${name}'s ${variable}`).toBe(true);
    }
  });

  it('checks health as the image does, and publishes the port the proxy listens on', () => {
    const healthcheck = runtime?.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    for (const [name, service] of atollServices) {
      expect(service.healthcheck?.test, name).toEqual(['CMD', ...execForm(healthcheck?.args ?? '')]);
      const { role, config } = parsed(service);
      // docker/healthcheck.mjs asks https://127.0.0.1:6443/readyz.
      expect([config.port, config.tls], name).toEqual([6443, true]);
      if (role === 'proxy') expect(service.ports).toEqual([`${config.port}:${config.port}`]);
      else expect(service.ports, `${name} is reached through the proxy`).toBeUndefined();
    }
  });

  it('gives each shard its own database on mongos, placed by mongos-init', () => {
    const init = environmentOf(compose.services['mongos-init'] ?? {});
    const placed = new Map((init.DATABASES ?? '').split(' ').map((pair) => pair.split(':') as [string, string]));
    const shardSets = (init.SHARDS ?? '').split(' ').map((s) => s.split('/'));
    for (const [set, host] of shardSets) {
      expect(compose.services[(host ?? '').split(':')[0] ?? '']?.command, `${set} on ${host}`).toContain(set);
    }
    const databases = atollServices.flatMap(([name, service]) => {
      const { role, config } = parsed(service);
      if (role === 'proxy') return [];
      const url = new URL(config.store ?? '');
      expect(url.host, name).toBe('mongos:27017');
      const database = url.pathname.slice(1);
      expect(shardSets.map(([set]) => set), `${name}'s database ${database} is placed`).toContain(placed.get(database));
      return [database];
    });
    expect(new Set(databases).size).toBe(2);
  });

  it('names each shard, its base URL on its own service, and the proxy as what users see', () => {
    const proxy = compose.services.proxy as ComposeService;
    const published = (proxy.ports?.[0] ?? '').split(':')[0];
    const names = atollServices.flatMap(([name, service]) => {
      const { role, config } = parsed(service);
      if (role === 'proxy') return [];
      expect(config.shardBaseUrl, name).toBe(`https://${name}:${config.port}`);
      expect(config.shardExternalUrl, name).toBe(`https://localhost:${published}`);
      expect(config.host, name).toBe('0.0.0.0');
      return [config.shardName];
    });
    expect(names).toEqual(['root', 'shard-1']);
  });

  it('shares one credentials volume, made by the root shard, and reads the root kubeconfig the root shard writes', () => {
    const root = compose.services.root as ComposeService;
    const rootConfig = parsed(root).config as ServerConfig;
    const rootPki = mountedVolume(root, pkiDirOf(parsed(root)));
    expect(rootPki?.relative).toBe('');
    const rootData = mountedVolume(root, rootConfig.dataDir);
    for (const [name, service] of atollServices) {
      const config = parsed(service);
      expect(mountedVolume(service, pkiDirOf(config)), `${name}'s --pki-dir`).toEqual(rootPki);
      if (service === root) continue;
      // The kubeconfig is the one the root shard writes in its data directory, mounted read-only here.
      const kubeconfig = config.role === 'proxy' ? config.config.rootKubeconfig : config.config.rootShardKubeconfig;
      expect(mountedVolume(service, kubeconfig ?? ''), `${name}'s --root-shard-kubeconfig`).toEqual({ source: rootData?.source, relative: KUBECONFIG_FILE });
      expect(mountsOf(service).find((m) => m.source === rootData?.source)?.readOnly, name).toBe(true);
    }
  });
});
