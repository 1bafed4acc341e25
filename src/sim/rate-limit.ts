/**
 * MEXC's limits, in their strictest readings (reference page "Rate limits"; every number configurable):
 * - per endpoint, an IP pool and a UID pool, independent: public endpoints weigh on the IP pool, signed ones on
 *   the account's pool, and an endpoint documented as "Weight(IP): 1, Weight(UID): 1" (new order, docs "New
 *   Order") on both. The docs give 500 weight per 10 s per endpoint; a ccxt reviewer reads 300 for IP-limited
 *   endpoints (ccxt PR #22879), so the IP pool defaults to 300 and the UID pool to 500 (hummingbot PR #7998);
 * - all requests of one IP together at most 20 per second, and new orders plus cancels of one account at most
 *   12 per second (what MEXC support told JKorf/Mexc.Net #42; the docs' "New Order" page states the order rate).
 * A client that breaks any of them gets 429 with Retry-After; one that keeps sending during that back-off gets
 * its IP banned (418) for `banMs` (docs "HTTP Return Codes"; bans grow from 2 minutes).
 */

export interface RateLimitOptions {
  enabled: boolean;
  /** Window of the per-endpoint pools. */
  windowMs: number;
  /** Weight per endpoint per IP within `windowMs`. */
  ipBudget: number;
  /** Weight per endpoint per account within `windowMs`. */
  uidBudget: number;
  /** Requests per IP per second, all endpoints together. */
  requestsPerSecond: number;
  /** New orders and cancels per account per second. */
  ordersPerSecond: number;
  banMs: number;
}

/** What callers may set; `budget` is shorthand for both pools (ipBudget and uidBudget win when also given). */
export type RateLimitInput = Partial<RateLimitOptions> & { budget?: number };

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  enabled: true,
  windowMs: 10_000,
  ipBudget: 300,
  uidBudget: 500,
  requestsPerSecond: 20,
  ordersPerSecond: 12,
  banMs: 120_000,
};

export function rateLimitOptions(input: RateLimitInput = {}): RateLimitOptions {
  const { budget, ...rest } = input;
  const pools = budget === undefined ? {} : { ipBudget: budget, uidBudget: budget };
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_RATE_LIMIT, ...pools, ...defined };
}

/** Weight charged to one counter, e.g. `ip:127.0.0.1|GET /api/v3/depth` or `uid:key|POST /api/v3/order`. */
export interface Charge {
  scope: string;
  weight: number;
  windowMs: number;
  budget: number;
}

export type Verdict = { ok: true } | { ok: false; status: 429 | 418; retryAfterSec: number };

interface Window {
  times: number[];
  weights: number[];
  total: number;
}

/** The counters one request meets: its endpoint's pools, the IP's request rate, the account's order rate. */
export function chargesFor(
  o: RateLimitOptions,
  r: {
    ip: string;
    uid: string | undefined;
    endpoint: string;
    ipWeight: number;
    uidWeight: number;
    isOrder: boolean;
  },
): Charge[] {
  const out: Charge[] = [{ scope: `rps:${r.ip}`, weight: 1, windowMs: 1000, budget: o.requestsPerSecond }];
  if (r.ipWeight > 0)
    out.push({
      scope: `ip:${r.ip}|${r.endpoint}`,
      weight: r.ipWeight,
      windowMs: o.windowMs,
      budget: o.ipBudget,
    });
  if (r.uidWeight > 0) {
    const uid = r.uid ?? r.ip;
    out.push({
      scope: `uid:${uid}|${r.endpoint}`,
      weight: r.uidWeight,
      windowMs: o.windowMs,
      budget: o.uidBudget,
    });
    if (r.isOrder) out.push({ scope: `orders:${uid}`, weight: 1, windowMs: 1000, budget: o.ordersPerSecond });
  }
  return out;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly backoffUntil = new Map<string, number>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(readonly options: RateLimitOptions) {}

  check(ip: string, charges: Charge[], now: number): Verdict {
    if (!this.options.enabled) return { ok: true };
    const banned = this.bannedUntil.get(ip);
    if (banned !== undefined && now < banned)
      return { ok: false, status: 418, retryAfterSec: secondsUntil(banned, now) };
    const backoff = this.backoffUntil.get(ip);
    if (backoff !== undefined && now < backoff) {
      const until = now + this.options.banMs;
      this.bannedUntil.set(ip, until);
      this.backoffUntil.delete(ip);
      return { ok: false, status: 418, retryAfterSec: secondsUntil(until, now) };
    }
    let retryAt = 0;
    for (const c of charges) {
      const w = this.window(c, now);
      if (w.total + c.weight > c.budget) retryAt = Math.max(retryAt, freeAt(w, c));
    }
    if (retryAt > 0) {
      const retryAfterSec = secondsUntil(retryAt, now);
      this.backoffUntil.set(ip, now + retryAfterSec * 1000);
      return { ok: false, status: 429, retryAfterSec };
    }
    for (const c of charges) {
      const w = this.window(c, now);
      w.times.push(now);
      w.weights.push(c.weight);
      w.total += c.weight;
    }
    return { ok: true };
  }

  /** Forgets every count, back-off and ban. */
  reset(): void {
    this.windows.clear();
    this.backoffUntil.clear();
    this.bannedUntil.clear();
  }

  private window(c: Charge, now: number): Window {
    let w = this.windows.get(c.scope);
    if (!w) {
      w = { times: [], weights: [], total: 0 };
      this.windows.set(c.scope, w);
    }
    let drop = 0;
    while (drop < w.times.length && (w.times[drop] as number) <= now - c.windowMs) {
      w.total -= w.weights[drop] as number;
      drop++;
    }
    if (drop > 0) {
      w.times.splice(0, drop);
      w.weights.splice(0, drop);
    }
    return w;
  }
}

/** The instant at which enough of the window has expired for the charge to fit. */
function freeAt(w: Window, c: Charge): number {
  let total = w.total;
  for (let i = 0; i < w.times.length; i++) {
    total -= w.weights[i] as number;
    if (total + c.weight <= c.budget) return (w.times[i] as number) + c.windowMs;
  }
  return (w.times[w.times.length - 1] ?? 0) + c.windowMs;
}

function secondsUntil(t: number, now: number): number {
  return Math.max(1, Math.ceil((t - now) / 1000));
}
