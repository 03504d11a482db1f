/**
 * graphql-ws on `ws` sockets: what graphql-ws' `useServer` does (protocol negotiation, one
 * graphql-ws server per connection), with a keep-alive that tells a dead peer from a slow reader
 * and a bound on the data waiting to be sent on a socket.
 *
 * graphql-ws' own keep-alive pings every 12 s and terminates a socket whose pong has not come 12 s
 * later. A client that merely stopped reading cannot answer either — its pong waits behind the
 * events queued for it — so it was torn down too, and with it the events still queued and the
 * TOO_SLOW error the watch hub had meanwhile ended its subscription with: the client read what its
 * kernel held, then an abnormal closure (1006), and never learnt where to resume. Here a socket that
 * has not answered its last ping is terminated only when nothing waits to be sent to it, nor did at
 * the previous ping (a client that has just caught up meets the ping behind the data): that is a
 * dead peer. A socket with data waiting has a slow reader, who gets what it was sent, errors
 * included, whenever it reads again. That costs bounded memory: each subscription's watch is cut
 * off at the hub's limits, graphql-ws sends one message per subscription at a time, and a socket
 * holding more than `maxBufferedBytes` unsent (many subscriptions, big objects) is closed with
 * CLOSE_TOO_SLOW. A dead peer with data waiting is TCP's to detect.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** Close code for a socket whose unsent data outgrew the bound (graphql-ws leaves 4xxx to applications). */
export const CLOSE_TOO_SLOW = 4413;

export interface WsLimits {
  /** Ping interval; a socket that answers no ping for two of them, with nothing waiting to be sent, is terminated (default 12 s). */
  keepAliveMs?: number;
  /** Bytes waiting to be sent on one socket beyond which it is closed with CLOSE_TOO_SLOW (default 16 MiB). */
  maxBufferedBytes?: number;
}

export const DEFAULT_KEEPALIVE_MS = 12_000;
/** What one turn sends on a socket before its subscriptions wait for the write: about what a kernel buffer takes at once. */
const TURN_BYTES = 64 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  /** Sends a message as graphql-ws' own are sent (bounded; what it returns resolves once written): for messages Atoll builds itself. */
  send: (data: string) => Promise<void> | undefined;
};

/**
 * Serves graphql-ws on every connection of `wss` (which must be graphql-ws' only user).
 * `onInternalError` hears what graphql-ws' handling of a message threw (a bug of ours: the socket
 * is closed with 4500, as useServer closed it).
 */
export function serveSockets<P extends Record<string, unknown> | undefined>(
  wss: WebSocketServer,
  options: ServerOptions<P, SocketExtra>,
  limits: WsLimits = {},
  onInternalError: (err: unknown) => void = () => undefined,
): void {
  const server = makeServer(options);
  const keepAliveMs = limits.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  const maxBufferedBytes = limits.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // ws closes the connection itself after an error (a protocol violation, a reset); graphql-ws'
    // useServer also closed it, as an internal error.
    socket.once('error', () => socket.close(CloseCode.InternalServerError, 'Internal server error'));
    const stopKeepAlive = keepAlive(socket, keepAliveMs);
    let ended = false;
    /** Ends every operation of the connection (graphql-ws returns their iterators), once. */
    const end = (code: number, reason: string): void => {
      if (ended) return;
      ended = true;
      stopKeepAlive();
      void closed(code, reason);
    };
    /**
     * Messages handed to ws and those it has reported written. Each send's callback is this one
     * function rather than a closure and a promise per message: with one subscriber per socket,
     * those were a good part of the garbage of a fan-out.
     */
    let sent = 0;
    let written = 0;
    const waiting: { upTo: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
    const onWritten = (err?: Error): void => {
      written++;
      if (err) for (const w of waiting.splice(0)) w.reject(err);
      while (waiting.length > 0 && (waiting[0] as (typeof waiting)[number]).upTo <= written) waiting.shift()?.resolve();
    };
    /**
     * The messages sent in one turn (a fan-out sends every event it has for every subscription
     * of the socket in one loop, ws-fanout.ts) go out in one write: the socket is corked at the
     * first and uncorked once the turn's synchronous work is done. `backlog` is what the kernel
     * had not taken when the turn began.
     */
    const raw = (socket as unknown as { _socket?: Duplex })._socket;
    let corked = false;
    let backlog = 0;
    /**
     * Closes the socket when more than the bound waits to be sent: the close frame goes after the
     * data, so a client that reads again gets both; ws destroys the socket if the close is not
     * answered within 30 s. The operations end now: until the socket has closed they would run
     * on, sending nothing. Checked once the kernel was offered the data (after the turn).
     */
    const bound = (): void => {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= maxBufferedBytes) return;
      const reason = `too slow: over ${maxBufferedBytes} bytes unsent; subscribe again from the last resourceVersion received`;
      socket.close(CLOSE_TOO_SLOW, reason);
      end(CLOSE_TOO_SLOW, reason);
    };
    const uncork = (): void => {
      if (!corked) return;
      corked = false;
      raw?.uncork();
      bound();
    };
    /**
     * Sends `data`; what it returns resolves once it is written. Nothing is returned when it is
     * held for the turn's write (the kernel had taken everything before the turn, and the turn
     * holds at most TURN_BYTES) or went to the kernel at once (the common case), so the next
     * message need not wait for the callback; a client that stops reading still holds up the next
     * one until this one is written. Past TURN_BYTES, or with a backlog, the turn's messages go to
     * the kernel at once: whether it takes them decides, as it did for each message before the
     * turns were corked, and a socket whose kernel buffers took everything is seen to have
     * nothing waiting only once there is nothing left to send (the keep-alive goes by that).
     */
    const send = (data: string): Promise<void> | undefined => {
      if (socket.readyState !== socket.OPEN) return undefined;
      if (!corked && raw) {
        corked = true;
        backlog = socket.bufferedAmount;
        raw.cork();
        queueMicrotask(uncork);
      }
      socket.send(data, onWritten);
      const upTo = ++sent;
      if (corked && (backlog > 0 || socket.bufferedAmount > TURN_BYTES)) uncork();
      else if (!corked) bound();
      if (corked || socket.bufferedAmount === 0) return undefined;
      return new Promise<void>((resolve, reject) => waiting.push({ upTo, resolve, reject }));
    };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send,
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data) => {
            cb(String(data)).catch((err: unknown) => {
              onInternalError(err);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request, send },
    );
    socket.once('close', (code, reason) => end(code, String(reason)));
  });
}

/** Pings `socket` every `intervalMs` and terminates it when it is dead (see above); returns what stops it. */
function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  let awaitingPong = false;
  /** Data was waiting at the last tick: a client that has just read it may not have reached the ping yet. */
  let backlogged = false;
  socket.on('pong', () => {
    awaitingPong = false;
  });
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    const waiting = socket.bufferedAmount > 0;
    if (!awaitingPong) {
      awaitingPong = true;
      socket.ping();
    } else if (!waiting && !backlogged) {
      // Not yet: after the event loop was held up (a busy or starved process) timers run before
      // sockets are read, so a pong that came meanwhile is still unread. It is read before the
      // immediates run.
      setImmediate(() => {
        if (awaitingPong) socket.terminate();
      });
    }
    backlogged = waiting;
  }, intervalMs);
  return () => clearInterval(timer);
}
