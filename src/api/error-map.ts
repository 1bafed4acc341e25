import type { ApiErrorInit, ApiErrorKind, SafeCause } from "./errors.js";

/**
 * MEXC's error codes sorted into the kinds the rest of the program acts on, with advice a person can follow.
 * The table follows /work/shared/reference/mexc-spot-api.md ("Error codes worth handling") and the docs' own
 * table (spot v3, "General Info → Error Code"), which gives each code's text quoted below.
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
    10095, 10096, 10097, 10098, 10102, 30001, 30002, 30003, 30010, 30014, 30025, 30026, 30027, 30028, 30029,
    30032, 30041,
  ],
);
// Docs: 30018 "market order is disabled", 30019 "api market order is disabled"; the live exchange also answers
// 30051 "api market order is disabled" (hummingbot #6932; mexcdevelop/mexc-api-sdk #20 and ccxt #12696 show 30019).
kindFor("market-order-disabled", [30018, 30019, 30051]);
// Docs: 30000 "suspended transaction for the symbol", 30016 "trading disabled".
kindFor("symbol-suspended", [30000, 30016]);
// Docs: 700004 "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null" (the reference page
// also lists it for a missing signature), 700008 "Illegal characters found in parameter"; 700013 "Invalid content
// Type." is not in the docs' table but answers a POST labelled form-urlencoded (mexcdevelop/mexc-api-sdk #68,
// hummingbot #6867/#6875). Each means the request was built wrong: resending it unchanged can only fail again.
kindFor("client-bug", [700004, 700008, 700013]);
// 400 is ambiguous: "api key required" in MEXC's table, but also "amount scale is invalid" on live answers.
kindFor("auth", [401, 602, 10072, 700001, 700002, 700006, 700007, 30020]);
kindFor("bad-symbol", [10007, -1121, 30021]);
kindFor("unknown-order", [-2011, -2013]);

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
  30018:
    "MEXC does not accept MARKET orders on this symbol: place a LIMIT order instead, or skip the symbol.",
  30019:
    "MEXC does not accept MARKET orders through the API on this symbol: place a LIMIT order instead " +
    "(e.g. at the best ask for a buy), or skip the symbol.",
  30051:
    "MEXC does not accept MARKET orders through the API on this symbol: place a LIMIT order instead " +
    "(e.g. at the best ask for a buy), or skip the symbol.",
  30000:
    "Trading on this symbol is suspended: nothing was placed; skip it until exchangeInfo shows it online again.",
  30016: "Trading is disabled for this symbol: skip it until exchangeInfo shows it online.",
  700004:
    "A mandatory parameter (the signature, or orderId/origClientOrderId) did not reach MEXC: a bug in this " +
    "program or in a proxy that rewrote the request. Not retried; report it with this log line.",
  700008:
    "A parameter holds characters MEXC refuses (client order ids allow letters, digits and -_.): a bug in this " +
    "program. Not retried; report it with this log line.",
  700013:
    'MEXC refused the request\'s Content-Type ("Invalid content Type."): a bug in this program or in a proxy ' +
    "between it and MEXC; signed POST/DELETE must carry Content-Type: application/json with an empty body. " +
    "Not retried: no order or cancel can succeed until it is fixed; report it with this log line.",
  10096: "Too many decimal places: round with roundQuantity()/roundPrice() from the symbol rules.",
  10007: "Unknown symbol: check the name against exchangeInfo and defaultSymbols.",
  30021: "Invalid symbol: check the name against exchangeInfo and defaultSymbols.",
  // -1121 "Invalid symbol." is Binance's code, which MEXC also sends (not in MEXC's table; ccxt maps it to BadSymbol).
  [-1121]:
    "Invalid symbol: MEXC does not know this name (misspelt, renamed or delisted): check it against exchangeInfo " +
    "and defaultSymbols.",
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
  "market-order-disabled":
    "MEXC refuses MARKET orders on this symbol: place a LIMIT order instead, or skip it.",
  "symbol-suspended":
    "Trading on this symbol is suspended: skip it until exchangeInfo shows it online again.",
  "client-bug":
    "MEXC refused how the request was built: a bug in this program (or a proxy); not retried. Report it with this log line.",
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
  // -2010 "duplicate": an order with this client id exists, so the intent may well be placed (a proxy resent the
  // POST, or an earlier attempt got through): looked up by its client id, never taken for a refusal.
  const duplicate = special !== undefined && f.code === -2010 && f.mayHavePlacedOrder;
  const kind = duplicate ? "unknown-outcome" : (special?.kind ?? kindOf(f));
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
  // Only MEXC itself refuses an order for certain. An answer to the POST without MEXC's error code (a gateway's
  // 400, 404 or 408 page) or with a code for MEXC's own trouble (503 "service unavailable" and the like, with any
  // HTTP status) does not prove the order was not placed; MEXC's docs say as much of every 5XX ("the execution
  // status is UNKNOWN and could have been a success"). It is looked up, never taken for a no. 401 and 403 (a WAF
  // limit, per the docs) are answered before the order is read.
  if (
    f.mayHavePlacedOrder &&
    (f.code === undefined ? f.status !== 401 && f.status !== 403 : byCode === "unavailable")
  )
    return "unknown-outcome";
  if (byCode) return byCode;
  if (f.msg !== undefined && MAINTENANCE.test(f.msg)) return "unavailable";
  if (f.status === 401) return "auth";
  return "rejected";
}

/**
 * Maintenance answers do not always use one of the codes above: some carry only a text (under `message`, not
 * `msg`), with whatever HTTP status the gateway picked. Read by the words, after every code.
 */
const MAINTENANCE = /maintenance|maintaining|system upgrade|upgrading/i;

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
  /** `msg`, or `message` when the answer names it so (maintenance pages and gateways do). */
  msg?: string;
}

export function readMexcError(body: unknown): MexcErrorBody | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const rec = body as Record<string, unknown>;
  const code =
    typeof rec.code === "number" ? rec.code : typeof rec.code === "string" ? Number(rec.code) : undefined;
  const msg =
    typeof rec.msg === "string" ? rec.msg : typeof rec.message === "string" ? rec.message : undefined;
  if (code === undefined && msg === undefined) return undefined;
  return {
    ...(code !== undefined && Number.isFinite(code) ? { code } : {}),
    ...(msg !== undefined ? { msg } : {}),
  };
}

/**
 * MEXC sometimes answers an error with HTTP 200: a body that is only {code, msg} (or {code, message}) with a code
 * other than 0/200, or a maintenance text without any code.
 */
export function looksLikeErrorOnly(body: unknown): boolean {
  const rec = body as Record<string, unknown>;
  const onlyErrorKeys = Object.keys(rec).every(
    (k) =>
      k === "code" ||
      k === "msg" ||
      k === "message" ||
      k === "timestamp" ||
      (k === "success" && rec[k] === false) ||
      (k === "data" && rec[k] == null),
  );
  if (!onlyErrorKeys) return false;
  if (rec.code === undefined) {
    const text = typeof rec.msg === "string" ? rec.msg : rec.message;
    return typeof text === "string" && MAINTENANCE.test(text);
  }
  const code = Number(rec.code);
  return Number.isFinite(code) && code !== 0 && code !== 200;
}

/** Retry-After in seconds, or as an HTTP date. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
