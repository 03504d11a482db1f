/**
 * What the REST benchmark hands its bare baseline server (bench/bare-server.ts): the canned
 * responses, by request path, and the log line the server prints once it listens.
 */

export const BARE_READY_MSG = 'bare server is serving';

/** One canned response; the body is base64 so any bytes survive the JSON file. */
export interface CannedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  bodyBase64: string;
}

/** The routes file: request path (with query) -> response. */
export type Routes = Record<string, CannedResponse>;
