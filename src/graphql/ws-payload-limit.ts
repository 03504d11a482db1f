/**
 * graphql-ws messages get the HTTP body limit (`graphql.maxBodyBytes`): `ws` refuses a longer
 * message as soon as its frame header announces it (`maxPayload`), before buffering it, and closes
 * the connection with 1009 (Message Too Big). This is the socket class the endpoint's server uses
 * so that the client also learns why: `ws` sends that close without a reason, and then reports
 * the client's oversized message as a socket error, which graphql-ws logs to the console as an
 * internal error of ours.
 */
import { WebSocket } from 'ws';

export const MESSAGE_TOO_BIG = 1009;

/** `ws`'s error code for a message over `maxPayload`. */
const TOO_LONG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

export function payloadLimitedWebSocket(maxPayload: number): typeof WebSocket {
  return class PayloadLimitedWebSocket extends WebSocket {
    override close(code?: number, reason?: string | Buffer): void {
      super.close(code, code === MESSAGE_TOO_BIG && reason === undefined ? `message larger than ${maxPayload} bytes` : reason);
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error' && (args[0] as { code?: unknown } | undefined)?.code === TOO_LONG) return false;
      return super.emit(event, ...args);
    }
  };
}
