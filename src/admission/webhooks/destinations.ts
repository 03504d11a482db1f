/**
 * Where admission webhooks may be called (docs/admission.md, "Webhook destinations"). A webhook
 * configuration is written by a workspace's admins, so its URL is untrusted input that makes the
 * server send requests: without a policy, any tenant could point a webhook at the cloud's
 * metadata service or at hosts only the server can reach. The policy:
 * - `https` only, no user info, query or fragment (as Kubernetes validates `clientConfig.url`);
 * - never link-local addresses (169.254.0.0/16, fe80::/10), where cloud metadata services live,
 *   nor the known metadata names and addresses (metadata.google.internal, fd00:ec2::254), nor the
 *   unspecified addresses (0.0.0.0, ::, which reach the server's own host);
 * - with `--admission-webhook-allowed-destinations`, only the listed hosts and address ranges.
 *   Without it every other destination is allowed, loopback included.
 * Addresses are checked as the connection is made, on what the name resolved to then: a name that
 * resolved to an allowed address when the configuration was written may resolve elsewhere later
 * (DNS rebinding), so the check pins the connection to the addresses it approved.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata.azure.internal']);

const REFUSED = new BlockList();
REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
REFUSED.addSubnet('fe80::', 10, 'ipv6');
REFUSED.addAddress('fd00:ec2::254', 'ipv6');
REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
REFUSED.addAddress('::', 'ipv6');

/** A refused destination: the call is not made (a failure of the webhook, under its failurePolicy). */
export class DestinationError extends Error {
  override readonly name = 'DestinationError';
}

/** `[::1]` → `::1`, lower case, without a trailing dot. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** An address as BlockList checks it: IPv4-mapped IPv6 (::ffff:169.254.169.254) as the IPv4 address it is. */
function normalized(address: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const bare = bareHost(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return { address: mapped[1] as string, type: 'ipv4' };
  const family = isIP(bare);
  return family === 4 ? { address: bare, type: 'ipv4' } : family === 6 ? { address: bare, type: 'ipv6' } : undefined;
}

/** Why an address may never be called, or undefined. */
function refusedAddress(address: string): string | undefined {
  const ip = normalized(address);
  if (!ip) return undefined;
  if (REFUSED.check(ip.address, ip.type)) return `${address} is a link-local, metadata or unspecified address`;
  return undefined;
}

/**
 * Problems with a webhook URL as written (Kubernetes' URL rules plus the destinations never
 * allowed), for the configuration's validation: an empty list means the URL may be stored.
 * The operator's allow list is checked when calling, on resolved addresses.
 */
export function webhookUrlProblems(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return ['must be a valid URL'];
  }
  const problems: string[] = [];
  if (url.protocol !== 'https:') problems.push("'https' is the only allowed URL scheme");
  if (url.hostname === '') problems.push('host must be specified');
  if (url.username !== '' || url.password !== '') problems.push('user information is not permitted in the URL');
  if (url.hash !== '' || text.includes('#')) problems.push('fragments are not permitted in the URL');
  if (url.search !== '' || text.includes('?')) problems.push('query parameters are not permitted in the URL');
  const host = bareHost(url.hostname);
  if (METADATA_HOSTS.has(host)) problems.push(`${host} is a cloud metadata service`);
  const refused = refusedAddress(host);
  if (refused) problems.push(refused);
  return problems;
}

interface Allowed {
  names: Set<string>;
  /** `*.example.com` entries, as `.example.com`. */
  suffixes: string[];
  ranges: BlockList;
}

/**
 * The destinations policy of one server. `allowed` is the operator's list (host names, `*.domain`
 * wildcards, addresses and CIDR ranges); undefined allows every destination that is not refused.
 */
export class DestinationPolicy {
  private readonly allowed: Allowed | undefined;

  constructor(allowed?: readonly string[]) {
    this.allowed = allowed === undefined ? undefined : parseAllowed(allowed);
  }

  /**
   * Checks a URL before it is called: scheme, names and literal addresses (a literal address is
   * connected to without a lookup, so this is its only check). Throws DestinationError.
   */
  checkUrl(text: string): URL {
    const problems = webhookUrlProblems(text);
    if (problems.length > 0) throw new DestinationError(`webhook URL refused: ${problems.join('; ')}`);
    const url = new URL(text);
    const host = bareHost(url.hostname);
    if (isIP(host) !== 0 && !this.addressAllowed(host, host)) throw new DestinationError(notAllowed(host));
    return url;
  }

  /**
   * A `lookup` for node:net that resolves as usual and keeps only the addresses this policy
   * allows, so the connection goes to an address that was checked (never re-resolved after).
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const ok = addresses.filter((a) => this.addressAllowed(hostname, a.address));
      if (ok.length === 0) {
        const seen = addresses.map((a) => a.address).join(', ');
        return callback(new DestinationError(`${notAllowed(hostname)} (resolved to ${seen || 'nothing'})`), []);
      }
      if (options.all) return callback(null, ok);
      const first = ok[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };

  private addressAllowed(hostname: string, address: string): boolean {
    if (refusedAddress(address)) return false;
    const allowed = this.allowed;
    if (!allowed) return true;
    const host = bareHost(hostname);
    if (allowed.names.has(host) || allowed.suffixes.some((s) => host.endsWith(s))) return true;
    const ip = normalized(address);
    return ip !== undefined && allowed.ranges.check(ip.address, ip.type);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const notAllowed = (host: string): string =>
  `webhook destination ${host} is not allowed (a link-local or metadata address, or outside --admission-webhook-allowed-destinations)`;

function parseAllowed(entries: readonly string[]): Allowed {
  const allowed: Allowed = { names: new Set(), suffixes: [], ranges: new BlockList() };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const error = allowedEntryError(entry);
    if (error) throw new DestinationError(error);
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const ip = normalized(address);
    if (ip && bits !== undefined) allowed.ranges.addSubnet(ip.address, Number(bits), ip.type);
    else if (ip) allowed.ranges.addAddress(ip.address, ip.type);
    else if (entry.startsWith('*.')) allowed.suffixes.push(entry.slice(1));
    else allowed.names.add(bareHost(entry));
  }
  return allowed;
}

const HOST_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/;

/** Why an allow-list entry is not a host name, `*.domain`, address or CIDR range, or undefined. */
function allowedEntryError(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const ip = normalized(address ?? '');
  if (bits !== undefined) {
    const max = ip?.type === 'ipv4' ? 32 : 128;
    if (!ip || extra !== undefined || !/^\d+$/.test(bits) || Number(bits) > max) return `"${entry}" is not a valid CIDR range`;
    return undefined;
  }
  if (ip) return undefined;
  return HOST_NAME.test(entry) ? undefined : `"${entry}" is not a host name, *.domain, IP address or CIDR range`;
}

/**
 * The operator's allow list from `--admission-webhook-allowed-destinations` (comma-separated):
 * undefined when not set, or the error that makes the configuration invalid.
 */
export function parseAllowedDestinations(text: string | undefined): { list?: string[]; error?: string } {
  if (text === undefined || text.trim() === '') return {};
  const list = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of list) {
    const error = allowedEntryError(entry.toLowerCase());
    if (error) return { error: `invalid --admission-webhook-allowed-destinations: ${error}` };
  }
  return { list };
}
