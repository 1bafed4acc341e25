import type { ApiErrorInit, ApiErrorKind, SafeCause } from "./errors.js";

/**
 * MEXC's error codes sorted into the kinds the rest of the program acts on, with advice a person can follow.
 * The table follows /work/shared/reference/mexc-spot-api.md ("Error codes worth handling").
 */

const CODE_KIND = new Map<number, ApiErrorKind>();
function kindFor(kind: ApiErrorKind, codes: number[]): void {
  for (const c of codes) CODE_KIND.set(c, kind);
}
kindFor("clock", [700003, 700005, 10073]);
kindFor("rate-limited", [429, 510]);
kindFor("unavailable", [503, 501, 604, 801, 11444]);
kindFor("insufficient-funds", [10101, 30004, 30005, 2005]);
kindFor(
  "invalid-order",
  [
    10095, 10096, 10097, 10098, 10102, 30001, 30002, 30003, 30010, 30014, 30016, 30018, 30019, 30025, 30026,
    30027, 30028, 30029, 30032, 30041, 700004,
  ],
);
// 400 is ambiguous: "api key required" in MEXC's table, but also "amount scale is invalid" on live answers.
kindFor("auth", [401, 602, 10072, 700001, 700002, 700006, 700007, 30020]);
kindFor("bad-symbol", [10007, -1121, 30021]);
kindFor("unknown-order", [-2011, -2013]);
// Undocumented, seen on the live exchange for symbols whose MARKET orders are off for API users (hummingbot #6932).
kindFor("market-order-disabled", [30051]);

/** Advice for codes where a generic sentence would not tell the user what to do. */
const CODE_HELP: Record<number, string> = {
  400: "The API key is missing: set it in the environment.",
  401: "The API key has no permission for this call: enable it in MEXC → API Management.",
  602: "The signature was refused: check that the API secret belongs to this API key.",
  700001: "The API key is malformed: copy it again from MEXC → API Management.",
  700002: "The signature was refused: check that the API secret belongs to this API key.",
  700003:
    "The request's timestamp fell outside recvWindow: the local clock differs from MEXC's. " +
    "The client resyncs and resends once by itself; if this persists, check the system clock (NTP).",
  700005: "recvWindow is too large: configure at most 60000 ms (5000 recommended).",
  700006: "This server's IP is not on the API key's whitelist: add it in MEXC → API Management.",
  700007: "The API key lacks the permission for this endpoint: enable it in MEXC → API Management.",
  10072: "The API key is not valid: create or copy a valid key in MEXC → API Management.",
  30020:
    "The API key may not trade this symbol: check the key's symbol permissions in MEXC → API Management.",
  10101: "Insufficient balance: reduce the order or free funds (open orders lock their balance).",
  30004: "Insufficient position: sell at most the free balance of the base asset.",
  30005:
    "Oversold: the sell exceeds the free balance after fees; sell the free amount rounded down to the step.",
  2005: "Insufficient balance: reduce the order or free funds (open orders lock their balance).",
  30002:
    "Below the symbol's minimum: check the order with checkOrder() against the symbol rules before sending.",
  30003: "Above the symbol's maximum: split the order or reduce it below maxQuoteAmount.",
  30001: "This side is not allowed on the symbol right now (tradeSideType): skip the order.",
  30018: "Market orders are disabled for this symbol: use a LIMIT order.",
  30019: "Market orders through the API are disabled for this symbol: use a LIMIT order.",
  30051:
    "MARKET orders through the API are disabled for this symbol: use a LIMIT order (the scanner falls back to one).",
  30000: "Trading is suspended for this symbol: skip it until exchangeInfo shows it online.",
  30016: "Trading is disabled for this symbol: skip it until exchangeInfo shows it online.",
  10096: "Too many decimal places: round with roundQuantity()/roundPrice() from the symbol rules.",
  10007: "Unknown symbol: check the name against exchangeInfo and defaultSymbols.",
  30021: "Invalid symbol: check the name against exchangeInfo and defaultSymbols.",
  [-1121]: "Invalid symbol: check the name against exchangeInfo and defaultSymbols.",
  [-2011]:
    "MEXC does not know this order (never placed, already cancelled or filled, or too old): fetch it by client id " +
    "before concluding anything.",
  [-2013]: "MEXC does not know this order: it may not be visible yet; look it up again by client id later.",
};

const KIND_HELP: Record<ApiErrorKind, string> = {
  rejected: "MEXC refused the request; it was not processed.",
  "insufficient-funds": "Reduce the order or free funds.",
  "invalid-order":
    "The order breaks the symbol's rules: round and check it with the symbol rules before sending.",
  "rate-limited":
    "Every call is paused until the limit resets; if this repeats, lower the client's weight budget.",
  banned:
    "MEXC banned this IP for exceeding rate limits; no call can succeed until the ban ends. Lower the request rate.",
  auth: "Check the API key, its secret, its permissions and its IP whitelist in MEXC → API Management.",
  clock: "Check the system clock (NTP).",
  "unknown-outcome":
    "The order may or may not exist: do NOT resend it; look it up by its client order id until the outcome is known.",
  unavailable: "MEXC is unavailable (maintenance or overload): try again later.",
  network: "Could not reach MEXC: check the network and the base URL.",
  "bad-response":
    "MEXC answered with an unexpected shape: the API may have changed; report it with this message.",
  "unknown-order": "Fetch the order by client id before concluding anything.",
  "bad-symbol": "Check the symbol against exchangeInfo and defaultSymbols.",
  "market-order-disabled": "MARKET orders are disabled for this symbol: use a LIMIT order.",
};

