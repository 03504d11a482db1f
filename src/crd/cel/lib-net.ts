/**
 * Kubernetes CEL libraries for IP addresses, CIDRs and URLs (apiserver `library.IP`, `library.CIDR`,
 * `library.URLs`), written from their documented behaviour:
 *
 * - `ip(s)` / `isIP(s)` accept what Go's netip.ParseAddr accepts (no leading zeros in IPv4 octets),
 *   except zones and IPv4-mapped IPv6 addresses; `ip.isCanonical(s)`; `<IP>.family()`,
 *   `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`, `isLinkLocalUnicast()`,
 *   `isGlobalUnicast()`; `string(<IP>)`.
 * - `cidr(s)` / `isCIDR(s)`; `<CIDR>.containsIP(IP|string)`, `containsCIDR(CIDR|string)`, `ip()`,
 *   `masked()`, `prefixLength()`; `string(<CIDR>)`.
 * - `url(s)` / `isURL(s)` follow Go's url.ParseRequestURI (an absolute URI or an absolute path);
 *   `getScheme()`, `getHost()`, `getHostname()`, `getPort()`, `getEscapedPath()`, `getQuery()`.
 */
import { EvaluationError, type Environment } from '@marcbachmann/cel-js';

function fail(message: string): never {
  throw new EvaluationError(message);
}

// ---------------------------------------------------------------------------------------------
// IP addresses

export class IPValue {
  /** 4 bytes for IPv4, 16 for IPv6. */
  constructor(readonly bytes: Uint8Array) {}
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }
  toString(): string {
    return formatIP(this.bytes);
  }
}

function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const groups: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return undefined;
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
      groups.push(parseInt(item, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  // "::" stands for at least one group of zeros.
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The address, or the reason it is not one (messages as the Kubernetes library words them). */
export function parseIP(s: string): IPValue | string {
  if (s.includes('%')) return 'IP address with zone value is not allowed';
  const bytes = s.includes(':') ? parseIPv6(s) : parseIPv4(s);
  if (!bytes) return `ParseAddr("${s}"): unable to parse IP`;
  if (isV4Mapped(bytes)) return 'IPv4-mapped IPv6 address is not allowed';
  return new IPValue(bytes);
}

export function formatIP(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  // The longest run of two or more zero groups becomes "::" (the first one on a tie), per RFC 5952.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function prefixMatches(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  if (a.length !== b.length) return false;
  const full = Math.floor(bits / 8);
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full] as number) & mask) === ((b[full] as number) & mask);
}

