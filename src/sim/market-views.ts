import { D, floatFixed, floatFloor, str } from "./decimal.js";
import { type Interval, nextOpen, selectOpens } from "./klines.js";
import { type Candle, MINUTE_MS } from "./price-path.js";
import type { Level } from "./source.js";
import { type SyntheticSource, symbolInfo } from "./synthetic.js";
import type { SymbolSpec } from "./universe.js";

/** A klines row as MEXC sends it: open time, open, high, low, close, volume, close time, quote volume. */
type Row = readonly (number | string)[];

/**
 * Rows of closed candles kept at most, over all symbols and intervals (a row is about 250 bytes): a scan of 1,000
 * symbols × 100 candles fits, or 2,000 × 100 from the 2,000-alt load check at about 50 MiB.
 */
const MAX_CACHED_ROWS = 200_000;

/**
 * The formatted rows of closed candles, per (symbol, interval). A closed candle of the seeded path never changes,
 * so its row is kept until a regime changes the paths (the source's revision) or room is needed (least recently
 * asked series first). The open candle is never kept: it moves with every millisecond.
 */
class ClosedRows {
  private readonly series = new Map<string, Map<number, Row>>();
  private rows = 0;
  private revision = Number.NaN;

  /** The series of one symbol and interval, emptied first if the market changed since it was filled. */
  of(symbol: string, interval: Interval, revision: number): Map<number, Row> {
    if (revision !== this.revision) {
      this.series.clear();
      this.rows = 0;
      this.revision = revision;
    }
    const key = `${symbol} ${interval}`;
    const found = this.series.get(key);
    if (found) {
      // Map order is the eviction order: asked last, dropped last.
      this.series.delete(key);
      this.series.set(key, found);
      return found;
    }
    const made = new Map<number, Row>();
    this.series.set(key, made);
    return made;
  }

  keep(series: Map<number, Row>, open: number, row: Row): void {
    series.set(open, row);
    this.rows++;
    for (const [key, oldest] of this.series) {
      if (this.rows <= MAX_CACHED_ROWS || oldest === series) break;
      this.rows -= oldest.size;
      this.series.delete(key);
    }
  }
}

/**
 * The last answer per key, kept for the same instant only: the path moves inside a minute (price-path.ts `priceAt`
 * interpolates between minute points), so tickers and the open candle are the same only at the same millisecond
 * and revision. A virtual clock (the soak, tests, replays) asks many of them at one instant; a real one rarely.
 */
class SameInstant<T> {
  private readonly kept = new Map<string, { at: number; revision: number; value: T }>();

  get(key: string, at: number, revision: number, make: () => T): T {
    const k = this.kept.get(key);
    if (k !== undefined && k.at === at && k.revision === revision) return k.value;
    const value = make();
    this.kept.set(key, { at, revision, value });
    return value;
  }
}

/** The public market answers of the synthetic source, shaped and formatted as MEXC sends them. */
export class MarketViews {
  private readonly closed = new ClosedRows();
  private readonly openRows = new SameInstant<Row | undefined>();
  private readonly prices = new SameInstant<string>();
  private readonly tickers = new SameInstant<Record<string, unknown>>();
  private readonly bookTickers = new SameInstant<Record<string, string>>();

  constructor(private readonly src: SyntheticSource) {}

  private pp(spec: SymbolSpec): number {
    return Math.min(spec.quotePrecision, spec.quoteAssetPrecision);
  }

  private price(spec: SymbolSpec, x: number): string {
    return floatFixed(x, this.pp(spec));
  }

  private volume(spec: SymbolSpec, x: number): string {
    return floatFloor(x, spec.baseAssetPrecision);
  }

  private quoteVolume(spec: SymbolSpec, x: number): string {
    return floatFloor(x, this.pp(spec));
  }

  exchangeInfo(specs: SymbolSpec[], nowMs: number): unknown {
    return {
      timezone: "CST",
      serverTime: nowMs,
      rateLimits: [],
      exchangeFilters: [],
      symbols: specs.map(symbolInfo),
    };
  }

  private top(spec: SymbolSpec, side: "bids" | "asks", nowMs: number): Level | undefined {
    for (const l of this.src.levels(spec.symbol, side, nowMs)) return l;
    return undefined;
  }

  depth(spec: SymbolSpec, limit: number, nowMs: number): unknown {
    const take = (side: "bids" | "asks"): string[][] => {
      const out: string[][] = [];
      for (const l of this.src.levels(spec.symbol, side, nowMs)) {
        if (out.length >= limit) break;
        out.push([str(l.price), str(l.qty)]);
      }
      return out;
    };
    return { lastUpdateId: nowMs, bids: take("bids"), asks: take("asks") };
  }

