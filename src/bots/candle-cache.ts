import {
  FIXED_KLINE_INTERVAL_MS,
  type IndicatorCandle,
  type KlineInterval,
  type MexcClient,
} from "../api/index.js";

/**
 * The last `limit` candles of each (symbol, interval) a bot reads at every run, kept between runs so a run asks
 * MEXC only for what is new: from the last kept candle's open time on. That candle comes again (it may have been
 * the open one) and replaces the kept one; the newer ones are appended. Of 100 candles 99 are closed and never
 * change, and MEXC's docs ("Kline/Candlestick Data", mexcdevelop/apidocs source/index.html.md) say klines are
 * uniquely identified by their open time, which is what the join below relies on.
 *
 * Anything short of a clean join asks for the whole series again, as before: nothing kept, another limit, an
 * answer that does not start at the kept candle's open time or re-opens it at another price, a gap or other
 * spacing between open times, an answer that may have been cut at its limit, or a kept series older than
 * `limit` intervals (the new one would not reach back to it). Monthly candles have no fixed length and are
 * always read whole.
 */

const MINUTE = 60_000;
/** Interval lengths in ms; weeks open on Monday 00:00 UTC, so consecutive ones are 7 days apart. */
const INTERVAL_MS: Partial<Record<KlineInterval, number>> = {
  ...FIXED_KLINE_INTERVAL_MS,
  "1W": 10_080 * MINUTE,
};
/** MEXC's largest klines limit ("Kline/Candlestick Data": default 500, max 1000). */
const MAX_LIMIT = 1000;

export type CandleReader = Pick<MexcClient, "klines">;

export interface CandleCacheOptions {
  client: CandleReader;
  /**
   * Series kept at most; the least recently read goes first. It should exceed the pairs one run reads: a run
   * that reads more than are kept evicts each series before the next run needs it and saves nothing.
   */
  maxEntries?: number;
}

/** How many reads were answered how, for reports and benchmarks. */
export interface CandleCacheStats {
  /** Reads that asked for the whole series (nothing usable kept, or the join failed). */
  full: number;
  /** Reads that asked only from the last kept candle on and joined. */
  incremental: number;
  /** Incremental answers that did not join, then read whole (counted in `full` too). */
  fallbacks: number;
}

interface Entry {
  interval: KlineInterval;
  limit: number;
  candles: readonly IndicatorCandle[];
  /** Runtime-clock time of the last read: series not read for `limit` intervals are dropped. */
  usedAt: number;
}

export class CandleCache {
  private readonly client: CandleReader;
  private readonly maxEntries: number;
  /** Insertion order is recency: a read moves its key to the end. */
  private readonly entries = new Map<string, Entry>();
  private sweptAt = Number.NEGATIVE_INFINITY;
  readonly stats: CandleCacheStats = { full: 0, incremental: 0, fallbacks: 0 };

  constructor(opts: CandleCacheOptions) {
    this.client = opts.client;
    this.maxEntries = opts.maxEntries ?? 2_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The last `limit` candles of `symbol`, oldest first, as `client.klines(symbol, interval, { limit })` would
   * answer; `now` is the runtime clock's time, used only to judge how old a kept series is. A failed request
   * throws as the client does, and the kept series stays as it was. The answer is the kept series itself, frozen:
   * callers read it (the indicators), and a copy for each pair at every scan was garbage that nobody changed.
   */
  async candles(
    symbol: string,
    interval: KlineInterval,
    limit: number,
    now: number,
  ): Promise<readonly IndicatorCandle[]> {
    const key = `${symbol} ${interval}`;
    const len = INTERVAL_MS[interval];
    this.sweep(now);
    const kept = this.entries.get(key);
    let series: readonly IndicatorCandle[] | undefined;
    if (len !== undefined && kept && kept.limit === limit && kept.interval === interval) {
      const last = kept.candles[kept.candles.length - 1];
      if (last && now - last.openTime < limit * len) series = await this.extend(symbol, kept, last, len);
    }
    // A joined series is evenly spaced by construction (the kept one was, the fresh part was checked, and it
    // starts at the kept last candle): only a whole read is checked here.
    let keep = series !== undefined;
    if (!series) {
      this.stats.full++;
      series = await this.client.klines(symbol, interval, { limit });
      keep = len !== undefined && series.length > 0 && ascending(series, len);
    }
    this.entries.delete(key);
    if (keep) {
      this.entries.set(key, { interval, limit, candles: series, usedAt: now });
      this.evict();
    }
    return Object.freeze(series);
  }

  /** The kept series joined with the candles from `last` on, or undefined when they do not join cleanly. */
  private async extend(
    symbol: string,
    kept: Entry,
    last: IndicatorCandle,
    len: number,
  ): Promise<readonly IndicatorCandle[] | undefined> {
    const ask = Math.min(kept.limit + 1, MAX_LIMIT);
    // MEXC's docs: startTime and endTime go together (see client.klineCells). The end is where `ask` candles
    // from the start would end; the exchange answers none that opens after its own now.
    const fresh = await this.client.klines(symbol, kept.interval, {
      startTime: last.openTime,
      endTime: last.openTime + ask * len,
      limit: ask,
    });
    const first = fresh[0];
    const joins =
      first !== undefined &&
      first.openTime === last.openTime &&
      first.open === last.open &&
      fresh.length < ask &&
      ascending(fresh, len);
    if (!joins) {
      this.stats.fallbacks++;
      return undefined;
    }
    this.stats.incremental++;
    return joined(kept.candles, fresh, kept.limit);
  }

  /** Drops series not read for as long as they could still be joined: the next read would be whole anyway. */
  private sweep(now: number): void {
    if (now - this.sweptAt < MINUTE) return;
    this.sweptAt = now;
    for (const [key, e] of this.entries) {
      const len = INTERVAL_MS[e.interval] ?? 0;
      if (now - e.usedAt >= e.limit * len) this.entries.delete(key);
    }
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}

/**
 * The kept candles without their last one, then the fresh ones, cut to the newest `limit`: built in one array, not
 * sliced and concatenated (three arrays a pair at every scan, all garbage but one).
 */
function joined(
  kept: readonly IndicatorCandle[],
  fresh: readonly IndicatorCandle[],
  limit: number,
): IndicatorCandle[] {
  const keptUsed = kept.length - 1;
  const total = keptUsed + fresh.length;
  const from = Math.max(0, total - limit);
  // push, not new Array(n): a preallocated array stays "holey" for V8, and every later read of it checks for holes.
  const out: IndicatorCandle[] = [];
  for (let i = from; i < keptUsed; i++) out.push(kept[i] as IndicatorCandle);
  for (let i = Math.max(0, from - keptUsed); i < fresh.length; i++) out.push(fresh[i] as IndicatorCandle);
  return out;
}

/** Open times exactly one interval apart, oldest first: no gap, no repeat, no other interval. */
function ascending(candles: readonly IndicatorCandle[], len: number): boolean {
  for (let i = 1; i < candles.length; i++) {
    const prev = candles[i - 1];
    const cur = candles[i];
    if (!prev || !cur || cur.openTime - prev.openTime !== len) return false;
  }
  return true;
}
