/**
 * docker/ read as Docker would read it, for tests that cannot run Docker: the compose file (with
 * its `<<:` merge keys), the Dockerfile's instructions by stage, and the build context that
 * `.dockerignore` leaves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT_DIR } from '../support/atoll-process.js';

export const DOCKER_DIR = path.join(ROOT_DIR, 'docker');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
  ports?: string[];
}

export interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(): Compose {
  return parse(fs.readFileSync(path.join(DOCKER_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
}

/** A service's environment as name → value, whichever of compose's two forms it is written in. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [e.split('=')[0] as string, e.slice(e.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** A service's dependencies as name → condition (a plain list means service_started). */
export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.condition]));
}

/** `source:target[:mode]` volume entries. */
export function mountsOf(service: ComposeService): { source: string; target: string; readOnly: boolean }[] {
  return (service.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    return { source, target, readOnly: mode === 'ro' };
  });
}

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The `FROM` image, with build arguments' defaults put in. */
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages: comments dropped, continued lines joined, `ARG` defaults substituted in `FROM`. */
export function loadDockerfile(): Stage[] {
  const text = fs.readFileSync(path.join(DOCKER_DIR, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] as string).toUpperCase();
    const rest = (m[2] as string).trim().replace(/\s+/g, ' ');
    if (keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    } else if (keyword === 'FROM') {
      const [ref = '', as, name] = rest.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '').split(' ');
      stages.push({ image: ref, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args: rest });
    }
  }
  return stages;
}

/** A `COPY`: where from (`--from` stage, or the build context), its sources and its destination. */
export function copiesOf(stage: Stage): { from?: string; sources: string[]; destination: string }[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(' ');
      const options = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = options.find((o) => o.startsWith('--from='))?.slice('--from='.length);
      return { ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths.at(-1) as string };
    });
}

/** An exec-form (JSON array) argument list: `ENTRYPOINT [...]`, `HEALTHCHECK … CMD [...]`. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}

/**
 * Whether `.dockerignore` keeps a path (relative to the context, `/`-separated) out of the build
 * context, as Docker decides: the last pattern that matches the path or one of its parent
 * directories wins, `!` lets back in; `*` and `?` stay within one path segment, `**` spans any.
 */
export function dockerignored(): (file: string) => boolean {
  const text = fs.readFileSync(path.join(ROOT_DIR, '.dockerignore'), 'utf8');
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize(negate ? l.slice(1) : l).replace(/^\/+/, '');
      return { negate, re: globRegExp(pattern) };
    });
  return (file) => {
    const segments = path.posix.normalize(file).split('/');
    const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate;
    return excluded;
  };
}

function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
