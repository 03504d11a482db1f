/**
 * String formats Kubernetes validates in custom resources: apiextensions-apiserver keeps only
 * the formats of its `supportedFormats` list (names compared with dashes removed, so `date-time`
 * is `datetime`) and checks them as kube-openapi's strfmt does. Any other format (int32, int64,
 * float, double, ...) is ignored, as Kubernetes ignores it; formats never apply to non-strings.
 */
import { isIPv6 } from 'node:net';

export type FormatCheck = (s: string) => boolean;

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Go's net.ParseIP for dotted quads: four decimal octets, no leading zeros. */
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

function parseIP(s: string): boolean {
  return IPV4.test(s) || (isIPv6(s) && !s.includes('%'));
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(mask)) return false;
  if (IPV4.test(ip)) return Number(mask) <= 32;
  return isIPv6(ip) && !ip.includes('%') && Number(mask) <= 128;
}

/** Go's net.ParseMAC: 6, 8 or 20 octets separated by `:` or `-`, or groups of four hex digits separated by `.`. */
function isMAC(s: string): boolean {
  for (const sep of [':', '-']) {
    const parts = s.split(sep);
    if ((parts.length === 6 || parts.length === 8 || parts.length === 20) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return true;
  }
  const dotted = s.split('.');
  return (dotted.length === 3 || dotted.length === 4 || dotted.length === 10) && dotted.every((p) => /^[0-9a-fA-F]{4}$/.test(p));
}

const HOST_CHAR = 'a-zA-Z0-9\\p{S}\\p{L}';
const HOSTNAME = new RegExp(
  `^([${HOST_CHAR}]((-?[${HOST_CHAR}]{0,62})?)|([${HOST_CHAR}](([${HOST_CHAR}\\-]{0,61}[${HOST_CHAR}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$`,
  'u',
);

function isHostname(s: string): boolean {
  if (!HOSTNAME.test(s) || Buffer.byteLength(s) > 255) return false;
  return s.split('.').every((label) => Buffer.byteLength(label) <= 63);
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u{80}-\\u{10FFFF}]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const ADDR = `(?:${DOT_ATOM}|"(?:[^"\\\\]|\\\\.)*")@(?:${DOT_ATOM}|\\[[^\\[\\]\\\\]*\\])`;
/** An approximation of Go's net/mail.ParseAddress: `local@domain`, optionally as `Name <local@domain>`. */
const EMAIL = new RegExp(`^\\s*(?:${ADDR}|[^<>]*<${ADDR}>)\\s*$`, 'u');

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Go's url.ParseRequestURI, approximately: an absolute URI or an absolute path, no control characters. */
function isURI(s: string): boolean {
  if (s === '' || hasControl(s)) return false;
  if (s === '*') return true;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(s);
  let rest = scheme ? s.slice(scheme[0].length) : s;
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) return scheme !== null;
  if (scheme && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (/[\s"<>\\^`{|}]/.test(host)) return false;
    const port = /:([^:\]]*)$/.exec(host);
    if (port && !host.startsWith('[') && !/^\d*$/.test(port[1] ?? '')) return false;
  }
  return !/%(?![0-9A-Fa-f]{2})/.test(rest);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Go's time.Parse("2006-01-02"). */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(m[1]), month);
}

const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** strfmt's IsDateTime: a date, a `t`, then hh:mm:ss[.frac](z|±hh:mm), case-insensitive. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0] ?? '')) return false;
  const m = TIME.exec(parts[1] ?? '');
  return m !== null && (m[1] ?? '') <= '23' && (m[2] ?? '') <= '59' && (m[3] ?? '') <= '59';
}

const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const DURATION_UNITS = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

/** strfmt's ParseDuration: Go's time.ParseDuration, else any `<n> <unit>` pair with a known unit. */
function isDuration(s: string): boolean {
  if (GO_DURATION.test(s)) return true;
  for (const m of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = (m[2] ?? '').toLowerCase();
    for (const variants of DURATION_UNITS) {
      const last = variants.length - 1;
      if (variants.some((v, i) => unit === v || (i === last && unit.startsWith(v)))) return true;
    }
  }
  return false;
}

function isISBN10(s: string): boolean {
  const d = s.replace(/[\s-]+/g, '');
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
  sum += d[9] === 'X' ? 100 : 10 * Number(d[9]);
  return sum % 11 === 0;
}

function isISBN13(s: string): boolean {
  const d = s.replace(/[\s-]+/g, '');
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(d[i]);
  return Number(d[12]) - ((10 - (sum % 10)) % 10) === 0;
}

const CREDIT_CARD = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]+/g, '');
  if (!CREDIT_CARD.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const RGB_PART = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';

const CHECKS: ReadonlyMap<string, FormatCheck> = new Map<string, FormatCheck>([
  ['bsonobjectid', (s) => /^[0-9a-fA-F]{24}$/.test(s)],
  ['uri', isURI],
  ['email', (s) => EMAIL.test(s)],
  ['hostname', isHostname],
  ['ipv4', (s) => parseIP(s) && s.includes('.')],
  ['ipv6', (s) => parseIP(s) && s.includes(':')],
  ['cidr', isCIDR],
  ['mac', isMAC],
  ['uuid', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid3', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid4', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid5', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s)],
  ['isbn', (s) => isISBN10(s) || isISBN13(s)],
  ['isbn10', isISBN10],
  ['isbn13', isISBN13],
  ['creditcard', isCreditCard],
  ['ssn', (s) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s)],
  ['hexcolor', (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s)],
  ['rgbcolor', (s) => new RegExp(`^rgb\\(${RGB_PART},${RGB_PART},${RGB_PART}\\)$`).test(s)],
  ['byte', (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s.replace(/[\r\n]/g, ''))],
  ['password', () => true],
  ['date', isDate],
  ['duration', isDuration],
  ['datetime', isDateTime],
]);

/** The check for a schema `format`, or undefined when Kubernetes does not validate that format. */
export function formatCheck(format: string): FormatCheck | undefined {
  return CHECKS.get(format.replaceAll('-', ''));
}
