/**
 * The URL a server listening on `host` and `port` is reached at: an IPv6 address in brackets, and
 * a wildcard address (every interface) through loopback, where this machine's clients reach it.
 */
export function listenUrl(tls: boolean, host: string, port: number): string {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const reachable = bracketed === '0.0.0.0' || bracketed === '[::]' ? '127.0.0.1' : bracketed;
  return `${tls ? 'https' : 'http'}://${reachable}:${port}`;
}
