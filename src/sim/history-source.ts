import { readdirSync } from "node:fs";
import { D, type Dec, floatFixed } from "./decimal.js";
import { floatPrice } from "./float-text.js";
import { bookShape, historyBookSide, historyTop, type LevelText, levelQty } from "./history-book.js";
import { COL, candleAt, type HistorySeries, loadSeries, openTime, value } from "./history-file.js";
import { priceAt, rangeOver } from "./history-path.js";
import { defaultInfo, loadInfoFile } from "./history-rules.js";
import { type Interval, isInterval, nextOpen } from "./klines.js";
import { MINUTE_MS } from "./price-path.js";
import { type Level, type MarketSource, type RestingChunk, ruleFromInfo, type SymbolRule } from "./source.js";

export interface HistoryOptions {
  /** Folder of `<SYMBOL>-<interval>.csv` files (and optionally exchangeInfo.json), as `npm run history` writes. */
  dir: string;
  interval: string;
  /** Default: every `*-<interval>.csv` in the folder. */
  symbols?: string[];
}

/** One symbol of the history: its candles, its exchangeInfo object and the rules parsed from it. */
export interface HistorySymbol {
  symbol: string;
  series: HistorySeries;
  info: Record<string, unknown>;
  rule: SymbolRule;
}

/**
 * The history market: recorded candles replayed on the virtual clock. Prices follow the intra-candle path of
 * history-path.ts, the book is history-book.ts's model, and resting orders fill where the path crossed them.
 */
export class HistorySource implements MarketSource {
  readonly kind = "history" as const;
  readonly interval: Interval;
  private readonly entries = new Map<string, HistorySymbol>();

  constructor(opts: HistoryOptions) {
    if (!isInterval(opts.interval))
      throw new Error(
        `history interval "${opts.interval}" is not one of MEXC's (1m 5m 15m 30m 60m 4h 1d 1W 1M)`,
      );
    this.interval = opts.interval;
    const symbols = opts.symbols ?? listSymbols(opts.dir, opts.interval);
    if (symbols.length === 0)
      throw new Error(
        `no history in ${opts.dir} for interval ${opts.interval}: expected files named <SYMBOL>-${opts.interval}.csv ` +
          "(write them with `npm run history -- fetch`)",
      );
    const infos = loadInfoFile(opts.dir);
    const api = new Set(symbols);
    for (const symbol of symbols) {
      const series = loadSeries(opts.dir, symbol, this.interval);
      const info = infos.get(symbol) ?? defaultInfo(series);
      this.entries.set(symbol, { symbol, series, info, rule: ruleFromInfo(info, api) });
    }
  }

  async prepare(): Promise<void> {}

  get(symbol: string): HistorySymbol | undefined {
    return this.entries.get(symbol);
  }

  all(): HistorySymbol[] {
    return [...this.entries.values()];
  }

  rule(symbol: string): SymbolRule | undefined {
    return this.entries.get(symbol)?.rule;
  }

  apiSymbols(): string[] {
    return this.all()
      .filter((e) => e.rule.apiTradable)
      .map((e) => e.symbol);
  }

  /** From the latest first open to the earliest end of a last candle: where every symbol has candles. */
  range(): { fromMs: number; toMs: number } | undefined {
    let fromMs = Number.NEGATIVE_INFINITY;
    let toMs = Number.POSITIVE_INFINITY;
    for (const { series: s } of this.entries.values()) {
      fromMs = Math.max(fromMs, openTime(s, 0));
      toMs = Math.min(toMs, nextOpen(s.interval, openTime(s, s.n - 1)));
    }
    return fromMs < toMs ? { fromMs, toMs } : undefined;
  }

  mid(symbol: string, nowMs: number): number | undefined {
    const e = this.entries.get(symbol);
    return e ? priceAt(e.series, nowMs) : undefined;
  }

  lastPrice(symbol: string, nowMs: number): Dec | undefined {
    const e = this.entries.get(symbol);
    const p = e ? priceAt(e.series, nowMs) : undefined;
    return e && p !== undefined ? new D(floatFixed(p, e.rule.pricePrecision)) : undefined;
  }

  /** lastPrice in wire form, without the Decimal. */
  lastText(symbol: string, nowMs: number): string | undefined {
    const e = this.entries.get(symbol);
    const p = e ? priceAt(e.series, nowMs) : undefined;
    return e && p !== undefined ? floatPrice(p, e.rule.pricePrecision) : undefined;
  }

