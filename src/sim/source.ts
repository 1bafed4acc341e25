import { D, type Dec, minDec } from "./decimal.js";

/** A symbol's trading rules as the engine enforces them, parsed from exchangeInfo (synthetic or upstream). */
export interface SymbolRule {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  status: string;
  tradeSideType: string;
  /** isSpotTradingAllowed and listed in defaultSymbols. */
  apiTradable: boolean;
  orderTypes: string[];
  basePrecision: number;
  /** Price tick and quoteOrderQty decimals: the coarser of quotePrecision and quoteAssetPrecision. */
  pricePrecision: number;
  minQty: Dec;
  minNotional: Dec;
  minNotionalMarket: Dec;
  maxQuote: Dec;
  maxQuoteMarket: Dec;
  maker: Dec;
  taker: Dec;
  /** PERCENT_PRICE_BY_SIDE multipliers against the last price (symbol-options.ts). */
  bidMultiplierUp: Dec | undefined;
  askMultiplierDown: Dec | undefined;
  quoteOrderQtyMarketAllowed: boolean;
  /** API market orders refused with 30051 (not visible in exchangeInfo). */
  apiMarketDisabled: boolean;
}

export interface Level {
  price: Dec;
  qty: Dec;
}

/** Liquidity that reached a resting order's price in one minute (or at the current instant). */
export interface RestingChunk {
  minute: number;
  timeMs: number;
  qty: Dec;
}

/**
 * Where the market comes from: the seeded generator, an upstream MEXC-compatible exchange (paper mode), or
 * recorded history (history-source.ts).
 * Everything the engine reads is synchronous; `prepare` fetches what a request will need beforehand.
 */
export interface MarketSource {
  readonly kind: "synthetic" | "upstream" | "history";
  prepare(symbols: readonly string[]): Promise<void>;
  rule(symbol: string): SymbolRule | undefined;
  /** Symbols tradable through the API (defaultSymbols). */
  apiSymbols(): string[];
  lastPrice(symbol: string, nowMs: number): Dec | undefined;
  /** One side of the book, best level first, generated lazily so a market order stops when filled. */
  levels(symbol: string, side: "bids" | "asks", nowMs: number): Iterable<Level>;
  /**
   * Chunks of liquidity reaching a resting order at `price`: whole minutes after `afterMinute` whose range
   * crossed it, then possibly the current instant. Earliest first.
   */
  restingChunks(
    symbol: string,
    side: "BUY" | "SELL",
    price: Dec,
    afterMinute: number,
    nowMs: number,
  ): Iterable<RestingChunk>;
}

/** Parses one exchangeInfo symbol object, as MEXC sends it, into the engine's rules. */
export function ruleFromInfo(
  s: Record<string, unknown>,
  apiSymbols: ReadonlySet<string> | undefined,
): SymbolRule {
  const num = (v: unknown, def: number): number => {
    const n = typeof v === "number" ? v : Number(v);
    return Number.isFinite(n) ? n : def;
  };
  const dec = (v: unknown, def: string): Dec => {
    const t = typeof v === "string" || typeof v === "number" ? String(v) : def;
    try {
      return new D(t === "" ? def : t);
    } catch {
      return new D(def);
    }
  };
  const symbol = String(s.symbol);
  const quotePrecision = num(s.quotePrecision, 8);
  const quoteAssetPrecision = num(s.quoteAssetPrecision, quotePrecision);
  const maxQuote = dec(s.maxQuoteAmount, "1e30");
  const filters = Array.isArray(s.filters) ? (s.filters as Record<string, unknown>[]) : [];
  const band = filters.find(
    (f) => f !== null && typeof f === "object" && f.filterType === "PERCENT_PRICE_BY_SIDE",
  );
  const multiplier = (v: unknown): Dec | undefined =>
    v === undefined || v === null || v === "" ? undefined : dec(v, "0");
  // exchangeInfo said "ENABLED" before 2024-08 (hummingbot #7174); both mean online.
  const status = String(s.status ?? "1");
  return {
    symbol,
    baseAsset: String(s.baseAsset),
    quoteAsset: String(s.quoteAsset),
    status: status === "ENABLED" ? "1" : status,
    tradeSideType: String(s.tradeSideType ?? "1"),
    apiTradable: s.isSpotTradingAllowed !== false && (apiSymbols === undefined || apiSymbols.has(symbol)),
    orderTypes: Array.isArray(s.orderTypes) ? s.orderTypes.map(String) : ["LIMIT", "MARKET"],
    basePrecision: num(s.baseAssetPrecision, 8),
    pricePrecision: Math.min(quotePrecision, quoteAssetPrecision),
    minQty: dec(s.baseSizePrecision, "0"),
    minNotional: dec(s.quoteAmountPrecision, "0"),
    minNotionalMarket: dec(s.quoteAmountPrecisionMarket ?? s.quoteAmountPrecision, "0"),
    maxQuote,
    maxQuoteMarket: minDec(dec(s.maxQuoteAmountMarket ?? s.maxQuoteAmount, "1e30"), maxQuote),
    maker: dec(s.makerCommission, "0"),
    taker: dec(s.takerCommission, "0"),
    bidMultiplierUp: multiplier(band?.bidMultiplierUp),
    askMultiplierDown: multiplier(band?.askMultiplierDown),
    quoteOrderQtyMarketAllowed: s.quoteOrderQtyMarketAllowed !== false,
    apiMarketDisabled: false,
  };
}
