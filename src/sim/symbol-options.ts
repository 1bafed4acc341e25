/**
 * Per-symbol rules beyond the basic ones, as the newer MEXC docs and reports show them; all configurable.
 *
 * Price bands: exchangeInfo `filters` may hold `{"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5",
 * "askMultiplierDown":"0.2"}` (docs "Exchange Information", change log 2025-09-17 "Update params filters"). The
 * docs' rule: a buy (LIMIT, IMMEDIATE_OR_CANCEL, FILL_OR_KILL) needs `orderPrice <= lastPrice * bidMultiplierUp`,
 * a sell `orderPrice >= lastPrice * askMultiplierDown`, lastPrice being the latest trade price.
 *
 * Market orders: MEXC refuses API market orders on some symbols with `{"code":30051,"msg":"api market order is
 * disabled"}` (hummingbot #6932; the docs' error table lists the same text under 30019), and some symbols carry
 * `quoteOrderQtyMarketAllowed: false` (reference page, "What the real exchange sends").
 */
export interface PriceBand {
  bidMultiplierUp?: string;
  askMultiplierDown?: string;
}

export interface MarketRestriction {
  /** MARKET orders through the API answer 30051. */
  apiMarketDisabled?: boolean;
  /** false: a MARKET order by quoteOrderQty is refused. */
  quoteOrderQtyMarketAllowed?: boolean;
}

/** MEXC does not publish its multipliers per symbol; tight enough that a client's bad limit price meets them. */
export const DEFAULT_PRICE_BANDS: Readonly<Record<string, PriceBand>> = {
  BTCUSDC: { bidMultiplierUp: "1.1", askMultiplierDown: "0.9" },
  ETHUSDC: { bidMultiplierUp: "1.15", askMultiplierDown: "0.85" },
};

export interface SymbolOptions {
  priceBands?: Record<string, PriceBand>;
  /** By default the 6th and 7th generated alts (30051; no quoteOrderQty market orders). */
  marketRestrictions?: Record<string, MarketRestriction>;
}