  /** The best level of each side in wire form, as `levels` would print them (history-book.ts historyTop). */
  top(symbol: string, nowMs: number): { bid: LevelText | undefined; ask: LevelText | undefined } {
    const e = this.entries.get(symbol);
    const mid = e ? priceAt(e.series, nowMs) : undefined;
    if (!e || mid === undefined) return { bid: undefined, ask: undefined };
    const shape = bookShape(e.series, Math.min(candleAt(e.series, nowMs), e.series.n));
    return historyTop(shape, mid, e.rule.pricePrecision, e.rule.basePrecision);
  }

  levels(symbol: string, side: "bids" | "asks", nowMs: number): Iterable<Level> {
    const e = this.entries.get(symbol);
    const mid = e ? priceAt(e.series, nowMs) : undefined;
    if (!e || mid === undefined) return [];
    const shape = bookShape(e.series, Math.min(candleAt(e.series, nowMs), e.series.n));
    return historyBookSide(shape, mid, side, e.rule.pricePrecision, e.rule.basePrecision);
  }

  /**
   * Whole minutes after `afterMinute` (and before the current one) in which the path brought the other side of
   * the book to `price`, one top level's size each, then possibly the current instant. Candles whose range never
   * reached the price are skipped whole.
   */
  *restingChunks(
    symbol: string,
    side: "BUY" | "SELL",
    price: Dec,
    afterMinute: number,
    nowMs: number,
  ): Generator<RestingChunk> {
    const e = this.entries.get(symbol);
    if (!e) return;
    const s = e.series;
    const px = price.toNumber();
    const nowMin = Math.floor(nowMs / MINUTE_MS);
    const endMin = Math.min(nowMin, nextOpen(s.interval, openTime(s, s.n - 1)) / MINUTE_MS);
    // A buy rests below the ask: it fills when the ask (path price plus half the spread) comes down to it.
    const crosses = (lo: number, hi: number, half: number): boolean =>
      side === "BUY" ? lo * (1 + half) <= px : hi * (1 - half) >= px;
    let m = Math.max(afterMinute + 1, openTime(s, 0) / MINUTE_MS);
    while (m < endMin) {
      const i = candleAt(s, m * MINUTE_MS);
      const shape = bookShape(s, i);
      const stop = Math.min(nextOpen(s.interval, openTime(s, i)) / MINUTE_MS, endMin);
      if (!crosses(value(s, i, COL.l), value(s, i, COL.h), shape.half)) {
        m = stop;
        continue;
      }
      for (; m < stop; m++) {
        const r = rangeOver(s, m * MINUTE_MS, (m + 1) * MINUTE_MS);
        if (!r || !crosses(r.lo, r.hi, shape.half)) continue;
        const qty = levelQty(shape, side === "BUY" ? r.lo : r.hi, 0, e.rule.basePrecision);
        yield { minute: m, timeMs: m * MINUTE_MS + MINUTE_MS / 2, qty };
      }
    }
    for (const best of this.levels(symbol, side === "BUY" ? "asks" : "bids", nowMs)) {
      const reached =
        side === "BUY" ? best.price.lessThanOrEqualTo(price) : best.price.greaterThanOrEqualTo(price);
      if (reached) yield { minute: nowMin, timeMs: nowMs, qty: best.qty };
      break;
    }
  }
}

/** Symbols with a `<SYMBOL>-<interval>.csv` file in `dir`, sorted. */
export function listSymbols(dir: string, interval: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`history folder ${dir} cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const suffix = `-${interval}.csv`;
  return names
    .filter((n) => n.endsWith(suffix) && n.length > suffix.length)
    .map((n) => n.slice(0, -suffix.length))
    .sort();
}

/**
 * Commissions in MX are valued through MXUSDT, and a quote other than USDT through its USDT pair (fees.ts): a
 * history without those pairs would silently charge in the asset received instead, so it is refused.
 */
export function checkFeePairs(src: HistorySource, feeAsset: string): void {
  if (feeAsset !== "MX") return;
  const needed = new Set(["MXUSDT"]);
  for (const e of src.all()) if (e.rule.quoteAsset !== "USDT") needed.add(`${e.rule.quoteAsset}USDT`);
  const missing = [...needed].filter((s) => !src.get(s));
  if (missing.length > 0)
    throw new Error(
      `fees in MX need ${missing.join(" and ")} in the history to value them; ` +
        `add ${missing.map((s) => `${s}-${src.interval}.csv`).join(", ")} (npm run history -- fetch) or charge fees in quote`,
    );
}
