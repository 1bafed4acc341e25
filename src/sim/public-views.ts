import type { Interval } from "./klines.js";
import { MarketViews } from "./market-views.js";
import type { SyntheticSource } from "./synthetic.js";
import type { SymbolSpec } from "./universe.js";

export interface KlineQuery {
  startTime?: number;
  endTime?: number;
  limit: number;
}

/**
 * The public market answers of one market, shaped as MEXC sends them, for its own handle on a symbol (`S`).
 * MarketViews (the synthetic market) satisfies it as it is; HistoryViews is the history market's.
 */
export interface PublicViews<S> {
  exchangeInfo(list: S[], nowMs: number): unknown;
  depth(s: S, limit: number, nowMs: number): unknown;
  klines(s: S, interval: Interval, opts: KlineQuery, nowMs: number): unknown[];
  ticker24(s: S, nowMs: number): Record<string, unknown>;
  tickerPrice(s: S, nowMs: number): { symbol: string; price: string };
  bookTicker(s: S, nowMs: number): Record<string, string>;
}

/** A market the public routes serve from: its views, and its symbols. */
export interface PublicMarket<S> {
  views: PublicViews<S>;
  find(symbol: string): S | undefined;
  all(): S[];
  defaultSymbols(): string[];
}

export function syntheticMarket(
  src: SyntheticSource,
  views = new MarketViews(src),
): PublicMarket<SymbolSpec> {
  return {
    views,
    find: (symbol) => src.spec(symbol),
    all: () => src.universe.specs,
    defaultSymbols: () => src.universe.defaultSymbols(),
  };
}
