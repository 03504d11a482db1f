/** A POST whose body is sent chunked (no Content-Length), for tests of limits counted as bytes arrive. */
import http from 'node:http';

export interface ChunkedAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The response body, parsed as JSON. */
  body: Record<string, unknown>;
  /** Settles when the connection is closed (by either side). */
  closed: Promise<void>;
}

/**
 * POSTs `body` to `url` in 64 KiB chunks over a kept-alive connection of `agent` (so a closed
 * connection is the server's doing), and resolves with the answer. The server may answer, and
 * close the connection, before the client has sent everything.
 */
export function postChunked(url: string, agent: http.Agent, body: string, headers: Record<string, string>): Promise<ChunkedAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent,
      headers: { ...headers, 'transfer-encoding': 'chunked' },
    });
    let answered = false;
    const closed = new Promise<void>((done) => req.once('socket', (socket) => socket.once('close', () => done())));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, closed });
      });
    });
    // Writing into a connection the server has closed fails; the answer has arrived by then.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const data = Buffer.from(body);
    let at = 0;
    const pump = (): void => {
      while (at < data.length) {
        const piece = data.subarray(at, at + 64 * 1024);
        at += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}
