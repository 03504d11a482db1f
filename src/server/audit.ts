/**
 * The audit log: one JSON line per write made for a request (create, update, patch, delete — on
 * REST and GraphQL alike, since both write through the registry), in kube-apiserver's
 * audit.k8s.io/v1 Event shape: who (`user`, as authorized: an impersonated user when
 * impersonating), what (`verb`, `objectRef`), which workspace (annotation `kcp.io/cluster`, the
 * logical cluster), the result (`responseStatus`) and, at level Request, the object sent.
 * Controllers' own writes are not requests and are not logged. Lines go to a file (appended) or to
 * standard output (`-`) through pino's asynchronous destination (sonic-boom).
 *
 * The registry is left untouched: its write methods are wrapped on this server's instance.
 */
import { pino } from 'pino';
import { ApiError, SYSTEM_USER, type Registry, type RequestContext, type ResourceType } from '../registry/index.js';
import { requestScope } from './request-scope.js';

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export interface AuditSettings {
  /** A file to append to, or `-` for standard output. */
  path: string;
  level: AuditLevel;
}

type Verb = 'create' | 'update' | 'patch' | 'delete';

/** Where each write method has its object name and its body (create has no name argument). */
const SHAPES: Record<Verb, { name?: number; body?: number }> = {
  create: { body: 3 },
  update: { name: 3, body: 4 },
  patch: { name: 3, body: 5 },
  delete: { name: 3 },
};

type Destination = ReturnType<typeof pino.destination>;

export class AuditLog {
  private readonly out: Destination;

  constructor(private readonly settings: AuditSettings) {
    this.out = pino.destination(settings.path === '-' ? { dest: 1, sync: false } : { dest: settings.path, append: true, mkdir: true, sync: false });
  }

  /** Wraps `registry`'s write methods so that each one made for a request is logged. */
  watch(registry: Registry): void {
    for (const verb of Object.keys(SHAPES) as Verb[]) {
      const method = registry[verb] as (...args: unknown[]) => Promise<unknown>;
      const log = (args: unknown[], outcome: { ok: true } | { ok: false; err: unknown }): void => this.write(verb, args, outcome);
      Object.defineProperty(registry, verb, {
        value: async (...args: unknown[]): Promise<unknown> => {
          try {
            const result = await method.apply(registry, args);
            log(args, { ok: true });
            return result;
          } catch (err) {
            log(args, { ok: false, err });
            throw err;
          }
        },
        configurable: true,
        writable: true,
      });
    }
  }

  private write(verb: Verb, args: unknown[], outcome: { ok: true } | { ok: false; err: unknown }): void {
    const scope = requestScope.getStore();
    const ctx = args[0] as RequestContext;
    // Only writes made for a request; what the server does for itself is not audited.
    if (!scope || ctx.user?.name === SYSTEM_USER.name) return;
    const t = args[1] as ResourceType;
    const namespace = args[2] as string | undefined;
    const shape = SHAPES[verb];
    const name = shape.name === undefined ? nameOf(args[shape.body ?? -1]) : (args[shape.name] as string);
    const code = outcome.ok ? (verb === 'create' ? 201 : 200) : outcome.err instanceof ApiError ? outcome.err.code : 500;
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.settings.level,
      auditID: scope.id,
      stage: 'ResponseComplete',
      requestURI: scope.uri,
      verb,
      user: ctx.user ? { username: ctx.user.name, groups: [...ctx.user.groups] } : { username: 'system:anonymous' },
      sourceIPs: [scope.sourceIp],
      userAgent: scope.userAgent,
      objectRef: { resource: t.resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), apiGroup: t.group, apiVersion: t.version },
      responseStatus: outcome.ok
        ? { metadata: {}, code }
        : { metadata: {}, status: 'Failure', code, ...(outcome.err instanceof ApiError ? { reason: outcome.err.reason, message: outcome.err.message } : {}) },
      ...(this.settings.level === 'Request' && shape.body !== undefined ? { requestObject: args[shape.body] } : {}),
      requestReceivedTimestamp: scope.received.toISOString(),
      stageTimestamp: new Date().toISOString(),
      annotations: { ...ctx.auditAnnotations, 'kcp.io/cluster': ctx.cluster },
    };
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  /** Writes out what is buffered (at shutdown). */
  close(): void {
    this.out.flushSync();
    if (this.settings.path !== '-') this.out.end();
  }
}

function nameOf(body: unknown): string | undefined {
  const metadata = (body as { metadata?: { name?: unknown } } | undefined)?.metadata;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}
