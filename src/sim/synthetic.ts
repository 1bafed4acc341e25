import { bookSide, levelQty } from "./book.js";
import { D, type Dec, floatFixed } from "./decimal.js";
import { MINUTE_MS, PathCache, PricePath, type Regime } from "./price-path.js";
import { type Level, type MarketSource, type RestingChunk, ruleFromInfo, type SymbolRule } from "./source.js";
import type { SymbolOptions } from "./symbol-options.js";
import { COMMISSION_PRECISION, type SymbolSpec, Universe } from "./universe.js";

/** The seeded market: a universe of symbols, one price path each, books derived from the path. */
export class SyntheticSource implements MarketSource {
  readonly kind = "synthetic" as const;
  readonly universe: Universe;
  private readonly paths: PricePath[];
  private readonly rules = new Map<string, SymbolRule>();
  private regimesAdded = 0;

  constructor(seed: number, generatedAlts: number, opts: SymbolOptions = {}, cache = new PathCache()) {
    this.universe = new Universe(seed, generatedAlts, opts);
    this.paths = this.universe.specs.map((s) => new PricePath(s.index, s.market, cache));
    const api = new Set(this.universe.defaultSymbols());
    for (const s of this.universe.specs) {
      const rule = ruleFromInfo(symbolInfo(s), api);
      this.rules.set(s.symbol, { ...rule, apiMarketDisabled: s.apiMarketDisabled });
    }
  }

  async prepare(): Promise<void> {}

  spec(symbol: string): SymbolSpec | undefined {
    return this.universe.get(symbol);
  }

  path(spec: SymbolSpec): PricePath {
    return this.paths[spec.index] as PricePath;
  }

  rule(symbol: string): SymbolRule | undefined {
    return this.rules.get(symbol);
  }

  apiSymbols(): string[] {
    return this.universe.defaultSymbols();
  }

  mid(spec: SymbolSpec, nowMs: number): number {
    return this.path(spec).priceAt(nowMs);
  }

  lastPrice(symbol: string, nowMs: number): Dec | undefined {
    const spec = this.spec(symbol);
    if (!spec) return undefined;
    const pp = Math.min(spec.quotePrecision, spec.quoteAssetPrecision);
    return new D(floatFixed(this.mid(spec, nowMs), pp));
  }

  levels(symbol: string, side: "bids" | "asks", nowMs: number): Iterable<Level> {
    const spec = this.spec(symbol);
    if (!spec) return [];
    return bookSide(spec, this.mid(spec, nowMs), Math.floor(nowMs / MINUTE_MS), side);
  }

  *restingChunks(
    symbol: string,
    side: "BUY" | "SELL",
    price: Dec,
    afterMinute: number,
    nowMs: number,
  ): Generator<RestingChunk> {
    const spec = this.spec(symbol);
    if (!spec) return;
    const path = this.path(spec);
    const half = spec.market.spreadBps / 2 / 10_000;
    const px = price.toNumber();
    const nowMin = Math.floor(nowMs / MINUTE_MS);
    // A buy rests below the ask: it fills when the ask (trade price plus half the spread) comes down to it.
    const crosses =
      side === "BUY"
        ? (c: { l: number }) => c.l * (1 + half) <= px
        : (c: { h: number }) => c.h * (1 - half) >= px;
    for (const m of path.crossingMinutes(afterMinute + 1, nowMin, crosses)) {
      const c = path.minute(m);
      const qty = levelQty(spec, side === "BUY" ? c.l : c.h, m, 0, side === "BUY" ? "asks" : "bids");
      yield { minute: m, timeMs: m * MINUTE_MS + MINUTE_MS / 2, qty };
    }
    for (const best of this.levels(symbol, side === "BUY" ? "asks" : "bids", nowMs)) {
      const reached =
        side === "BUY" ? best.price.lessThanOrEqualTo(price) : best.price.greaterThanOrEqualTo(price);
      if (reached) yield { minute: nowMin, timeMs: nowMs, qty: best.qty };
      break;
    }
  }

  regime(symbol: string, r: Regime): void {
    const spec = this.spec(symbol);
    if (!spec) throw new Error(`unknown symbol ${symbol}`);
    this.path(spec).addRegime(r);
    this.regimesAdded++;
  }

  /** Changes with every regime added: an answer formatted from the paths before it (market-views.ts) is stale. */
  get revision(): number {
    return this.regimesAdded;
  }
}

/** exchangeInfo's object for one symbol, field for field as MEXC sends it. */
export function symbolInfo(s: SymbolSpec): Record<string, unknown> {
  return {
    symbol: s.symbol,
    status: s.status,
    baseAsset: s.baseAsset,
    baseAssetPrecision: s.baseAssetPrecision,
    quoteAsset: s.quoteAsset,
    quotePrecision: s.quotePrecision,
    quoteAssetPrecision: s.quoteAssetPrecision,
    baseCommissionPrecision: COMMISSION_PRECISION,
    quoteCommissionPrecision: COMMISSION_PRECISION,
    orderTypes: s.orderTypes,
    isSpotTradingAllowed: s.isSpotTradingAllowed,
    isMarginTradingAllowed: false,
    quoteAmountPrecision: s.quoteAmountPrecision,
    baseSizePrecision: s.baseSizePrecision,
    permissions: ["SPOT"],
    filters: s.priceBand ? [{ filterType: "PERCENT_PRICE_BY_SIDE", ...s.priceBand }] : [],
    maxQuoteAmount: s.maxQuoteAmount,
    makerCommission: s.makerCommission,
    takerCommission: s.takerCommission,
    quoteAmountPrecisionMarket: s.quoteAmountPrecisionMarket,
    maxQuoteAmountMarket: s.maxQuoteAmountMarket,
    fullName: s.fullName,
    tradeSideType: s.tradeSideType,
    st: false,
    quoteOrderQtyMarketAllowed: s.quoteOrderQtyMarketAllowed,
  };
}
