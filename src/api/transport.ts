import type { SafeCause } from "./errors.js";
import type { Method } from "./weights.js";

export interface HttpRequest {
  readonly method: Method;
  /** Full URL including the signed query string: it must reach the wire untouched. */
  readonly url: string;
  /**
   * Sent exactly as given (Content-Type included, see wireHeaders in endpoint-facts.ts): a transport may add only what carries the
   * request (Host, Connection, Content-Length, a User-Agent), never drop or replace one of these.
   */
  readonly headers: Readonly<Record<string, string>>;
  /* No body: every parameter is in the signed query string, and MEXC signs query + body. */
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Client clock just before sending and just after the answer (for the time-sync midpoint). */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** Real wall time of the round trip, for measuring the client's own overhead. */
  readonly httpMs: number;
}

/**
 * A request that got no HTTP answer. Holds only what is safe to print: a code and a message with any URL removed
 * (an AxiosError carries the request headers, X-MEXC-APIKEY among them, and the signed URL).
 */
export class TransportFailure extends Error {
  override readonly name = "TransportFailure";
  constructor(
    readonly safe: SafeCause,
    /** False when the request certainly never left for the server (refused, DNS failure). */
    readonly mayHaveReachedServer: boolean,
    readonly httpMs: number,
  ) {
    super(safe.message);
  }
}

/** Sends one HTTP request. Swappable so a replay can bind the client to an in-process exchange without sockets. */
export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close?(): void;
}

export const NEVER_SENT: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_INVALID_URL",
]);

/** Removes URLs (they may carry a signature) and bounds the length. */
export function scrubMessage(message: string): string {
  return message
    .replace(/https?:\/\/\S+/gi, "<url>")
    .replace(/signature=[0-9a-f]+/gi, "signature=<redacted>")
    .slice(0, 300);
}

export function toSafeCause(err: unknown): SafeCause {
  const rec = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const code = typeof rec.code === "string" ? rec.code : undefined;
  const message = scrubMessage(typeof rec.message === "string" ? rec.message : String(err));
  return code !== undefined ? { code, message } : { message };
}
