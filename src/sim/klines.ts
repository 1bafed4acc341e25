/**
 * MEXC kline intervals and their calendar: fixed-length ones align to the epoch (so to UTC midnight), weeks
 * open on Monday 00:00 UTC, months on the 1st. `60m`, not `1h`, as MEXC names it.
 */
export const INTERVALS = ["1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M"] as const;
export type Interval = (typeof INTERVALS)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;
const FIXED: Partial<Record<Interval, number>> = {
  "1m": MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "60m": 60 * MINUTE,
  "4h": 240 * MINUTE,
  "1d": DAY,
};

/** Length of every candle of `interval` in ms; undefined for months, which differ. */
export function fixedLength(interval: Interval): number | undefined {
  return interval === "1W" ? 7 * DAY : FIXED[interval];
}

export function isInterval(s: string): s is Interval {
  return (INTERVALS as readonly string[]).includes(s);
}

/** Open time of the candle containing `ms`. */
export function floorOpen(interval: Interval, ms: number): number {
  const len = FIXED[interval];
  if (len !== undefined) return Math.floor(ms / len) * len;
  if (interval === "1W") {
    const day = Math.floor(ms / DAY);
    // 1970-01-05 (epoch day 4) was a Monday.
    return (day - ((((day - 4) % 7) + 7) % 7)) * DAY;
  }
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextOpen(interval: Interval, open: number): number {
  const len = fixedLength(interval);
  if (len !== undefined) return open + len;
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function prevOpen(interval: Interval, open: number): number {
  const len = fixedLength(interval);
  if (len !== undefined) return open - len;
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
}

/**
 * Open times a klines request selects, oldest first: from startTime (first open at or after it) forwards, or
 * else the last `limit` candles up to endTime (or now); never a candle opening after now or closing before
 * `firstMs` (the listing).
 */
export function selectOpens(
  interval: Interval,
  opts: { startTime?: number; endTime?: number; limit: number; nowMs: number; firstMs: number },
): number[] {
  const last = floorOpen(interval, Math.min(opts.endTime ?? opts.nowMs, opts.nowMs));
  const opens: number[] = [];
  if (opts.startTime !== undefined) {
    let t = floorOpen(interval, opts.startTime);
    if (t < opts.startTime) t = nextOpen(interval, t);
    if (nextOpen(interval, t) <= opts.firstMs) t = floorOpen(interval, opts.firstMs);
    while (t <= last && opens.length < opts.limit) {
      opens.push(t);
      t = nextOpen(interval, t);
    }
    return opens;
  }
  let t = last;
  while (opens.length < opts.limit && nextOpen(interval, t) > opts.firstMs) {
    opens.push(t);
    t = prevOpen(interval, t);
  }
  return opens.reverse();
}