function maskBytes(b: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = (b[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function ipIsUnspecified(ip: IPValue): boolean {
  return ip.bytes.every((x) => x === 0);
}

function ipIsLoopback(ip: IPValue): boolean {
  const b = ip.bytes;
  if (b.length === 4) return b[0] === 127;
  return b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

function ipIsLinkLocalMulticast(ip: IPValue): boolean {
  const b = ip.bytes;
  if (b.length === 4) return b[0] === 224 && b[1] === 0 && b[2] === 0;
  return b[0] === 0xff && ((b[1] as number) & 0x0f) === 0x02;
}

function ipIsLinkLocalUnicast(ip: IPValue): boolean {
  const b = ip.bytes;
  if (b.length === 4) return b[0] === 169 && b[1] === 254;
  return b[0] === 0xfe && ((b[1] as number) & 0xc0) === 0x80;
}

function ipIsMulticast(ip: IPValue): boolean {
  const b = ip.bytes;
  return b.length === 4 ? ((b[0] as number) & 0xf0) === 0xe0 : b[0] === 0xff;
}

/** Go's netip.Addr.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast. */
function ipIsGlobalUnicast(ip: IPValue): boolean {
  if (ip.bytes.length === 4 && ip.bytes.every((x) => x === 255)) return false;
  return !ipIsUnspecified(ip) && !ipIsLoopback(ip) && !ipIsMulticast(ip) && !ipIsLinkLocalUnicast(ip);
}

// ---------------------------------------------------------------------------------------------
// CIDRs

export class CIDRValue {
  constructor(
    readonly ip: IPValue,
    readonly bits: number,
  ) {}
  toString(): string {
    return `${this.ip.toString()}/${this.bits}`;
  }
}

export function parseCIDR(s: string): CIDRValue | string {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return `network address parse error during conversion from string: netip.ParsePrefix("${s}"): no '/'`;
  const ip = parseIP(s.slice(0, slash));
  if (typeof ip === 'string') return ip;
  const bitsStr = s.slice(slash + 1);
  const max = ip.bytes.length * 8;
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsStr) || Number(bitsStr) > max) {
    return `network address parse error during conversion from string: netip.ParsePrefix("${s}"): bad bits after slash: "${bitsStr}"`;
  }
  return new CIDRValue(ip, Number(bitsStr));
}

function cidrContainsIP(c: CIDRValue, ip: IPValue): boolean {
  return prefixMatches(c.ip.bytes, ip.bytes, c.bits);
}

function cidrContainsCIDR(c: CIDRValue, other: CIDRValue): boolean {
  return other.ip.bytes.length === c.ip.bytes.length && c.bits <= other.bits && prefixMatches(c.ip.bytes, other.ip.bytes, c.bits);
}

function ipOrFail(s: string): IPValue {
  const ip = parseIP(s);
  return typeof ip === 'string' ? fail(ip) : ip;
}

function cidrOrFail(s: string): CIDRValue {
  const c = parseCIDR(s);
  return typeof c === 'string' ? fail(c) : c;
}

// ---------------------------------------------------------------------------------------------
// URLs

export class URLValue {
  constructor(
    readonly raw: string,
    readonly scheme: string,
    readonly host: string,
    readonly rawPath: string,
    readonly rawQuery: string,
    readonly opaque: string,
  ) {}
  toString(): string {
    return this.raw;
  }
}

const HEX = /^[0-9a-fA-F]{2}$/;

function validEscapes(s: string): boolean {
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
    if (!HEX.test(s.slice(i + 1, i + 3))) return false;
  }
  return true;
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    const port = host.slice(end + 1);
    return port === '' || /^:\d*$/.test(port);
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return false;
  return /^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/.test(host) && validEscapes(host);
}

/** Go's url.ParseRequestURI, reduced to what the accessors need; a string is the parse error. */
export function parseURL(raw: string): URLValue | string {
  const err = (why: string): string => `URL parse error during conversion from string: parse "${raw}": ${why}`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return err('net/url: invalid control character in URL');
  if (raw === '') return err('empty url');
  let scheme = '';
  let rest = raw;
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(raw);
  if (m) {
    scheme = (m[1] as string).toLowerCase();
    rest = raw.slice((m[0] as string).length);
  } else if (raw.startsWith(':')) {
    return err('missing protocol scheme');
  }
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return new URLValue(raw, scheme, '', '', rawQuery, rest);
    return err('invalid URI for request');
  }
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const authority = rest.slice(2);
    const slash = authority.indexOf('/');
    const auth = slash < 0 ? authority : authority.slice(0, slash);
    rest = slash < 0 ? '' : authority.slice(slash);
    const at = auth.lastIndexOf('@');
    host = at < 0 ? auth : auth.slice(at + 1);
    if (!validHost(host)) return err(`invalid host "${host}"`);
  }
  if (!validEscapes(rest)) return err('invalid URL escape');
  return new URLValue(raw, scheme, host, rest, rawQuery, '');
}