export interface HttpFailure {
  endpoint: string;
  status: number;
  /** MEXC's `code` from the body, when the body had one. */
  code?: number;
  /** MEXC's `msg` from the body (already scrubbed of secrets). */
  msg?: string;
  /** True for POST /api/v3/order: a server-side failure may still have placed the order. */
  mayHavePlacedOrder: boolean;
  clientOrderId?: string;
  untilMs?: number;
}

export function classifyHttp(f: HttpFailure): ApiErrorInit {
  const base = {
    endpoint: f.endpoint,
    status: f.status,
    ...(f.code !== undefined ? { code: f.code } : {}),
    ...(f.clientOrderId !== undefined ? { clientOrderId: f.clientOrderId } : {}),
    ...(f.untilMs !== undefined ? { untilMs: f.untilMs } : {}),
  };
  const detail = f.msg?.trim() || `HTTP ${f.status}`;
  const special =
    f.status < 500 && f.status !== 429 && f.status !== 418 ? byMessage(f.code, detail) : undefined;
  const kind = special?.kind ?? kindOf(f);
  let help = special?.help ?? (f.code !== undefined ? CODE_HELP[f.code] : undefined) ?? KIND_HELP[kind];
  if (kind === "unknown-outcome") {
    help = `The order may have been placed: do NOT resend it; look it up by clientOrderId ${f.clientOrderId ?? "(none)"}.`;
  } else if (kind === "banned" || kind === "rate-limited") {
    const until = f.untilMs !== undefined ? ` until ${new Date(f.untilMs).toISOString()}` : "";
    help =
      kind === "banned"
        ? `${KIND_HELP.banned} Banned${until}.`
        : `${KIND_HELP["rate-limited"]} Paused${until}.`;
  }
  return { ...base, kind, detail, help };
}

/** Codes whose meaning depends on the message. */
function byMessage(code: number | undefined, msg: string): { kind: ApiErrorKind; help: string } | undefined {
  if (code === 400 && /scale|precision|decimal/i.test(msg)) {
    return { kind: "invalid-order", help: CODE_HELP[10096]! };
  }
  if (code === 400 && /api.?key/i.test(msg)) return { kind: "auth", help: CODE_HELP[400]! };
  if (code === -2010 && /duplicate/i.test(msg)) {
    return {
      kind: "rejected",
      help: "An order with this client id already exists: look it up by client id instead of placing it again.",
    };
  }
  return undefined;
}

function kindOf(f: HttpFailure): ApiErrorKind {
  if (f.status === 418) return "banned";
  if (f.status === 429) return "rate-limited";
  // 5xx: MEXC's docs say the outcome is unknown. For an order that is the one thing we must never hide.
  if (f.status >= 500) return f.mayHavePlacedOrder ? "unknown-outcome" : "unavailable";
  const byCode = f.code !== undefined ? CODE_KIND.get(f.code) : undefined;
  if (byCode) return byCode;
  if (f.status === 401) return "auth";
  return "rejected";
}

export interface NetworkFailure {
  endpoint: string;
  cause: SafeCause;
  /** False when the request certainly never reached MEXC (connection refused, DNS failure). */
  mayHaveReachedServer: boolean;
  mayHavePlacedOrder: boolean;
  clientOrderId?: string;
}

export function classifyNetwork(f: NetworkFailure): ApiErrorInit {
  const what = f.cause.code ? `${f.cause.code}: ${f.cause.message}` : f.cause.message;
  if (f.mayHavePlacedOrder && f.mayHaveReachedServer) {
    return {
      kind: "unknown-outcome",
      endpoint: f.endpoint,
      detail: `no answer (${what})`,
      help: `The order may have been placed: do NOT resend it; look it up by clientOrderId ${f.clientOrderId ?? "(none)"}.`,
      cause: f.cause,
      ...(f.clientOrderId !== undefined ? { clientOrderId: f.clientOrderId } : {}),
    };
  }
  return {
    kind: "network",
    endpoint: f.endpoint,
    detail: what,
    help: KIND_HELP.network,
    cause: f.cause,
    ...(f.clientOrderId !== undefined ? { clientOrderId: f.clientOrderId } : {}),
  };
}

export function badResponse(endpoint: string, detail: string, status?: number): ApiErrorInit {
  return {
    kind: "bad-response",
    endpoint,
    detail,
    help: KIND_HELP["bad-response"],
    ...(status !== undefined ? { status } : {}),
  };
}

// ---- reading MEXC's error answers ----

export interface MexcErrorBody {
  code?: number;
  msg?: string;
}

export function readMexcError(body: unknown): MexcErrorBody | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const rec = body as Record<string, unknown>;
  const code =
    typeof rec.code === "number" ? rec.code : typeof rec.code === "string" ? Number(rec.code) : undefined;
  const msg = typeof rec.msg === "string" ? rec.msg : undefined;
  if (code === undefined && msg === undefined) return undefined;
  return {
    ...(code !== undefined && Number.isFinite(code) ? { code } : {}),
    ...(msg !== undefined ? { msg } : {}),
  };
}

/** MEXC sometimes answers an error with HTTP 200: a body that is only {code, msg} with a code other than 0/200. */
export function looksLikeErrorOnly(body: unknown): boolean {
  const rec = body as Record<string, unknown>;
  const code = Number(rec.code);
  if (!Number.isFinite(code) || code === 0 || code === 200) return false;
  return Object.keys(rec).every(
    (k) => k === "code" || k === "msg" || k === "timestamp" || (k === "data" && rec[k] == null),
  );
}

/** Retry-After in seconds, or as an HTTP date. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
