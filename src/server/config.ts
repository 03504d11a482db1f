/**
 * Server configuration from flags and environment (flags win): `--port`/ATOLL_PORT,
 * `--data-dir`/ATOLL_DATA_DIR, `--host`/ATOLL_HOST, `--log-level`/ATOLL_LOG_LEVEL,
 * `--log-format`/ATOLL_LOG_FORMAT, and the GraphQL
 * settings `--graphql-introspection`/ATOLL_GRAPHQL_INTROSPECTION,
 * `--graphql-persisted-operations`/ATOLL_GRAPHQL_PERSISTED_OPERATIONS and
 * `--graphql-only-persisted`/ATOLL_GRAPHQL_ONLY_PERSISTED, `--graphql-timeout`/ATOLL_GRAPHQL_TIMEOUT_MS,
 * `--graphql-max-body-bytes`/ATOLL_GRAPHQL_MAX_BODY_BYTES, `--graphql-schema-cache-bytes`/ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES,
 * and the security settings `--plain-http`/ATOLL_PLAIN_HTTP, `--token-auth-file`/ATOLL_TOKEN_AUTH_FILE,
 * `--anonymous-auth`/ATOLL_ANONYMOUS_AUTH and `--authorization-mode`/ATOLL_AUTHORIZATION_MODE (named
 * as the kube-apiserver's and kcp's flags), and `--cors-allowed-origins`/ATOLL_CORS_ALLOWED_ORIGINS,
 * and the watch limits `--watch-max-queued-events`/ATOLL_WATCH_MAX_QUEUED_EVENTS and
 * `--watch-max-queued-bytes`/ATOLL_WATCH_MAX_QUEUED_BYTES, and `--enable-home-workspaces`/ATOLL_ENABLE_HOME_WORKSPACES,
 * and the store `--store`/ATOLL_STORE (the embedded store, or a MongoDB URL), and where admission
 * webhooks may be called, `--admission-webhook-allowed-destinations`/ATOLL_ADMISSION_WEBHOOK_ALLOWED_DESTINATIONS.
 */
import path from 'node:path';
import { parseAllowedDestinations } from '../admission/webhooks/destinations.js';
import { DEFAULT_GRAPHQL_SETTINGS, DEFAULT_SCHEMA_CACHE_BYTES, type GraphQLSettings } from '../graphql/index.js';
import { DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_EVENTS, type WatchHubOptions } from '../storage/index.js';
import { FRONT_PROXY_USER } from '../auth/index.js';
import type { AuthSettings } from './auth.js';
import { corsPatternsError } from './cors.js';
import { ConfigError, parseFlags, portOf } from './flags.js';
import { ROOT_SHARD } from '../tenancy/index.js';
import { isLogFormat, LOG_FORMATS, type LogFormat } from './logger.js';
import { AUDIT_LEVELS, type AuditLevel, type AuditSettings } from './audit.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  /** JSON lines, readable text, or `auto`: text when standard output is a terminal. */
  logFormat?: LogFormat;
  /** `graphql.*` settings; DEFAULT_GRAPHQL_SETTINGS when absent. */
  graphql?: GraphQLSettings;
  /** Serve HTTPS with the data directory's generated CA (and accept its client certificates). `npm start` does unless --plain-http. */
  tls?: boolean;
  /** Authentication and authorization; DEFAULT_AUTH_SETTINGS (RBAC, no anonymous requests) when absent. */
  auth?: AuthSettings;
  /** Regular expressions of the browser origins that may call the API cross-origin (CORS); none when absent. */
  corsAllowedOrigins?: string[];
  /** The watch hub's limits per watcher (events and bytes queued for a consumer that falls behind). */
  watch?: WatchHubOptions;
  /** The audit log of writes; none when absent. */
  audit?: AuditSettings;
  /** Home workspaces made on a user's first `workspaces/~` (kcp's `--enable-home-workspaces`); on unless false. */
  homeWorkspaces?: boolean;
  /** A mongodb:// or mongodb+srv:// URL to keep objects in MongoDB; the embedded store in the data directory when absent. */
  store?: string;
  /**
   * The only destinations admission webhooks may be called at (host names, `*.domain`, addresses,
   * CIDR ranges); every destination but link-local and metadata ones when absent.
   */
  webhookAllowedDestinations?: string[];
  /**
   * The address users reach this shard's workspaces at when it is not the one it listens on (a
   * front proxy's, docs/shards.md): Workspace URLs, its Shard's externalURL and provider views
   * name it (kcp's `--shard-external-url`).
   */
  shardExternalUrl?: string;
  /** This shard's name: its Shard object in root (kcp's `--shard-name`); `root` holds the root logical cluster. */
  shardName?: string;
  /** Where the front proxy and the other shards reach this shard (kcp's `--shard-base-url`); the address served at when absent. */
  shardBaseUrl?: string;
  /** A non-root shard's kubeconfig for the root shard (kcp's `--root-shard-kubeconfig`); required unless the shard is `root`. */
  rootShardKubeconfig?: string;
  /**
   * The credentials every shard and the front proxy of one installation share (the CA, the
   * ServiceAccount signing keys, the admin token and certificate); `<data-dir>/pki` when absent.
   */
  pkiDir?: string;
  /**
   * How long answers of the other shards about their workspaces (`bind`, `use`, maximal permission
   * policies) are kept, allowed and denied; RemoteDecisions' defaults (5 minutes, 30 s) when absent.
   */
  shardAuthorizationCache?: { allowedTtlMs?: number; deniedTtlMs?: number };
}

