import { FIXED_KLINE_INTERVAL_MS, KLINE_INTERVALS, type KlineInterval } from "../api/index.js";

/**
 * The kline calendar of MEXC's intervals: fixed lengths align to the epoch (so to UTC midnight), weeks open on
 * Monday 00:00 UTC, months on the 1st (docs "Kline/Candlestick Data", ENUM "Kline Interval": 1m 5m 15m 30m 60m 4h
 * 1d 1W 1M; note 60m, not 1h).
 */
const DAY = 86_400_000;
const FIXED = FIXED_KLINE_INTERVAL_MS;

/** Names other exchanges' files use for the same candles (Binance: 1h, 1w, 1mo). */
const ALIASES: Record<string, KlineInterval> = { "1h": "60m", "1w": "1W", "1mo": "1M" };

export function parseInterval(s: string): KlineInterval | undefined {
  if ((KLINE_INTERVALS as readonly string[]).includes(s)) return s as KlineInterval;
  return ALIASES[s];
}

export const INTERVAL_LIST = KLINE_INTERVALS.join(" ");

/** Open time of the candle containing `ms`. */
export function floorOpen(interval: KlineInterval, ms: number): number {
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

export function nextOpen(interval: KlineInterval, open: number): number {
  const len = FIXED[interval];
  if (len !== undefined) return open + len;
  if (interval === "1W") return open + 7 * DAY;
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The first open at or after `ms`. */
export function ceilOpen(interval: KlineInterval, ms: number): number {
  const f = floorOpen(interval, ms);
  return f < ms ? nextOpen(interval, f) : f;
}

export function isOpenTime(interval: KlineInterval, ms: number): boolean {
  return floorOpen(interval, ms) === ms;
}

/** Candles opening in [from, to). */
export function countOpens(interval: KlineInterval, from: number, to: number): number {
  const len = FIXED[interval];
  const first = ceilOpen(interval, from);
  if (first >= to) return 0;
  if (len !== undefined) return Math.ceil((to - first) / len);
  let n = 0;
  for (let t = first; t < to; t = nextOpen(interval, t)) n++;
  return n;
}

/** The open `n` candles after `open`. */
export function openAfter(interval: KlineInterval, open: number, n: number): number {
  const len = FIXED[interval];
  if (len !== undefined) return open + n * len;
  let t = open;
  for (let i = 0; i < n; i++) t = nextOpen(interval, t);
  return t;
}

/** "2025-03-04 05:15" (UTC): how rows are named in messages. */
export function utc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
