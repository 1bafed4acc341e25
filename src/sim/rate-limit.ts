/**
 * MEXC's limits: every endpoint has its own budget of weight per sliding window, counted per IP for public
 * endpoints and per account for signed ones. A client that breaks a budget gets 429 with Retry-After; one that
 * keeps sending during that back-off gets its IP banned (418) for `banMs`.
 */

export interface RateLimitOptions {
  enabled: boolean;
  windowMs: number;
  budget: number;
  banMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  enabled: true,
  windowMs: 10_000,
  budget: 500,
  banMs: 120_000,
};

/** Weight charged to one counter, e.g. `ip:127.0.0.1|GET /api/v3/depth` or `uid:key|POST /api/v3/order`. */
export interface Charge {
  scope: string;
  weight: number;
}

export type Verdict = { ok: true } | { ok: false; status: 429 | 418; retryAfterSec: number };

interface Window {
  times: number[];
  weights: number[];
  total: number;
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
      const w = this.window(c.scope, now);
      if (w.total + c.weight > this.options.budget) retryAt = Math.max(retryAt, this.freeAt(w, c.weight));
    }
    if (retryAt > 0) {
      const retryAfterSec = secondsUntil(retryAt, now);
      this.backoffUntil.set(ip, now + retryAfterSec * 1000);
      return { ok: false, status: 429, retryAfterSec };
    }
    for (const c of charges) {
      const w = this.window(c.scope, now);
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

  private window(scope: string, now: number): Window {
    let w = this.windows.get(scope);
    if (!w) {
      w = { times: [], weights: [], total: 0 };
      this.windows.set(scope, w);
    }
    let drop = 0;
    while (drop < w.times.length && (w.times[drop] as number) <= now - this.options.windowMs) {
      w.total -= w.weights[drop] as number;
      drop++;
    }
    if (drop > 0) {
      w.times.splice(0, drop);
      w.weights.splice(0, drop);
    }
    return w;
  }

  /** The instant at which enough of the window has expired for `weight` more to fit. */
  private freeAt(w: Window, weight: number): number {
    let total = w.total;
    for (let i = 0; i < w.times.length; i++) {
      total -= w.weights[i] as number;
      if (total + weight <= this.options.budget) return (w.times[i] as number) + this.options.windowMs;
    }
    return (w.times[w.times.length - 1] ?? 0) + this.options.windowMs;
  }
}

function secondsUntil(t: number, now: number): number {
  return Math.max(1, Math.ceil((t - now) / 1000));
}