export { ConfigError } from './flags.js';

export const USAGE = `Usage: npm start -- [--port 6443] [--host 127.0.0.1] [--data-dir .atoll] [--log-level info] [--log-format auto]
                    [--graphql-introspection enabled] [--graphql-persisted-operations FILE] [--graphql-only-persisted]
                    [--graphql-timeout MS] [--graphql-max-body-bytes BYTES] [--graphql-schema-cache-bytes BYTES] [--plain-http]
                    [--token-auth-file FILE] [--anonymous-auth] [--authorization-mode RBAC]
                    [--requestheader-client-ca-file FILE] [--requestheader-allowed-names NAMES]
                    [--cors-allowed-origins REGEXP,...] [--watch-max-queued-events N] [--watch-max-queued-bytes BYTES]
                    [--audit-log-path FILE|-] [--audit-level Metadata]
                    [--enable-home-workspaces true|false] [--store embedded|mongodb://HOST:PORT/DB]
                    [--admission-webhook-allowed-destinations HOST|*.DOMAIN|IP|CIDR,...]
                    [--shard-name root] [--shard-base-url URL] [--shard-external-url URL]
                    [--root-shard-kubeconfig FILE] [--pki-dir DIR]
                    [--shard-authorization-cache-authorized-ttl 5m] [--shard-authorization-cache-unauthorized-ttl 30s]

  --port       TCP port to listen on (env ATOLL_PORT, default 6443; 0 picks a free port)
  --host       address to listen on (env ATOLL_HOST, default 127.0.0.1)
  --data-dir   where the embedded store keeps its data (env ATOLL_DATA_DIR, default .atoll)
  --log-level  trace, debug, info, warn, error (env ATOLL_LOG_LEVEL, default info)
  --log-format json (one JSON object a line), text (readable, with a summary of where things are
               at start-up) or auto: text on a terminal, json otherwise (env ATOLL_LOG_FORMAT,
               default auto)
  --graphql-introspection
               enabled or disabled: whether GraphQL clients may query __schema and __type
               (env ATOLL_GRAPHQL_INTROSPECTION, default enabled)
  --graphql-persisted-operations
               a JSON file of {"<id>": "<GraphQL document>"} that clients may run by id
               (env ATOLL_GRAPHQL_PERSISTED_OPERATIONS, default none)
  --graphql-only-persisted
               run only the persisted operations, refuse any other document
               (env ATOLL_GRAPHQL_ONLY_PERSISTED=true, default false)
  --graphql-timeout
               milliseconds a query or mutation may run before it is answered with a TIMEOUT
               error (env ATOLL_GRAPHQL_TIMEOUT_MS, default 30000)
  --graphql-max-body-bytes
               largest GraphQL request body and graphql-ws message; larger ones are refused
               (413, or close code 1009) (env ATOLL_GRAPHQL_MAX_BODY_BYTES, default 1048576)
  --graphql-schema-cache-bytes
               estimated heap the compiled GraphQL schemas (one per distinct API set) may hold;
               past it the least recently used go and are compiled again on next use
               (env ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES, default ${DEFAULT_SCHEMA_CACHE_BYTES})
  --plain-http serve plain HTTP instead of HTTPS with the generated CA in <data-dir>/pki
               (env ATOLL_PLAIN_HTTP=true; for a TLS-terminating proxy in front)
  --token-auth-file
               a CSV file of bearer tokens: token,user,uid,"group1,group2" (kcp's format); re-read
               when it changes (env ATOLL_TOKEN_AUTH_FILE, default none)
  --requestheader-client-ca-file
               the CA whose client certificates may name the user in X-Remote-User, X-Remote-Group
               and X-Remote-Extra-* (the front proxy's) (env ATOLL_REQUESTHEADER_CLIENT_CA_FILE,
               default the shared CA, <pki-dir>/ca.crt; only over TLS)
  --requestheader-allowed-names
               comma-separated Common Names such a certificate must have
               (env ATOLL_REQUESTHEADER_ALLOWED_NAMES, default atoll-front-proxy)
  --anonymous-auth
               let requests without credentials in as system:anonymous (env ATOLL_ANONYMOUS_AUTH=true,
               default false: they are answered 401)
  --authorization-mode
               RBAC, or AlwaysAllow to allow every authenticated request (env ATOLL_AUTHORIZATION_MODE,
               default RBAC)
  --cors-allowed-origins
               comma-separated regular expressions (RE2) matched against a browser's Origin
               header; matching origins may call the API cross-origin, each must pin the host,
               e.g. //app\\.example\\.com$ (env ATOLL_CORS_ALLOWED_ORIGINS, default none)
  --watch-max-queued-events, --watch-max-queued-bytes
               events, and bytes of objects, that may wait for one watch or subscription whose client
               reads too slowly before it is ended, told where to resume (env ATOLL_WATCH_MAX_QUEUED_EVENTS,
               default ${DEFAULT_MAX_QUEUED_EVENTS}; ATOLL_WATCH_MAX_QUEUED_BYTES, default ${DEFAULT_MAX_QUEUED_BYTES})
  --enable-home-workspaces
               true or false: a user's first request for workspaces/~ in root (kubectl ws without an
               argument) creates the user's home workspace, user:<name>, with the user its admin
               (env ATOLL_ENABLE_HOME_WORKSPACES, default true)
  --store      where objects are kept: embedded (SQLite in the data directory) or a MongoDB URL,
               mongodb://host:port/database or mongodb+srv://..., see docs/mongodb.md
               (env ATOLL_STORE, default embedded)
  --audit-log-path
               append a JSON line (an audit.k8s.io/v1 Event) per write made for a request to FILE,
               or to standard output with - (env ATOLL_AUDIT_LOG_PATH, default none: no audit log)
  --audit-level
               None, Metadata (who, what, which workspace, the result) or Request (also the
               object sent) (env ATOLL_AUDIT_LEVEL, default Metadata)
  --admission-webhook-allowed-destinations
               comma-separated host names, *.domain wildcards, IP addresses and CIDR ranges: the only
               places admission webhooks may be called at, checked on the address a name resolves to
               when calling (env ATOLL_ADMISSION_WEBHOOK_ALLOWED_DESTINATIONS, default none: any
               destination but link-local and cloud-metadata addresses, which are always refused)
  --shard-external-url
               the address users reach this server's workspaces at, when a front proxy stands in
               front of it (npm start -- proxy, docs/shards.md): Workspace URLs and the Shard
               object in root name it (env ATOLL_SHARD_EXTERNAL_URL, default the address served at)
  --shard-name this shard's name, its Shard object in root: root holds the root workspace, any other
               name is a shard that joins the root shard's installation (needs --root-shard-kubeconfig
               and the root shard's --pki-dir) (env ATOLL_SHARD_NAME, default root)
  --shard-base-url
               the address the front proxy and the other shards reach this shard at, and the
               one its admin.kubeconfig names (env ATOLL_SHARD_BASE_URL, default the address served at)
  --root-shard-kubeconfig
               for a shard other than root: a kubeconfig for the root shard whose credentials every
               shard accepts (the root shard's admin.kubeconfig) (env ATOLL_ROOT_SHARD_KUBECONFIG)
  --pki-dir    the credentials every shard and the front proxy of one installation share: the CA,
               the ServiceAccount signing keys, the admin token and client certificate; made by the
               root shard, read by the others (env ATOLL_PKI_DIR, default <data-dir>/pki)
  --shard-authorization-cache-authorized-ttl, --shard-authorization-cache-unauthorized-ttl
               how long another shard's allowed and denied answers for its workspaces (bind on an
               APIExport, use of a WorkspaceType, maximal permission policies) are kept: a grant revoked
               there still holds here this long (a duration from 1s to 24h: 30s, 5m, 1h)
               (env ATOLL_SHARD_AUTHORIZATION_CACHE_AUTHORIZED_TTL, default 5m;
               ATOLL_SHARD_AUTHORIZATION_CACHE_UNAUTHORIZED_TTL, default 30s)`;