  /** Closed candles come from the cache, the open one from this instant's; rows are frozen, as they are shared. */
  klines(
    spec: SymbolSpec,
    interval: Interval,
    opts: { startTime?: number; endTime?: number; limit: number },
    nowMs: number,
  ): unknown[] {
    const path = this.src.path(spec);
    const opens = selectOpens(interval, { ...opts, nowMs, firstMs: path.listedMinute * MINUTE_MS });
    const revision = this.src.revision;
    const cached = this.closed.of(spec.symbol, interval, revision);
    const rows: unknown[] = [];
    for (const open of opens) {
      const close = nextOpen(interval, open);
      // Closed: every minute of it is whole at nowMs (summarize takes the minute containing nowMs partially). At
      // most one candle of an answer is open, the one containing nowMs: per symbol and interval, one per instant.
      const isClosed = close <= nowMs;
      const hit = isClosed ? cached.get(open) : undefined;
      if (hit) {
        rows.push(hit);
        continue;
      }
      const make = (): Row | undefined =>
        this.row(spec, path.summarize(open / MINUTE_MS, close / MINUTE_MS, nowMs), open, close);
      const row = isClosed ? make() : this.openRows.get(`${spec.symbol} ${interval}`, nowMs, revision, make);
      if (!row) continue;
      if (isClosed) this.closed.keep(cached, open, row);
      rows.push(row);
    }
    return rows;
  }

  private row(spec: SymbolSpec, s: Candle | undefined, open: number, close: number): Row | undefined {
    if (!s) return undefined;
    return Object.freeze([
      open,
      this.price(spec, s.o),
      this.price(spec, s.h),
      this.price(spec, s.l),
      this.price(spec, s.c),
      this.volume(spec, s.v),
      close,
      this.quoteVolume(spec, s.qv),
    ]);
  }

  /** A copy of this instant's: the real-variants pass edits ticker fields in place. */
  ticker24(spec: SymbolSpec, nowMs: number): Record<string, unknown> {
    return {
      ...this.tickers.get(spec.symbol, nowMs, this.src.revision, () => this.makeTicker24(spec, nowMs)),
    };
  }

  private makeTicker24(spec: SymbolSpec, nowMs: number): Record<string, unknown> {
    const path = this.src.path(spec);
    const from = nowMs - 86_400_000;
    const s = path.summarize(Math.floor(from / MINUTE_MS), Math.floor(nowMs / MINUTE_MS) + 1, nowMs);
    const last = this.src.lastPrice(spec.symbol, nowMs) ?? new D(0);
    const open = s ? new D(this.price(spec, s.o)) : last;
    const change = last.minus(open);
    const bid = this.top(spec, "bids", nowMs);
    const ask = this.top(spec, "asks", nowMs);
    return {
      symbol: spec.symbol,
      priceChange: str(change),
      priceChangePercent: open.isZero() ? "0" : str(change.dividedBy(open).toDecimalPlaces(4)),
      prevClosePrice: str(open),
      lastPrice: str(last),
      bidPrice: bid ? str(bid.price) : "",
      bidQty: bid ? str(bid.qty) : "",
      askPrice: ask ? str(ask.price) : "",
      askQty: ask ? str(ask.qty) : "",
      openPrice: str(open),
      highPrice: s ? this.price(spec, s.h) : str(last),
      lowPrice: s ? this.price(spec, s.l) : str(last),
      volume: s ? this.volume(spec, s.v) : "0",
      quoteVolume: s ? this.quoteVolume(spec, s.qv) : "0",
      openTime: from,
      closeTime: nowMs,
      count: null,
    };
  }

  /** The source's lastPrice in wire form, printed straight from the float (no Decimal in between). */
  tickerPrice(spec: SymbolSpec, nowMs: number): { symbol: string; price: string } {
    const price = this.prices.get(spec.symbol, nowMs, this.src.revision, () =>
      this.price(spec, this.src.mid(spec, nowMs)),
    );
    return { symbol: spec.symbol, price };
  }

  bookTicker(spec: SymbolSpec, nowMs: number): Record<string, string> {
    return {
      ...this.bookTickers.get(spec.symbol, nowMs, this.src.revision, () => this.makeBookTicker(spec, nowMs)),
    };
  }

  private makeBookTicker(spec: SymbolSpec, nowMs: number): Record<string, string> {
    const bid = this.top(spec, "bids", nowMs);
    const ask = this.top(spec, "asks", nowMs);
    return {
      symbol: spec.symbol,
      bidPrice: bid ? str(bid.price) : "",
      bidQty: bid ? str(bid.qty) : "",
      askPrice: ask ? str(ask.price) : "",
      askQty: ask ? str(ask.qty) : "",
    };
  }
}
