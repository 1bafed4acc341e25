import { existsSync, readFileSync } from "node:fs";
import type { HistorySeries } from "./history-file.js";
import { COMMISSION_PRECISION } from "./universe.js";

/** Quote assets a symbol name may end with, longest first so "USDT" is not read as "...USD" + "T". */
const QUOTES = ["USDT", "USDC", "USDE", "USD1", "BTC", "ETH", "EUR", "TRY", "BRL", "MX"];

/**
 * exchangeInfo symbol objects for the history: `<dir>/exchangeInfo.json` (an array of MEXC's objects, kept
 * verbatim), keyed by symbol. A file that is there but unreadable is an error: silently falling back to made-up
 * rules would replay another market than the user meant.
 */
export function loadInfoFile(dir: string): Map<string, Record<string, unknown>> {
  const file = `${dir.replace(/\/$/, "")}/exchangeInfo.json`;
  const out = new Map<string, Record<string, unknown>>();
  if (!existsSync(file)) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { symbols?: unknown })?.symbols;
  if (!Array.isArray(list))
    throw new Error(`${file}: expected an array of exchangeInfo symbol objects (or exchangeInfo's answer)`);
  list.forEach((s, i) => {
    if (s === null || typeof s !== "object" || typeof (s as { symbol?: unknown }).symbol !== "string")
      throw new Error(`${file}: entry ${i} is not a symbol object with a "symbol" field`);
    out.set((s as { symbol: string }).symbol, s as Record<string, unknown>);
  });
  return out;
}

/**
 * Plausible rules for a symbol the history has no exchangeInfo for: tick and step from the decimals of its
 * prices and volumes; the rest the synthetic universe's USDT-pair defaults (universe.ts, after MEXC's
 * exchangeInfo): minimum order 1 quote unit (`quoteAmountPrecision`), maximum 2,000,000 (limit) / 100,000
 * (market), maker 0 and taker 0.0005 (MEXC's standard spot fees; the docs' "Query symbol commission" answers
 * them per symbol). LIMIT, MARKET and LIMIT_MAKER, as MEXC's spot pairs list.
 */
export function defaultInfo(s: HistorySeries): Record<string, unknown> {
  const quote = QUOTES.filter((q) => s.symbol.endsWith(q) && s.symbol.length > q.length).sort(
    (a, b) => b.length - a.length,
  )[0];
  if (!quote)
    throw new Error(
      `${s.symbol}: cannot tell its base and quote asset (known quotes: ${QUOTES.join(", ")}); ` +
        `put its exchangeInfo object in exchangeInfo.json beside the history files`,
    );
  const bp = s.volumeDecimals;
  const pp = s.priceDecimals;
  return {
    symbol: s.symbol,
    status: "1",
    baseAsset: s.symbol.slice(0, -quote.length),
    baseAssetPrecision: bp,
    quoteAsset: quote,
    quotePrecision: pp,
    quoteAssetPrecision: pp,
    baseCommissionPrecision: COMMISSION_PRECISION,
    quoteCommissionPrecision: COMMISSION_PRECISION,
    orderTypes: ["LIMIT", "MARKET", "LIMIT_MAKER"],
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    quoteAmountPrecision: "1",
    baseSizePrecision: bp === 0 ? "1" : (10 ** -bp).toFixed(bp),
    permissions: ["SPOT"],
    filters: [],
    maxQuoteAmount: "2000000",
    makerCommission: "0",
    takerCommission: "0.0005",
    quoteAmountPrecisionMarket: "1",
    maxQuoteAmountMarket: "100000",
    fullName: s.symbol.slice(0, -quote.length),
    tradeSideType: "1",
    st: false,
    quoteOrderQtyMarketAllowed: true,
  };
}