/** A Shard's name is an object name (DNS-1123 label). */
const SHARD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ServerConfig | 'help' {
  const values = parseFlags(argv, {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'graphql-introspection': { type: 'string' },
        'graphql-persisted-operations': { type: 'string' },
        'graphql-only-persisted': { type: 'boolean' },
        'graphql-timeout': { type: 'string' },
        'graphql-max-body-bytes': { type: 'string' },
        'graphql-schema-cache-bytes': { type: 'string' },
        'plain-http': { type: 'boolean' },
        'token-auth-file': { type: 'string' },
        'requestheader-client-ca-file': { type: 'string' },
        'requestheader-allowed-names': { type: 'string' },
        'anonymous-auth': { type: 'boolean' },
        'authorization-mode': { type: 'string' },
        'cors-allowed-origins': { type: 'string' },
        'watch-max-queued-events': { type: 'string' },
        'watch-max-queued-bytes': { type: 'string' },
        'audit-log-path': { type: 'string' },
        'audit-level': { type: 'string' },
        'enable-home-workspaces': { type: 'string' },
        store: { type: 'string' },
        'admission-webhook-allowed-destinations': { type: 'string' },
        'shard-external-url': { type: 'string' },
        'shard-name': { type: 'string' },
        'shard-base-url': { type: 'string' },
        'root-shard-kubeconfig': { type: 'string' },
        'pki-dir': { type: 'string' },
        'shard-authorization-cache-authorized-ttl': { type: 'string' },
        'shard-authorization-cache-unauthorized-ttl': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      });
  if (values.help) return 'help';
  const port = portOf(values.port, env);
  const logLevel = values['log-level'] ?? env.ATOLL_LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`invalid log level "${logLevel}": expected one of ${LEVELS.join(', ')}`);
  const logFormat = values['log-format'] ?? env.ATOLL_LOG_FORMAT ?? 'auto';
  if (!isLogFormat(logFormat)) throw new ConfigError(`invalid log format "${logFormat}": expected one of ${LOG_FORMATS.join(', ')}`);
  const dataDir = values['data-dir'] ?? env.ATOLL_DATA_DIR ?? '.atoll';
  if (dataDir.trim() === '') throw new ConfigError('the data directory must not be empty');
  const introspection = values['graphql-introspection'] ?? env.ATOLL_GRAPHQL_INTROSPECTION ?? DEFAULT_GRAPHQL_SETTINGS.introspection;
  if (introspection !== 'enabled' && introspection !== 'disabled') {
    throw new ConfigError(`invalid GraphQL introspection setting "${introspection}": expected enabled or disabled`);
  }
  const persistedOperations = values['graphql-persisted-operations'] ?? (env.ATOLL_GRAPHQL_PERSISTED_OPERATIONS || undefined);
  const onlyPersisted = flag(values['graphql-only-persisted'], env, 'ATOLL_GRAPHQL_ONLY_PERSISTED');
  if (persistedOperations?.trim() === '') throw new ConfigError('the persisted operations file must not be empty');
  if (onlyPersisted && !persistedOperations) throw new ConfigError('--graphql-only-persisted needs --graphql-persisted-operations (a file of operations)');
  const timeoutText = values['graphql-timeout'] ?? env.ATOLL_GRAPHQL_TIMEOUT_MS ?? String(DEFAULT_GRAPHQL_SETTINGS.timeoutMs);
  const timeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || timeoutMs < 1 || timeoutMs > 3_600_000) {
    throw new ConfigError(`invalid GraphQL timeout "${timeoutText}": expected milliseconds between 1 and 3600000`);
  }
  const maxBodyText = values['graphql-max-body-bytes'] ?? env.ATOLL_GRAPHQL_MAX_BODY_BYTES ?? String(DEFAULT_GRAPHQL_SETTINGS.maxBodyBytes);
  const maxBodyBytes = Number(maxBodyText);
  if (!/^\d+$/.test(maxBodyText) || maxBodyBytes < 1024 || maxBodyBytes > 64 * 1024 * 1024) {
    throw new ConfigError(`invalid GraphQL body limit "${maxBodyText}": expected bytes between 1024 and 67108864`);
  }
  const schemaCacheText = values['graphql-schema-cache-bytes'] ?? env.ATOLL_GRAPHQL_SCHEMA_CACHE_BYTES ?? String(DEFAULT_SCHEMA_CACHE_BYTES);
  const schemaCacheBytes = Number(schemaCacheText);
  if (!/^\d+$/.test(schemaCacheText) || schemaCacheBytes < 1024 * 1024 || schemaCacheBytes > 2 ** 36) {
    throw new ConfigError(`invalid GraphQL schema cache size "${schemaCacheText}": expected bytes between 1048576 and 68719476736`);
  }
  const plainHttp = flag(values['plain-http'], env, 'ATOLL_PLAIN_HTTP');
  const anonymous = flag(values['anonymous-auth'], env, 'ATOLL_ANONYMOUS_AUTH');
  const tokenFile = values['token-auth-file'] ?? (env.ATOLL_TOKEN_AUTH_FILE || undefined);
  if (tokenFile?.trim() === '') throw new ConfigError('the token file must not be empty');
  const requestHeaderCa = values['requestheader-client-ca-file'] ?? (env.ATOLL_REQUESTHEADER_CLIENT_CA_FILE || undefined);
  const allowedNamesText = values['requestheader-allowed-names'] ?? env.ATOLL_REQUESTHEADER_ALLOWED_NAMES;
  const allowedNames = (allowedNamesText ?? FRONT_PROXY_USER)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  // Kubernetes takes an empty list as "any name": with one CA for every client certificate, that
  // would let any certificate holder name any user. Refused instead.
  if (allowedNames.length === 0) throw new ConfigError('--requestheader-allowed-names must name at least one Common Name (default atoll-front-proxy)');
  const authorization = values['authorization-mode'] ?? env.ATOLL_AUTHORIZATION_MODE ?? 'RBAC';
  if (authorization !== 'RBAC' && authorization !== 'AlwaysAllow') {
    throw new ConfigError(`invalid authorization mode "${authorization}": expected RBAC or AlwaysAllow`);
  }
  const corsText = values['cors-allowed-origins'] ?? env.ATOLL_CORS_ALLOWED_ORIGINS ?? '';
  const corsAllowedOrigins = corsText === '' ? [] : corsText.split(',').map((p) => p.trim());
  const corsError = corsPatternsError(corsAllowedOrigins);
  if (corsError) throw new ConfigError(corsError);
  const queuedEventsText = values['watch-max-queued-events'] ?? env.ATOLL_WATCH_MAX_QUEUED_EVENTS ?? String(DEFAULT_MAX_QUEUED_EVENTS);
  const maxQueuedEvents = Number(queuedEventsText);
  if (!/^\d+$/.test(queuedEventsText) || maxQueuedEvents < 100 || maxQueuedEvents > 10_000_000) {
    throw new ConfigError(`invalid watch queue limit "${queuedEventsText}": expected events between 100 and 10000000`);
  }
  const queuedBytesText = values['watch-max-queued-bytes'] ?? env.ATOLL_WATCH_MAX_QUEUED_BYTES ?? String(DEFAULT_MAX_QUEUED_BYTES);
  const maxQueuedBytes = Number(queuedBytesText);
  if (!/^\d+$/.test(queuedBytesText) || maxQueuedBytes < 1024 * 1024 || maxQueuedBytes > 2 ** 34) {
    throw new ConfigError(`invalid watch queue limit "${queuedBytesText}": expected bytes between 1048576 and 17179869184`);
  }
  const homeText = values['enable-home-workspaces'] ?? env.ATOLL_ENABLE_HOME_WORKSPACES ?? 'true';
  if (homeText !== 'true' && homeText !== 'false') throw new ConfigError(`invalid home workspaces setting "${homeText}": expected true or false`);
  const storeText = values.store ?? (env.ATOLL_STORE || 'embedded');
  if (storeText !== 'embedded' && !/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/.test(storeText)) {
    throw new ConfigError(`invalid store "${storeText}": expected embedded or mongodb://host:port/database`);
  }
  const auditPath = values['audit-log-path'] ?? (env.ATOLL_AUDIT_LOG_PATH || undefined);
  if (auditPath?.trim() === '') throw new ConfigError('the audit log path must not be empty');
  const auditLevel = values['audit-level'] ?? env.ATOLL_AUDIT_LEVEL ?? 'Metadata';
  if (!(AUDIT_LEVELS as readonly string[]).includes(auditLevel)) throw new ConfigError(`invalid audit level "${auditLevel}": expected one of ${AUDIT_LEVELS.join(', ')}`);
  const destinations = parseAllowedDestinations(values['admission-webhook-allowed-destinations'] ?? env.ATOLL_ADMISSION_WEBHOOK_ALLOWED_DESTINATIONS);
  if (destinations.error) throw new ConfigError(destinations.error);
  const externalText = values['shard-external-url'] ?? (env.ATOLL_SHARD_EXTERNAL_URL || undefined);
  const shardExternalUrl = externalText === undefined ? undefined : externalUrl(externalText, 'shard external URL');
  const baseText = values['shard-base-url'] ?? (env.ATOLL_SHARD_BASE_URL || undefined);
  const shardBaseUrl = baseText === undefined ? undefined : externalUrl(baseText, 'shard base URL');
  const shardName = values['shard-name'] ?? (env.ATOLL_SHARD_NAME || 'root');
  if (!SHARD_NAME.test(shardName) || shardName.length > 63) {
    throw new ConfigError(`invalid shard name "${shardName}": expected lower-case letters, digits and '-', starting and ending with a letter or digit (at most 63)`);
  }
  const rootKubeconfigText = values['root-shard-kubeconfig'] ?? (env.ATOLL_ROOT_SHARD_KUBECONFIG || undefined);
  if (shardName !== ROOT_SHARD && !rootKubeconfigText) {
    throw new ConfigError(`shard "${shardName}" is not the root shard: it needs --root-shard-kubeconfig (the root shard's admin.kubeconfig) and the root shard's --pki-dir`);
  }
  if (shardName === ROOT_SHARD && rootKubeconfigText) throw new ConfigError('--root-shard-kubeconfig is for shards other than root: the root shard is its own');
  const pkiDirText = values['pki-dir'] ?? (env.ATOLL_PKI_DIR || undefined);
  if (pkiDirText?.trim() === '') throw new ConfigError('the PKI directory must not be empty');
  const allowedTtlText = values['shard-authorization-cache-authorized-ttl'] ?? (env.ATOLL_SHARD_AUTHORIZATION_CACHE_AUTHORIZED_TTL || undefined);
  const deniedTtlText = values['shard-authorization-cache-unauthorized-ttl'] ?? (env.ATOLL_SHARD_AUTHORIZATION_CACHE_UNAUTHORIZED_TTL || undefined);
  const shardAuthorizationCache = {
    ...(allowedTtlText !== undefined ? { allowedTtlMs: durationMs(allowedTtlText, 'shard authorization cache authorized TTL') } : {}),
    ...(deniedTtlText !== undefined ? { deniedTtlMs: durationMs(deniedTtlText, 'shard authorization cache unauthorized TTL') } : {}),
  };
  return {
    port,
    host: values.host ?? env.ATOLL_HOST ?? '127.0.0.1',
    dataDir: path.resolve(cwd, dataDir),
    logLevel,
    logFormat,
    graphql: {
      introspection,
      ...(persistedOperations ? { persistedOperations: path.resolve(cwd, persistedOperations) } : {}),
      onlyPersisted,
      timeoutMs,
      maxBodyBytes,
      schemaCacheBytes,
    },
    tls: !plainHttp,
    auth: {
      anonymous,
      authorization,
      ...(tokenFile ? { tokenFile: path.resolve(cwd, tokenFile) } : {}),
      // Absent: ServerAuth's defaults (the server's client CA, atoll-front-proxy).
      ...(requestHeaderCa || allowedNamesText !== undefined ? { requestHeader: { allowedNames, ...(requestHeaderCa ? { clientCaFile: path.resolve(cwd, requestHeaderCa) } : {}) } } : {}),
    },
    ...(corsAllowedOrigins.length > 0 ? { corsAllowedOrigins } : {}),
    watch: { maxQueuedEvents, maxQueuedBytes },
    homeWorkspaces: homeText === 'true',
    ...(storeText !== 'embedded' ? { store: storeText } : {}),
    ...(destinations.list ? { webhookAllowedDestinations: destinations.list } : {}),
    ...(shardExternalUrl ? { shardExternalUrl } : {}),
    shardName,
    ...(shardBaseUrl ? { shardBaseUrl } : {}),
    ...(rootKubeconfigText ? { rootShardKubeconfig: path.resolve(cwd, rootKubeconfigText) } : {}),
    ...(pkiDirText ? { pkiDir: path.resolve(cwd, pkiDirText) } : {}),
    ...(allowedTtlText !== undefined || deniedTtlText !== undefined ? { shardAuthorizationCache } : {}),
    ...(auditPath && auditLevel !== 'None' ? { audit: { path: auditPath === '-' ? '-' : path.resolve(cwd, auditPath), level: auditLevel as AuditLevel } } : {}),
  };
}

/** An absolute http(s) URL without a path, as workspace URLs are built on it (no trailing slash). */
function externalUrl(text: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`invalid ${what} "${text}": expected https://host[:port] (no path)`);
  }
  return url.origin;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A kept answer's lifetime as Kubernetes' flags write a duration, in whole units (`30s`, `5m`,
 * `1h`), from a second (an answer must outlive the moment between asking and reading it) to a day.
 */
function durationMs(text: string, what: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  const ms = m ? Number(m[1]) * (DURATION_UNITS_MS[m[2] as string] as number) : NaN;
  if (!(ms >= 1000 && ms <= 86_400_000)) throw new ConfigError(`invalid ${what} "${text}": expected a duration such as 30s or 5m (from 1s to 24h)`);
  return ms;
}

/** A boolean flag, or its environment variable (true/false/1/0) when the flag is absent. */
function flag(value: boolean | undefined, env: NodeJS.ProcessEnv, name: string): boolean {
  if (value) return true;
  const text = env[name] ?? 'false';
  if (!['true', 'false', '1', '0'].includes(text)) throw new ConfigError(`invalid ${name} "${text}": expected true or false`);
  return text === 'true' || text === '1';
}
