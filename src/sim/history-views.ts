import { D, type Dec, floatFixed, floatFloor, str, sum } from "./decimal.js";
import { SimError } from "./errors.js";
import { changeTexts, floatPrice } from "./float-text.js";
import { COL, type Col, candleAt, type HistorySeries, openTime, text, value } from "./history-file.js";
import { priceAt, rangeOver } from "./history-path.js";
import type { HistorySource, HistorySymbol } from "./history-source.js";
import { floorOpen, INTERVALS, type Interval, nextOpen, selectOpens } from "./klines.js";
import type { KlineQuery, PublicMarket, PublicViews } from "./public-views.js";

const DAY_MS = 86_400_000;

/**
 * The public answers of the history market. No look-ahead: klines list only candles that closed at or before
 * the virtual now, stricter on purpose than MEXC, which also serves the open candle (a replay must not learn a
 * candle's high, low or close before it ends). Tickers and the book follow the path up to now only; volumes count
 * closed candles only, since the open candle's volume is known only at its close.
 */
export class HistoryViews implements PublicViews<HistorySymbol> {
  /** Rows of base candles already formatted, per series (see RowRing). */
  private readonly rings = new Map<HistorySeries, RowRing>();

  constructor(private readonly src: HistorySource) {}

  exchangeInfo(list: HistorySymbol[], nowMs: number): unknown {
    return {
      timezone: "CST",
      serverTime: nowMs,
      rateLimits: [],
      exchangeFilters: [],
      symbols: list.map((e) => e.info),
    };
  }

  depth(e: HistorySymbol, limit: number, nowMs: number): unknown {
    const take = (side: "bids" | "asks"): string[][] => {
      const out: string[][] = [];
      for (const l of this.src.levels(e.symbol, side, nowMs)) {
        if (out.length >= limit) break;
        out.push([str(l.price), str(l.qty)]);
      }
      return out;
    };
    return { lastUpdateId: nowMs, bids: take("bids"), asks: take("asks") };
  }

  /** Closed candles of `interval`, the history's own or a longer one built from it. */
  klines(e: HistorySymbol, interval: Interval, opts: KlineQuery, nowMs: number): unknown[] {
    const s = e.series;
    if (!builtFrom(interval, s.interval))
      throw new SimError(
        400,
        -1121,
        `Invalid interval: this history market has ${s.interval} candles; ask for ${s.interval} or a longer interval.`,
      );
    const first = openTime(s, 0);
    const end = Math.min(nowMs, nextOpen(s.interval, openTime(s, s.n - 1)));
    // Opens up to the candle before the one containing `end`: each of them ended at or before it.
    // Named fields, not a spread of opts: the spread was most of a klines answer's time.
    const opens = selectOpens(interval, {
      startTime: opts.startTime,
      endTime: opts.endTime,
      limit: opts.limit,
      nowMs: floorOpen(interval, end) - 1,
      firstMs: first,
    });
    const rows: unknown[] = [];
    const ring = interval === s.interval ? this.ring(s) : undefined;
    for (const open of opens) {
      const close = nextOpen(interval, open);
      if (open < first || close > end) continue;
      rows.push(ring ? ring.row(open, close) : candle(s, open, close));
    }
    return rows;
  }

  private ring(s: HistorySeries): RowRing {
    let ring = this.rings.get(s);
    if (!ring) {
      ring = new RowRing(s);
      this.rings.set(s, ring);
    }
    return ring;
  }

  ticker24(e: HistorySymbol, nowMs: number): Record<string, unknown> {
    const s = e.series;
    const pp = e.rule.pricePrecision;
    const from = nowMs - DAY_MS;
    const last = this.src.lastText(e.symbol, nowMs);
    const startPrice = priceAt(s, from) ?? priceAt(s, openTime(s, 0));
    const open = last !== undefined && startPrice !== undefined ? floatPrice(startPrice, pp) : last;
    const r = last !== undefined ? rangeOver(s, from, nowMs) : undefined;
    const lastN = last !== undefined ? Number(last) : 0;
    const fmt = (x: number | undefined): string => (x === undefined ? "" : floatFixed(x, pp));
    const vol = closedVolume(s, from, nowMs);
    const { bid, ask } = this.src.top(e.symbol, nowMs);
    const { change, percent } =
      last !== undefined && open !== undefined ? changeTexts(last, open) : { change: "", percent: "0" };
    return {
      symbol: e.symbol,
      priceChange: change,
      priceChangePercent: percent,
      prevClosePrice: open ?? "",
      lastPrice: last ?? "",
      bidPrice: bid ? bid.price : "",
      bidQty: bid ? bid.qty : "",
      askPrice: ask ? ask.price : "",
      askQty: ask ? ask.qty : "",
      openPrice: open ?? "",
      highPrice: fmt(r ? Math.max(r.hi, lastN) : undefined),
      lowPrice: fmt(r ? Math.min(r.lo, lastN) : undefined),
      volume: floatFloor(vol.v, s.volumeDecimals),
      quoteVolume: floatFloor(vol.qv, pp),
      openTime: from,
      closeTime: nowMs,
      count: null,
    };
  }

