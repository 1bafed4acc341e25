/**
 * The only error the MEXC client throws. It carries data (kind, MEXC code, HTTP status, endpoint, client order id)
 * so callers branch on `kind`, and a message written for the person reading the log: what happened and what to do.
 * Modelled on grammY's GrammyError / HttpError, which name the method that failed and keep the reply's description.
 *
 * It never holds anything that can carry a secret: no AxiosError, no request config, no headers, no URL with a
 * query string. `cause` is at most a small `{ code, message }` built by the transport from a network error.
 */

export const API_ERROR_KINDS = [
  "rejected",
  "insufficient-funds",
  "invalid-order",
  "rate-limited",
  "banned",
  "auth",
  "clock",
  "unknown-outcome",
  "unavailable",
  "network",
  "bad-response",
  "unknown-order",
  "bad-symbol",
  /** MARKET orders are not accepted on this symbol through the API (30051): a limit order may be. */
  "market-order-disabled",
] as const;

export type ApiErrorKind = (typeof API_ERROR_KINDS)[number];

/** What is left of a low-level failure once everything that could hold a secret is dropped. */
export interface SafeCause {
  /** e.g. "ECONNRESET", "ETIMEDOUT", "ERR_BAD_RESPONSE". */
  readonly code?: string;
  readonly message: string;
}

export interface ApiErrorInit {
  kind: ApiErrorKind;
  /** "METHOD /path", e.g. "POST /api/v3/order": never the URL with its query string. */
  endpoint: string;
  /** What went wrong, in a few words (MEXC's own `msg` when there is one). */
  detail: string;
  /** What the user or the calling code should do about it. */
  help?: string;
  code?: number;
  status?: number;
  clientOrderId?: string;
  /** For rate limits and bans: when calls may resume (client clock, ms since epoch). */
  untilMs?: number;
  cause?: SafeCause;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly kind: ApiErrorKind;
  readonly endpoint: string;
  readonly detail: string;
  readonly code: number | undefined;
  readonly status: number | undefined;
  readonly clientOrderId: string | undefined;
  readonly untilMs: number | undefined;
  declare readonly cause: SafeCause | undefined;

  constructor(init: ApiErrorInit) {
    super(formatMessage(init), init.cause ? { cause: { ...init.cause } } : undefined);
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.detail = init.detail;
    this.code = init.code;
    this.status = init.status;
    this.clientOrderId = init.clientOrderId;
    this.untilMs = init.untilMs;
  }

  /** Safe to retry for an idempotent request: the failure says nothing about the request itself. */
  get transient(): boolean {
    return this.kind === "network" || this.kind === "unavailable" || this.kind === "rate-limited";
  }

  /** A plain object for structured logs (pino): only fields that cannot hold a secret. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      endpoint: this.endpoint,
      code: this.code,
      status: this.status,
      clientOrderId: this.clientOrderId,
      untilMs: this.untilMs,
      message: this.message,
      cause: this.cause,
    };
  }
}

function formatMessage(init: ApiErrorInit): string {
  const facts: string[] = [init.kind];
  if (init.code !== undefined) facts.push(`code ${init.code}`);
  if (init.status !== undefined) facts.push(`HTTP ${init.status}`);
  if (init.clientOrderId !== undefined) facts.push(`clientOrderId ${init.clientOrderId}`);
  const help = init.help ? ` ${init.help}` : "";
  const detail = init.detail.replace(/[.\s]+$/, "");
  return `${init.endpoint} failed (${facts.join(", ")}): ${detail}.${help}`;
}

export function isApiError(e: unknown, kind?: ApiErrorKind): e is ApiError {
  return e instanceof ApiError && (kind === undefined || e.kind === kind);
}
