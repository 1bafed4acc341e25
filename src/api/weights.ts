/**
 * Every endpoint the client calls, with the weight MEXC charges and how it is counted. MEXC counts each endpoint
 * separately: its own weight budget per 10 s, per IP for public endpoints and per account (UID) for signed ones
 * (docs, "LIMITS"). New-order and cancel additionally share about 12 requests/s per account, account information is
 * limited to 2/s, and MEXC support counts all requests together at 20/s (JKorf/Mexc.Net #42); those get buckets of
 * their own. The budgets of every bucket are in rate-limits.ts.
 */

export type Method = "GET" | "POST" | "DELETE";

/** Lower runs first when requests queue: orders must not wait behind a scan of 2,000 klines. */
export const Priority = { order: 0, account: 1, market: 2 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

export interface EndpointSpec {
  readonly method: Method;
  readonly path: string;
  readonly signed: boolean;
  readonly weight: number;
  /** Weight when called without a symbol (all symbols at once). */
  readonly weightAll?: number;
  readonly priority: Priority;
  /** Idempotent requests are retried on transient failures; POST /api/v3/order never is. */
  readonly idempotent: boolean;
  /** True only for placing an order: any failure after the request may have left the server is an unknown outcome. */
  readonly placesOrder?: boolean;
  /** Extra per-second buckets this endpoint also draws from. */
  readonly rate?: "orders" | "account";
}

function spec(method: Method, path: string, rest: Omit<EndpointSpec, "method" | "path">): EndpointSpec {
  return { method, path, ...rest };
}

const market = { signed: false, priority: Priority.market, idempotent: true } as const;
const read = { signed: true, priority: Priority.account, idempotent: true } as const;

export const ENDPOINTS = {
  ping: spec("GET", "/api/v3/ping", { ...market, weight: 1 }),
  time: spec("GET", "/api/v3/time", { ...market, priority: Priority.order, weight: 1 }),
  defaultSymbols: spec("GET", "/api/v3/defaultSymbols", { ...market, weight: 1 }),
  exchangeInfo: spec("GET", "/api/v3/exchangeInfo", { ...market, weight: 10 }),
  depth: spec("GET", "/api/v3/depth", { ...market, weight: 1 }),
  klines: spec("GET", "/api/v3/klines", { ...market, weight: 1 }),
  ticker24hr: spec("GET", "/api/v3/ticker/24hr", { ...market, weight: 1, weightAll: 40 }),
  tickerPrice: spec("GET", "/api/v3/ticker/price", { ...market, weight: 1, weightAll: 2 }),
  bookTicker: spec("GET", "/api/v3/ticker/bookTicker", { ...market, weight: 1 }),
  newOrder: spec("POST", "/api/v3/order", {
    signed: true,
    priority: Priority.order,
    idempotent: false,
    placesOrder: true,
    weight: 1,
    rate: "orders",
  }),
  // Validates without placing: nothing to duplicate, so retrying is safe.
  testOrder: spec("POST", "/api/v3/order/test", { ...read, priority: Priority.order, weight: 1 }),
  // Cancelling twice is harmless: the second answers "unknown order", which the caller resolves by lookup.
  cancelOrder: spec("DELETE", "/api/v3/order", {
    ...read,
    priority: Priority.order,
    weight: 1,
    rate: "orders",
  }),
  // Docs "Cancel all Open Orders on a Symbol": Weight(IP) 1 and no rate of its own; it is a cancel, and MEXC support
  // counts new orders and cancels together at 12/s (JKorf/Mexc.Net #42), as the simulator does: the stricter reading.
  cancelAllOpenOrders: spec("DELETE", "/api/v3/openOrders", {
    ...read,
    priority: Priority.order,
    weight: 1,
    rate: "orders",
  }),
  getOrder: spec("GET", "/api/v3/order", { ...read, weight: 2 }),
  openOrders: spec("GET", "/api/v3/openOrders", { ...read, weight: 3 }),
  allOrders: spec("GET", "/api/v3/allOrders", { ...read, weight: 10 }),
  account: spec("GET", "/api/v3/account", { ...read, weight: 10, rate: "account" }),
  myTrades: spec("GET", "/api/v3/myTrades", { ...read, weight: 10 }),
  tradeFee: spec("GET", "/api/v3/tradeFee", { ...read, weight: 20 }),
  // Docs "User API default symbol": GET /api/v3/selfSymbols, signed, Weight(IP): 1.
  selfSymbols: spec("GET", "/api/v3/selfSymbols", { ...read, weight: 1 }),
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

/** "POST /api/v3/order": how endpoints are named in errors, logs and limiter buckets. */
export function endpointKey(s: EndpointSpec): string {
  return `${s.method} ${s.path}`;
}

export interface Charge {
  readonly bucket: string;
  readonly weight: number;
}

/** The buckets a call draws from. `allSymbols` selects the heavier weight of ticker endpoints called without symbol. */
export function chargesFor(s: EndpointSpec, allSymbols = false): Charge[] {
  const weight = allSymbols && s.weightAll !== undefined ? s.weightAll : s.weight;
  const key = endpointKey(s);
  const charges: Charge[] = [{ bucket: `${s.signed ? "uid" : "ip"}:${key}`, weight }];
  // MEXC lists POST /api/v3/order as "Weight(IP): 1, Weight(UID): 1": it counts on both sides.
  if (s.placesOrder) charges.push({ bucket: `ip:${key}`, weight });
  if (s.rate) charges.push({ bucket: `rate:${s.rate}`, weight: 1 });
  // Every request, whatever its weight, counts once against the global request rate.
  charges.push({ bucket: "rate:requests", weight: 1 });
  return charges;
}
