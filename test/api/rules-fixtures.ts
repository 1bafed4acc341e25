import { D } from "../../src/api/decimal.js";
import type { SymbolInfo } from "../../src/api/types.js";

/** A symbol as exchangeInfo describes it, with overridable fields. */
export function symbolInfo(over: Partial<SymbolInfo> = {}): SymbolInfo {
  return {
    symbol: "BTCUSDT",
    status: "1",
    baseAsset: "BTC",
    quoteAsset: "USDT",
    baseAssetPrecision: 6,
    quotePrecision: 2,
    quoteAssetPrecision: 2,
    baseSizePrecision: new D("0.000001"),
    quoteAmountPrecision: new D("1"),
    quoteAmountPrecisionMarket: new D("1"),
    maxQuoteAmount: new D("2000000"),
    maxQuoteAmountMarket: new D("100000"),
    makerCommission: new D("0"),
    takerCommission: new D("0.0005"),
    orderTypes: ["LIMIT", "MARKET", "LIMIT_MAKER"],
    isSpotTradingAllowed: true,
    permissions: ["SPOT"],
    tradeSideType: "1",
    ...over,
  };
}