  tickerPrice(e: HistorySymbol, nowMs: number): { symbol: string; price: string } {
    return { symbol: e.symbol, price: this.src.lastText(e.symbol, nowMs) ?? "" };
  }

  bookTicker(e: HistorySymbol, nowMs: number): Record<string, string> {
    const { bid, ask } = this.src.top(e.symbol, nowMs);
    return {
      symbol: e.symbol,
      bidPrice: bid ? bid.price : "",
      bidQty: bid ? bid.qty : "",
      askPrice: ask ? ask.price : "",
      askQty: ask ? ask.qty : "",
    };
  }
}

export function historyMarket(src: HistorySource): PublicMarket<HistorySymbol> {
  return {
    views: new HistoryViews(src),
    find: (symbol) => src.get(symbol),
    all: () => src.all(),
    defaultSymbols: () => src.apiSymbols(),
  };
}

/** Can candles of `interval` be built whole from candles of `base` (same or longer, on the same boundaries)? */
function builtFrom(interval: Interval, base: Interval): boolean {
  const rank = (i: Interval): number => INTERVALS.indexOf(i);
  if (rank(interval) < rank(base)) return false;
  // Weeks do not split into months; everything up to a day splits both.
  return !(interval === "1M" && base === "1W");
}

/**
 * The last RING_SIZE base rows served of one series, by candle index. A replay's scanner asks every pair for its
 * last 100 candles at each close, 99 of them formatted at the close before; a ring (not a map of every row) keeps
 * a year of 50 pairs from holding millions of rows. Rows are never changed after they are built (the answer is
 * only serialized), so one array may be served many times.
 */
const RING_SIZE = 512;
class RowRing {
  private readonly at = new Float64Array(RING_SIZE).fill(Number.NaN);
  private readonly rows: unknown[][] = new Array(RING_SIZE);

  constructor(private readonly s: HistorySeries) {}

  row(open: number, close: number): unknown[] {
    const slot = Math.floor(open / (close - open)) % RING_SIZE;
    if (this.at[slot] === open) return this.rows[slot] as unknown[];
    const row = candle(this.s, open, close);
    this.at[slot] = open;
    this.rows[slot] = row;
    return row;
  }
}

/** One MEXC kline row from the base candles in [open, close): the file's own texts for a base candle. */
function candle(s: HistorySeries, open: number, close: number): unknown[] {
  const i0 = candleAt(s, open);
  const i1 = candleAt(s, close - 1);
  let hi = i0;
  let lo = i0;
  for (let i = i0 + 1; i <= i1; i++) {
    if (value(s, i, COL.h) > value(s, hi, COL.h)) hi = i;
    if (value(s, i, COL.l) < value(s, lo, COL.l)) lo = i;
  }
  const total = (col: Col): string => {
    if (i0 === i1) return text(s, i0, col);
    const parts: Dec[] = [];
    for (let i = i0; i <= i1; i++) parts.push(new D(text(s, i, col)));
    return str(sum(parts));
  };
  return [
    open,
    text(s, i0, COL.o),
    text(s, hi, COL.h),
    text(s, lo, COL.l),
    text(s, i1, COL.c),
    total(COL.v),
    close,
    total(COL.qv),
  ];
}

/** Volume and quote volume of the candles that opened at or after `from` and closed by `to`. */
function closedVolume(s: HistorySeries, from: number, to: number): { v: number; qv: number } {
  let v = 0;
  let qv = 0;
  let i = Math.max(candleAt(s, from), 0);
  if (i < s.n && openTime(s, i) < from) i++;
  for (; i < s.n && nextOpen(s.interval, openTime(s, i)) <= to; i++) {
    v += value(s, i, COL.v);
    qv += value(s, i, COL.qv);
  }
  return { v, qv };
}
