/**
 * Content negotiation: the Content-Type of request bodies, parsed as strictly as the apiserver
 * parses it, and the kinds of responses kubectl asks for through Accept parameters: aggregated
 * discovery and server-side Tables. Everything else is served as JSON, which every Kubernetes
 * client accepts (typed clients list protobuf first but take JSON).
 */

/** Go's mime token: printable ASCII but spaces and tspecials `()<>@,;:\"/[]?=`. */
const TOKEN = String.raw`[!#$%&'*+\-.0-9A-Z^_\x60a-z{|}~]+`;
const MEDIA_TYPE = new RegExp(`^${TOKEN}(?:/${TOKEN})?$`);
const PARAMETER = new RegExp(String.raw`^;\s*(${TOKEN})\s*=\s*(?:${TOKEN}|"(?:[^"\\\r\n]|\\.)*")`);

/**
 * The media type (lowercased) of a Content-Type, parsed as Go's mime.ParseMediaType parses it for
 * the apiserver's NegotiateInputSerializer: `type/subtype`, then `; name=value` parameters
 * (tokens or quoted strings), a trailing `;` allowed; undefined for anything else — an empty type,
 * a stray `;` or `=`, a parameter without a value or given twice — which the apiserver answers
 * with 415. (The npm parsers differ from Go here: `content-type` 1.x refuses the trailing `;`,
 * 2.x and whatwg-mimetype skip malformed parameters instead of refusing them.)
 */
export function parseMediaType(header: string): string | undefined {
  const semi = header.indexOf(';');
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (!MEDIA_TYPE.test(type)) return undefined;
  const names = new Set<string>();
  let rest = semi < 0 ? '' : header.slice(semi);
  while ((rest = rest.trimStart()) !== '') {
    const m = PARAMETER.exec(rest);
    if (!m) return rest.trim() === ';' ? type : undefined;
    const name = (m[1] as string).toLowerCase();
    if (names.has(name)) return undefined;
    names.add(name);
    rest = rest.slice(m[0].length);
  }
  return type;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const record: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) record[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: (type ?? '').toLowerCase(), params: record };
  });
}

const isJson = (m: MediaRange): boolean => m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';

/** The aggregated discovery version asked for (first acceptable in the client's order). */
export function aggregatedDiscovery(accept: MediaRange[]): 'v2' | 'v2beta1' | undefined {
  for (const m of accept) {
    if (m.type === 'application/json' && m.params.g === 'apidiscovery.k8s.io' && m.params.as === 'APIGroupDiscoveryList') {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
    }
    if (m.type === 'application/json' && !m.params.as) return undefined;
  }
  return undefined;
}

/** `v1` or `v1beta1` when a meta.k8s.io Table is acceptable before plain JSON. */
export function tableVersion(accept: MediaRange[]): 'v1' | 'v1beta1' | undefined {
  for (const m of accept) {
    if (m.type === 'application/json' && m.params.as === 'Table' && m.params.g === 'meta.k8s.io') {
      if (m.params.v === 'v1' || m.params.v === 'v1beta1') return m.params.v;
    }
    if (isJson(m) && !m.params.as) return undefined;
  }
  return undefined;
}

/** True unless the client accepts nothing we can produce. */
export function acceptsJson(accept: MediaRange[]): boolean {
  if (accept.length === 0) return true;
  return accept.some((m) => isJson(m) || m.type === 'application/vnd.kubernetes.protobuf' || m.type === 'application/yaml');
}

/** gnostic's protobuf form of OpenAPI v2, as kubectl asks for it. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/**
 * The spelling it is answered with, as kube-openapi answers: client-go parses a response's
 * Content-Type with Go's mime package, which refuses the '@' (an error, not a document).
 */
export const OPENAPI_V2_PROTOBUF_SENT = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** The form of `/openapi/v2` to send: the acceptable one with the highest q (first on a tie). */
export function openApiV2Format(accept: MediaRange[]): 'json' | 'protobuf' | undefined {
  if (accept.length === 0) return 'json';
  let best: { format: 'json' | 'protobuf'; q: number } | undefined;
  for (const m of accept) {
    const format = m.type === OPENAPI_V2_PROTOBUF || m.type === OPENAPI_V2_PROTOBUF_SENT ? 'protobuf' : isJson(m) ? 'json' : undefined;
    const q = m.params.q === undefined ? 1 : Number(m.params.q);
    if (format && q > 0 && (!best || q > best.q)) best = { format, q };
  }
  return best?.format;
}
