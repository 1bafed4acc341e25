import type { Logger } from "./alerts.js";
import type { BucketLimit, CeilingChange } from "./limiter.js";
import { Priority } from "./weights.js";

/**
 * The pools MEXC may count a request against, and how full the client lets each get. The readings disagree, so every
 * default is the strictest one (see /work/shared/reference/mexc-spot-api.md "Rate limits"):
 * - per endpoint, per IP (public endpoints): 500 weight per 10 s in the docs (General Info, "LIMITS"); a ccxt reviewer
 *   reads 300 (ccxt PR #22879). Default 300.
 * - per endpoint, per account (signed endpoints): 500 weight per 10 s (docs, "LIMITS").
 * - all requests together: 20 per second (MEXC support, JKorf/Mexc.Net #42).
 * - new orders + cancels: about 12 per second per account (docs, "New Order"; JKorf/Mexc.Net #42: 12).
 * - GET /api/v3/account: 2 per second (docs, "Account Information").
 * Every pool keeps `marginPct` of its budget free (rounded to whole weight) for what the client cannot see: another
 * program on the same IP or key. After a 429 the pools the request charged are cut (`cutPct`, never below
 * `floorPct`) and climb back by `climbPct` of their ceiling per whole window without a 429.
 */
export interface RateLimits {
  /** Weight per window on each public endpoint, counted per IP. */
  readonly ipBudget: number;
  /** Weight per window on each signed endpoint, counted per account (UID). */
  readonly uidBudget: number;
  /** The per-endpoint window (ms). */
  readonly windowMs: number;
  /** Requests per second, all endpoints together. */
  readonly requestsPerSecond: number;
  /** New orders + cancels per second. */
  readonly ordersPerSecond: number;
  /** GET /api/v3/account per second. */
  readonly accountPerSecond: number;
  /** Percent of every pool's budget kept free. */
  readonly marginPct: number;
  /** Absolute margin on the per-endpoint pools; when set it replaces `marginPct` there. */
  readonly endpointMargin?: number;
  /** After a 429 a pool's ceiling becomes this percent of what it was; 100 turns the adaptation off. */
  readonly cutPct: number;
  /** A cut never takes a ceiling below this percent of its configured value (at least 1). */
  readonly floorPct: number;
  /** Per whole window without a 429 a lowered ceiling climbs back by this percent of its configured value. */
  readonly climbPct: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  ipBudget: 300,
  uidBudget: 500,
  windowMs: 10_000,
  requestsPerSecond: 20,
  ordersPerSecond: 12,
  accountPerSecond: 2,
  marginPct: 5,
  cutPct: 50,
  floorPct: 10,
  climbPct: 10,
};

/**
 * Requests per second of the global rate that market data leaves to orders and account reads. Without it a scan
 * keeps the pool full and an order waits for the next free slot (up to a second); an order and the lookup of its
 * fill fit in 2.
 */
export const RESERVED_FOR_TRADING = 2;

/** Bucket names, as `chargesFor` (weights.ts) spells them. */
export const POOL = {
  requests: "rate:requests",
  orders: "rate:orders",
  account: "rate:account",
} as const;

/** The limit of every bucket the client's requests charge. */
export function poolLimits(l: RateLimits): (bucket: string) => BucketLimit {
  const pool = (budget: number, windowMs: number, margin?: number): BucketLimit => {
    const kept = margin ?? Math.round((budget * l.marginPct) / 100);
    const ceiling = budget - kept;
    if (!(ceiling >= 1)) {
      throw new RangeError(
        `a rate-limit pool of ${budget} per ${windowMs} ms with margin ${kept} leaves nothing to send: lower the margin`,
      );
    }
    return {
      budget,
      windowMs,
      margin: kept,
      ...(l.cutPct < 100
        ? {
            adaptive: {
              cutPct: l.cutPct,
              floor: Math.max(1, Math.ceil((ceiling * l.floorPct) / 100)),
              step: Math.max(1, Math.round((ceiling * l.climbPct) / 100)),
            },
          }
        : {}),
    };
  };
  const requests: BucketLimit = {
    ...pool(l.requestsPerSecond, 1000),
    reserve: { weight: RESERVED_FOR_TRADING, fromPriority: Priority.market },
    sharedByAll: true,
  };
  const orders = pool(l.ordersPerSecond, 1000);
  const account = pool(l.accountPerSecond, 1000);
  const ip = pool(l.ipBudget, l.windowMs, l.endpointMargin);
  const uid = pool(l.uidBudget, l.windowMs, l.endpointMargin);
  return (bucket) => {
    if (bucket === POOL.requests) return requests;
    if (bucket === POOL.orders) return orders;
    if (bucket === POOL.account) return account;
    return bucket.startsWith("uid:") ? uid : ip;
  };
}

/** One log line per change of a pool's ceiling, not one per request. */
export function logCeilingChange(logger: Logger, c: CeilingChange): void {
  const per = `per ${c.windowMs / 1000} s`;
  if (c.reason === "429") {
    logger.warn(
      { bucket: c.bucket, from: c.from, to: c.to, ceiling: c.ceiling, windowMs: c.windowMs },
      `MEXC 429: ceiling of ${c.bucket} lowered from ${c.from} to ${c.to} ${per}; it climbs back to ${c.ceiling} while no 429 follows`,
    );
  } else {
    logger.info(
      { bucket: c.bucket, to: c.to, windowMs: c.windowMs },
      `ceiling of ${c.bucket} back at ${c.to} ${per}`,
    );
  }
}