function hostname(u: URLValue): string {
  const h = u.host;
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

function port(u: URLValue): string {
  const h = u.host;
  const from = h.startsWith('[') ? h.indexOf(']') + 1 : 0;
  const colon = h.indexOf(':', from);
  return colon < 0 ? '' : h.slice(colon + 1);
}

/** Characters Go's url.PathEscape-style escaping (encodePath) leaves alone, besides alphanumerics. */
const PATH_SAFE = new Set("-_.~$&+,/:;=@!'()*".split(''));

function escapedPath(u: URLValue): string {
  let out = '';
  for (const ch of u.rawPath) {
    if (/[A-Za-z0-9%]/.test(ch) || PATH_SAFE.has(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function queryUnescape(s: string): string | undefined {
  if (!validEscapes(s)) return undefined;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Go's url.Values from the query (pairs that do not parse are dropped, as URL.Query() does). */
function query(u: URLValue): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const v = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) continue;
    const list = out.get(k) ?? [];
    list.push(v);
    out.set(k, list);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

class IpNamespace {}

export function registerNetworkLibrary(env: Environment): void {
  env
    .registerType('net.IP', { ctor: IPValue, fields: {} })
    .registerType('net.CIDR', { ctor: CIDRValue, fields: {} })
    .registerType('net.URL', { ctor: URLValue, fields: {} })
    .registerType('IpNamespace', { ctor: IpNamespace, fields: {} })
    .registerConstant('ip', 'IpNamespace', new IpNamespace());

  env
    .registerFunction('ip(string): net.IP', (s: string) => ipOrFail(s))
    .registerFunction('isIP(string): bool', (s: string) => typeof parseIP(s) !== 'string')
    .registerFunction('IpNamespace.isCanonical(string): bool', (_ns: IpNamespace, s: string) => ipOrFail(s).toString() === s)
    .registerFunction('net.IP.family(): int', (ip: IPValue) => BigInt(ip.family))
    .registerFunction('net.IP.isUnspecified(): bool', ipIsUnspecified)
    .registerFunction('net.IP.isLoopback(): bool', ipIsLoopback)
    .registerFunction('net.IP.isLinkLocalMulticast(): bool', ipIsLinkLocalMulticast)
    .registerFunction('net.IP.isLinkLocalUnicast(): bool', ipIsLinkLocalUnicast)
    .registerFunction('net.IP.isGlobalUnicast(): bool', ipIsGlobalUnicast)
    .registerFunction('string(net.IP): string', (ip: IPValue) => ip.toString())
    .registerOperator('net.IP == net.IP', (a: IPValue, b: IPValue) => a.toString() === b.toString());

  env
    .registerFunction('cidr(string): net.CIDR', (s: string) => cidrOrFail(s))
    .registerFunction('isCIDR(string): bool', (s: string) => typeof parseCIDR(s) !== 'string')
    .registerFunction('net.CIDR.containsIP(net.IP): bool', cidrContainsIP)
    .registerFunction('net.CIDR.containsIP(string): bool', (c: CIDRValue, s: string) => cidrContainsIP(c, ipOrFail(s)))
    .registerFunction('net.CIDR.containsCIDR(net.CIDR): bool', cidrContainsCIDR)
    .registerFunction('net.CIDR.containsCIDR(string): bool', (c: CIDRValue, s: string) => cidrContainsCIDR(c, cidrOrFail(s)))
    .registerFunction('net.CIDR.ip(): net.IP', (c: CIDRValue) => c.ip)
    .registerFunction('net.CIDR.masked(): net.CIDR', (c: CIDRValue) => new CIDRValue(new IPValue(maskBytes(c.ip.bytes, c.bits)), c.bits))
    .registerFunction('net.CIDR.prefixLength(): int', (c: CIDRValue) => BigInt(c.bits))
    .registerFunction('string(net.CIDR): string', (c: CIDRValue) => c.toString())
    .registerOperator('net.CIDR == net.CIDR', (a: CIDRValue, b: CIDRValue) => a.toString() === b.toString());

  env
    .registerFunction('url(string): net.URL', (s: string) => {
      const u = parseURL(s);
      return typeof u === 'string' ? fail(u) : u;
    })
    .registerFunction('isURL(string): bool', (s: string) => typeof parseURL(s) !== 'string')
    .registerFunction('net.URL.getScheme(): string', (u: URLValue) => u.scheme)
    .registerFunction('net.URL.getHost(): string', (u: URLValue) => u.host)
    .registerFunction('net.URL.getHostname(): string', hostname)
    .registerFunction('net.URL.getPort(): string', port)
    .registerFunction('net.URL.getEscapedPath(): string', escapedPath)
    .registerFunction('net.URL.getQuery(): map<string, list<string>>', query)
    .registerFunction('string(net.URL): string', (u: URLValue) => u.raw)
    .registerOperator('net.URL == net.URL', (a: URLValue, b: URLValue) => a.raw === b.raw);
}
